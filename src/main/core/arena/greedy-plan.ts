/**
 * The one greedy arena planner, shared by the C runtime's generated code and the TensorFlow Lite
 * Micro estimate: TFLM's GreedyMemoryPlanner. Each buffer's size is rounded up to the alignment;
 * buffers go largest first, each at the lowest offset that collides with no buffer alive at the same
 * time. Ties go last-added first: TFLM fills its sort array from the end and sorts it stably.
 */
export interface PlanBuffer {
  /** Tensor index, or a negative id for a kernel scratch buffer. */
  id: number
  name: string
  size: number
  /** First and last operator index during which the buffer must hold its contents. */
  firstOp: number
  lastOp: number
}

export interface PlacedBuffer extends PlanBuffer {
  offset: number
}

export interface GreedyPlan {
  /** GreedyMemoryPlanner::GetMaximumMemorySize(): the highest aligned end of any buffer. */
  bytes: number
  alignment: number
  /** Sorted by offset; sizes are the aligned sizes. */
  buffers: PlacedBuffer[]
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a

export function planGreedy(buffers: PlanBuffer[], alignment: number): GreedyPlan {
  const order = buffers.map((b, i) => ({ ...b, size: alignUp(b.size, alignment), i })).sort((a, b) => b.size - a.size || b.i - a.i)
  const placed: PlacedBuffer[] = []
  let bytes = 0
  for (const b of order) {
    const live = placed.filter((p) => p.firstOp <= b.lastOp && b.firstOp <= p.lastOp).sort((x, y) => x.offset - y.offset)
    let offset = 0
    for (const p of live) {
      if (offset + b.size <= p.offset) break
      offset = Math.max(offset, p.offset + p.size)
    }
    placed.push({ id: b.id, name: b.name, size: b.size, firstOp: b.firstOp, lastOp: b.lastOp, offset })
    bytes = Math.max(bytes, offset + b.size)
  }
  placed.sort((a, b) => a.offset - b.offset || a.firstOp - b.firstOp)
  return { bytes, alignment, buffers: placed }
}
