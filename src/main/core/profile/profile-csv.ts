import type { ProfileSample } from '../../../shared/contract/profile'
import { stageOrder } from './stage-stats'

/**
 * One row per inference: index, arrival time, µs per stage and the total. Units are in the header
 * so a spreadsheet user never has to guess. A stage the board did not print on a line is empty.
 */
export function profileCsv(samples: readonly ProfileSample[]): string {
  const stages = stageOrder(samples)
  const lines = [['index', 'time_ms', ...stages.map((s) => `${csvName(s)}_us`), 'total_us'].join(',')]
  samples.forEach((s, i) => {
    const values = stages.map((st) => (s.stages[st] === undefined ? '' : num(s.stages[st])))
    const total = Object.values(s.stages).reduce((a, b) => a + b, 0)
    lines.push([String(i), num(s.t), ...values, num(total)].join(','))
  })
  return lines.join('\n') + '\n'
}

function num(v: number): string {
  return String(Math.round(v * 1000) / 1000)
}

function csvName(stage: string): string {
  // Stage names come from the board; keep them safe as a CSV header without quoting.
  return stage.replace(/[^\w.-]/g, '_')
}
