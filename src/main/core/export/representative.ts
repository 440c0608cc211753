/**
 * Picks the representative windows int8 calibration runs on: a fixed number from the training
 * split, taken round-robin across classes so that a rare class still shapes the ranges (a
 * class-blind sample of an unbalanced dataset can miss it entirely).
 */
import { MicroforgeError } from '../../../shared/errors'
import { RECOMMENDED_REPRESENTATIVE_WINDOWS } from './export-model'

export interface RepresentativeSelection<W> {
  windows: W[]
  labels: number[]
}

export function selectRepresentativeWindows<W>(
  windows: W[],
  labels: number[],
  count: number = RECOMMENDED_REPRESENTATIVE_WINDOWS
): RepresentativeSelection<W> {
  if (windows.length !== labels.length) {
    throw new MicroforgeError('INTERNAL', `Got ${windows.length} windows but ${labels.length} labels.`)
  }
  if (!(count >= 1)) {
    throw new MicroforgeError('INVALID_ARGUMENT', `Cannot calibrate on ${count} windows.`, 'Use 100 or more representative windows.')
  }
  const byClass = new Map<number, number[]>()
  labels.forEach((label, i) => {
    const list = byClass.get(label) ?? []
    list.push(i)
    byClass.set(label, list)
  })
  // Spread each class's picks over its whole recording order rather than taking the first ones,
  // which tend to come from one session.
  const queues = [...byClass.keys()].sort((a, b) => a - b).map((c) => spread(byClass.get(c) as number[]))
  const picked: number[] = []
  for (let round = 0; picked.length < Math.min(count, windows.length); round++) {
    for (const q of queues) if (round < q.length && picked.length < count) picked.push(q[round])
  }
  picked.sort((a, b) => a - b)
  return { windows: picked.map((i) => windows[i]), labels: picked.map((i) => labels[i]) }
}

/** Order indices so that every prefix is spread evenly over the list (bit-reversal-like strides). */
function spread(indices: number[]): number[] {
  const out: number[] = []
  const used = new Uint8Array(indices.length)
  for (let step = indices.length; out.length < indices.length; step = Math.max(1, Math.floor(step / 2))) {
    for (let i = 0; i < indices.length; i += step) {
      if (!used[i]) {
        used[i] = 1
        out.push(indices[i])
      }
    }
  }
  return out
}
