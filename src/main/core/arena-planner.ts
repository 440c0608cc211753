/**
 * How much RAM a model needs on the board: the tensor arena TensorFlow Lite Micro would ask for,
 * and the smaller one our own C runtime needs.
 *
 * TFLM's arena has two parts (MicroAllocator): a head planned by GreedyMemoryPlanner (activation
 * tensors and kernel scratch buffers, each rounded up to 16 bytes, placed greedily largest first
 * at the lowest offset that does not collide with a buffer alive at the same time), and a tail of
 * persistent bookkeeping (one TfLiteEvalTensor per tensor, a TfLiteNode + registration + kernel
 * OpData per operator, the allocator and planner objects, the TfLiteTensors behind input() and
 * output()). We compute the head exactly like the planner; the tail is an ESTIMATE whose constants
 * are calibrated on the two measurements in test/fixtures/models/README.md (64-bit host):
 *   hello_world_int8:      head 32 B  + tail 1152 B = 1184 B (measured 1184)
 *   gesture_dense_float32: head 928 B + tail 1264 B = 2192 B (measured 2192)
 * Two facts fix two constants (per operator, fixed); the per-tensor cost is sizeof(TfLiteEvalTensor)
 * on a 64-bit host. On a 32-bit Cortex-M the pointers halve, so the real tail there is smaller;
 * kernel OpData also varies by operator (softmax > fully connected), which this average ignores.
 *
 * Our C runtime keeps no per-tensor or per-operator structures in RAM (the generated code holds
 * shapes and multipliers in flash), so its arena is the planned activations alone, 4-byte aligned.
 */
import type { ParsedModel, ParsedSubgraph } from './tflite/reader'

export const TFLM_ALIGNMENT = 16
export const RUNTIME_ALIGNMENT = 4

/** Labelled estimate of TFLM's persistent tail (bytes, 64-bit host). */
export const TFLM_OVERHEAD_ESTIMATE = {
  /** MicroAllocator, GreedyMemoryPlanner, SubgraphAllocations, input/output TfLiteTensors. */
  fixed: 648,
  /** TfLiteEvalTensor: data pointer, dims pointer, type (24 B with padding on 64-bit). */
  perTensor: 24,
  /** TfLiteNode + TFLMRegistration pointer + builtin params + kernel OpData, averaged. */
  perOperator: 88
} as const

export interface PlannedBuffer {
  /** Tensor index, or -1 for a kernel scratch buffer. */
  tensor: number
  name: string
  size: number
  offset: number
  /** First and last operator index during which the buffer must hold its contents. */
  firstOp: number
  lastOp: number
}

export interface ArenaLayout {
  bytes: number
  alignment: number
  buffers: PlannedBuffer[]
}

export interface ArenaReport {
  /** What goes to flash: the whole .tflite (or the same bytes as a C array). */
  flashBytes: number
  tflm: {
    /** Planned activations + scratch (exact, as GreedyMemoryPlanner lays them out). */
    plannedBytes: number
    /** Persistent bookkeeping: an estimate, see TFLM_OVERHEAD_ESTIMATE. */
    overheadEstimateBytes: number
    /** plannedBytes + overheadEstimateBytes: compare with MicroInterpreter::arena_used_bytes(). */
    totalEstimateBytes: number
    layout: ArenaLayout
  }
  /** Our C runtime: activations only. */
  runtime: ArenaLayout
}

interface Lifetime {
  tensor: number
  name: string
  size: number
  firstOp: number
  lastOp: number
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a
}

/**
 * Lifetimes as TFLM's AllocationInfoBuilder computes them: graph inputs live from the start,
 * graph outputs to the end, other activations from the operator that writes them to the last one
 * that reads them. Constants live in flash and are not planned.
 */
export function tensorLifetimes(sg: ParsedSubgraph): Lifetime[] {
  const last = Math.max(0, sg.operators.length - 1)
  const first = new Map<number, number>()
  const lastUse = new Map<number, number>()
  const touch = (t: number, op: number): void => {
    if (!first.has(t)) first.set(t, op)
    lastUse.set(t, Math.max(lastUse.get(t) ?? op, op))
  }
  for (const i of sg.inputs) touch(i, 0)
  sg.operators.forEach((op, k) => {
    for (const i of op.inputs) if (i >= 0) touch(i, k)
    for (const o of op.outputs) touch(o, k)
  })
  for (const o of sg.outputs) touch(o, last)
  const out: Lifetime[] = []
  for (const [t, f] of first) {
    const tensor = sg.tensors[t]
    if (tensor.data !== null) continue
    out.push({ tensor: t, name: tensor.name, size: tensor.byteSize, firstOp: f, lastOp: lastUse.get(t) ?? f })
  }
  // Scratch the reference kernels request: int8 MEAN keeps an int32 sum per output.
  sg.operators.forEach((op, k) => {
    if (op.builtin !== 'MEAN') return
    const inp = sg.tensors[op.inputs[0]]
    const outp = sg.tensors[op.outputs[0]]
    if (inp?.type === 'INT8' && outp) out.push({ tensor: -1, name: `MEAN scratch (op ${k})`, size: outp.elementCount * 4, firstOp: k, lastOp: k })
  })
  return out
}

/** GreedyMemoryPlanner: largest first, each at the lowest offset free for its whole lifetime. */
export function planGreedy(lifetimes: Lifetime[], alignment: number): ArenaLayout {
  const order = lifetimes
    .map((l, i) => ({ ...l, size: alignUp(l.size, alignment), i }))
    .sort((a, b) => b.size - a.size || a.i - b.i)
  const placed: PlannedBuffer[] = []
  let bytes = 0
  for (const l of order) {
    const live = placed
      .filter((p) => p.firstOp <= l.lastOp && l.firstOp <= p.lastOp)
      .sort((a, b) => a.offset - b.offset)
    let offset = 0
    for (const p of live) {
      if (offset + l.size <= p.offset) break
      offset = Math.max(offset, p.offset + p.size)
    }
    placed.push({ tensor: l.tensor, name: l.name, size: l.size, offset, firstOp: l.firstOp, lastOp: l.lastOp })
    bytes = Math.max(bytes, offset + l.size)
  }
  placed.sort((a, b) => a.offset - b.offset || a.firstOp - b.firstOp)
  return { bytes, alignment, buffers: placed }
}

export function planArena(model: ParsedModel, subgraph = 0): ArenaReport {
  const sg = model.subgraphs[subgraph]
  const lifetimes = tensorLifetimes(sg)
  const tflmLayout = planGreedy(lifetimes, TFLM_ALIGNMENT)
  const runtime = planGreedy(lifetimes, RUNTIME_ALIGNMENT)
  let tensors = 0
  let operators = 0
  for (const g of model.subgraphs) {
    tensors += g.tensors.length
    operators += g.operators.length
  }
  const o = TFLM_OVERHEAD_ESTIMATE
  const overhead = o.fixed + o.perTensor * tensors + o.perOperator * operators
  return {
    flashBytes: model.sizes.fileBytes,
    tflm: { plannedBytes: tflmLayout.bytes, overheadEstimateBytes: overhead, totalEstimateBytes: tflmLayout.bytes + overhead, layout: tflmLayout },
    runtime
  }
}
