/**
 * Train/test split that keeps every class's share in both halves and gives the same answer for
 * the same seed, so a project's test set does not move between sessions.
 */
import { mulberry32 } from '../util/random'
export interface SplitItem {
  id: string
  label: string
}

export function stratifiedSplit(items: SplitItem[], testFraction: number, seed: number): Map<string, 'train' | 'test'> {
  if (!(testFraction >= 0 && testFraction < 1)) throw new RangeError('testFraction must be in [0, 1)')
  const byLabel = new Map<string, string[]>()
  for (const it of items) {
    const list = byLabel.get(it.label) ?? []
    list.push(it.id)
    byLabel.set(it.label, list)
  }
  const out = new Map<string, 'train' | 'test'>()
  for (const [label, ids] of [...byLabel].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    ids.sort()
    const rand = mulberry32((seed ^ hashString(label)) >>> 0)
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[ids[i], ids[j]] = [ids[j], ids[i]]
    }
    // A class with two or more windows always gets one in each half.
    let nTest = Math.round(ids.length * testFraction)
    if (testFraction > 0 && ids.length >= 2) nTest = Math.min(Math.max(nTest, 1), ids.length - 1)
    ids.forEach((id, i) => out.set(id, i < nTest ? 'test' : 'train'))
  }
  return out
}

function hashString(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

/**
 * The split of one new window of a class that already has `counts` windows: the same rule as
 * stratifiedSplit, applied as windows arrive, so every class keeps its share of test windows
 * (3 classes x 15 recorded windows give 3 test windows each; a hash per window gave one class none).
 */
export function splitForNext(counts: { train: number; test: number }, testFraction: number): 'train' | 'test' {
  const n = counts.train + counts.test + 1
  let want = Math.round(n * testFraction)
  if (testFraction > 0 && n >= 2) want = Math.min(Math.max(want, 1), n - 1)
  return counts.test < want ? 'test' : 'train'
}
