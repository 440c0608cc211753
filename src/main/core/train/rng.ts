import { mulberry32 } from '../util/random'

export { mulberry32 }

/** Fisher-Yates in place with the given generator. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    const t = items[i]
    items[i] = items[j]
    items[j] = t
  }
  return items
}

/**
 * Splits indices so every label keeps its share in both parts (stratified), seeded. Each label with
 * at least two items puts at least one in each part, so a small class is never missing from a test.
 */
export function stratifiedSplit(labels: string[], fraction: number, seed: number): { keep: number[]; held: number[] } {
  const byLabel = new Map<string, number[]>()
  labels.forEach((l, i) => {
    const list = byLabel.get(l)
    if (list) list.push(i)
    else byLabel.set(l, [i])
  })
  const random = mulberry32(seed)
  const keep: number[] = []
  const held: number[] = []
  for (const label of [...byLabel.keys()].sort()) {
    const idx = shuffleInPlace([...byLabel.get(label)!], random)
    let n = Math.round(idx.length * fraction)
    if (fraction > 0 && idx.length >= 2) n = Math.min(idx.length - 1, Math.max(1, n))
    held.push(...idx.slice(0, n))
    keep.push(...idx.slice(n))
  }
  keep.sort((a, b) => a - b)
  held.sort((a, b) => a - b)
  return { keep, held }
}
