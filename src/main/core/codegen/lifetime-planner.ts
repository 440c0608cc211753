/**
 * Static arena layout for the C runtime: every activation tensor lives from the operator that
 * writes it to the last operator that reads it, and tensors whose lifetimes do not overlap share
 * bytes. Greedy by size, largest first, lowest fitting offset: the same idea as TFLite Micro's
 * GreedyMemoryPlanner, so the two arenas are comparable.
 */
export interface LifetimeRequest {
  id: number
  bytes: number
  /** Index of the first operator that needs the buffer (-1 for model inputs). */
  first: number
  /** Index of the last operator that needs it (operator count for model outputs). */
  last: number
}

export interface ArenaPlan {
  offsets: Map<number, number>
  bytes: number
}

export function planArena(requests: LifetimeRequest[], alignment = 16): ArenaPlan {
  const align = (n: number): number => Math.ceil(n / alignment) * alignment
  const order = [...requests].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id - b.id)
  const placed: Array<{ r: LifetimeRequest; offset: number }> = []
  const offsets = new Map<number, number>()
  let total = 0
  for (const r of order) {
    const live = placed
      .filter((p) => p.r.first <= r.last && r.first <= p.r.last)
      .sort((a, b) => a.offset - b.offset)
    let offset = 0
    for (const p of live) {
      if (offset + r.bytes <= p.offset) break
      offset = Math.max(offset, align(p.offset + p.r.bytes))
    }
    placed.push({ r, offset })
    offsets.set(r.id, offset)
    total = Math.max(total, offset + r.bytes)
  }
  return { offsets, bytes: align(total) }
}
