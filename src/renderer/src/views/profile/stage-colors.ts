/** One colour per stage everywhere in the Profile view (bars, histograms, timeline, table). */
const KNOWN: Record<string, string> = { sensor: '#4e79a7', preprocess: '#f28e2b', inference: '#e15759', output: '#59a14f' }
const EXTRA = ['#b07aa1', '#76b7b2', '#edc948', '#ff9da7', '#9c755f', '#bab0ac']

export function stageColor(stage: string, index: number): string {
  return KNOWN[stage] ?? EXTRA[index % EXTRA.length]
}

export const STAGE_TITLES: Record<string, string> = { sensor: 'Sensor read', preprocess: 'Preprocess', inference: 'Inference', output: 'Output' }

export function stageTitle(stage: string): string {
  return STAGE_TITLES[stage] ?? stage
}
