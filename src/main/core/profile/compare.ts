import type { ProfileComparison, ProfileMemory, ProfileRuntime, ProfileStats, TimingOrigin } from '../../../shared/contract/profile'
import { formatBytes, formatMicros, formatPercent, formatRatio, MISSING } from '../../../shared/format'
import { ORIGIN_LABELS, RUNTIME_LABELS } from '../../../shared/profile-format'
import { measuredOverEstimated } from './latency-ratio'

/** What the comparison needs of one session. */
export interface ComparedSession {
  id: string
  name: string
  origin: TimingOrigin
  /** What ran the model (virtual board sessions). */
  runtime?: ProfileRuntime
  inferences: number
  stats: ProfileStats
  memory: ProfileMemory
  estimatedInferenceUs?: number
  /** From the Optimize step when the session names its variant: model size and test accuracy (0..1). */
  model?: { tfliteBytes?: number; accuracy?: number }
}

const STAGE_TITLES: Record<string, string> = {
  sensor: 'Sensor read',
  preprocess: 'Preprocess',
  inference: 'Inference',
  output: 'Output'
}

/**
 * Sessions (or variants: float32, PTQ, QAT) side by side, as rows of formatted values and as the
 * Markdown table the lessons use for their benchmark ("Metric | Float32 | Int8 PTQ | Int8 QAT").
 * Speed-up is against the first column, so put the baseline first.
 */
export function compareSessions(sessions: readonly ComparedSession[]): ProfileComparison {
  const columns = sessions.map((s) => ({ id: s.id, name: s.name, origin: s.origin }))
  const rows: ProfileComparison['rows'] = []
  const row = (metric: string, values: string[]): void => {
    rows.push({ metric, values })
  }
  const stages: string[] = []
  for (const s of sessions) for (const st of s.stats.stages) if (!stages.includes(st.stage)) stages.push(st.stage)
  const stat = (s: ComparedSession, stage: string) => s.stats.stages.find((x) => x.stage === stage)

  row('Timing', sessions.map((s) => ORIGIN_LABELS[s.origin] ?? s.origin))
  if (sessions.some((s) => s.runtime)) row('Runtime', sessions.map((s) => (s.runtime ? RUNTIME_LABELS[s.runtime] : MISSING)))
  for (const stage of stages) row(`${STAGE_TITLES[stage] ?? stage} (median)`, sessions.map((s) => formatMicros(stat(s, stage)?.median)))
  if (stages.includes('inference')) row('Inference (p95)', sessions.map((s) => formatMicros(stat(s, 'inference')?.p95)))
  row('Total per inference (median)', sessions.map((s) => formatMicros(s.stats.total?.median)))
  const key = stages.includes('inference') ? 'inference' : null
  const base = sessions[0]
  if (sessions.length > 1 && base) {
    const baseValue = key ? stat(base, key)?.median : base.stats.total?.median
    row(
      key ? 'Inference speed-up' : 'Speed-up',
      sessions.map((s) => {
        // A PC against an emulated chip is not a speed-up anyone can get: only like with like.
        if (s.origin !== base.origin) return `not comparable (${s.origin} vs ${base.origin})`
        const v = key ? stat(s, key)?.median : s.stats.total?.median
        return baseValue !== undefined && v !== undefined && v > 0 ? formatRatio(baseValue / v) : MISSING
      })
    )
  }
  if (sessions.some((s) => s.memory.arenaUsed !== undefined)) row('Tensor arena used', sessions.map((s) => formatBytes(s.memory.arenaUsed)))
  if (sessions.some((s) => s.memory.freeHeap !== undefined)) row('Free memory at start', sessions.map((s) => formatBytes(s.memory.freeHeap)))
  if (sessions.some((s) => s.model?.tfliteBytes !== undefined)) row('.tflite file size', sessions.map((s) => formatBytes(s.model?.tfliteBytes)))
  if (sessions.some((s) => s.model?.accuracy !== undefined)) row('Test accuracy', sessions.map((s) => formatPercent(s.model?.accuracy)))
  row('Inferences measured', sessions.map((s) => String(s.inferences)))
  if (sessions.some((s) => s.estimatedInferenceUs !== undefined)) {
    row('Estimated inference', sessions.map((s) => formatMicros(s.estimatedInferenceUs)))
    row(
      'Measured / estimated',
      // Host or emulator timings against a board's estimate are a comparison, not a correction: say so.
      sessions.map((s) => {
        const r = formatRatio(measuredOverEstimated(stat(s, 'inference')?.median, s.estimatedInferenceUs))
        return s.origin !== 'board' && r !== MISSING ? `${r} (${s.origin})` : r
      })
    )
  }
  return { columns, rows, markdown: markdownTable(['Metric', ...columns.map((c) => c.name)], rows.map((r) => [r.metric, ...r.values])) }
}

/** A GitHub-flavoured Markdown table; metric column left-aligned, values right-aligned. */
export function markdownTable(head: string[], body: string[][]): string {
  const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
  const lines = [`| ${head.map(cell).join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`]
  for (const r of body) lines.push(`| ${r.map(cell).join(' | ')} |`)
  return lines.join('\n') + '\n'
}
