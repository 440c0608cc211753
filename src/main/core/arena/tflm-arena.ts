/**
 * TensorFlow Lite Micro's arena_used_bytes() on a 32-bit core, derived from its allocator rather
 * than fitted: MicroAllocator splits the arena into a head (non-persistent: the greedy plan of
 * activations and kernel scratch) and a tail (persistent: allocator objects, TfLiteEvalTensors,
 * NodeAndRegistrations, builtin options, kernel OpData and per-channel arrays, scratch handles, the
 * input/output TfLiteTensors). Tail allocations grow down from the arena's 16-byte aligned end,
 * each aligned down to its own alignment, so their order matters; this replays it:
 *   MicroAllocator::Create       SingleArenaBufferAllocator, GreedyMemoryPlanner, MicroAllocator
 *   StartModelAllocation         MicroBuiltinDataAllocator, SubgraphAllocations, eval tensors, nodes
 *   PrepareNodeAndRegistration   builtin options, operator by operator
 *   InitSubgraphs, Prepare...    kernel Init() then Prepare() buffers (16-byte aligned each)
 *   FinishModelAllocation        ScratchBufferHandles, variable tensors, the plan (head)
 *   MicroInterpreter             input pointer array + TfLiteTensor (+ quantization) per input, same for outputs
 *
 * AllocateTensors() needs more than it finally uses: while planning, the free space between head
 * and tail holds the scratch requests, the AllocationInfo array and the planner's own arrays, and
 * while each kernel prepares, temporary TfLiteTensors. requiredBytes is the smallest arena that
 * passes every step, what kTensorArenaSize must be.
 */
import type { ParsedModel, ParsedSubgraph, ParsedTensor } from '../tflite/reader'
import { planGreedy, type GreedyPlan, type PlanBuffer } from './greedy-plan'
import { opArena, TFLM_STRUCTS as S, type TflmAbi, type TflmKernelSet } from './tflm-kernels'

export const TFLM_ALIGNMENT = 16

export interface TflmArenaTarget {
  kernels: TflmKernelSet
  abi: TflmAbi
}

/** Cortex-M4/M7 boards: CMSIS-NN kernels, Arm EABI. */
export const CORTEX_M_CMSIS: TflmArenaTarget = { kernels: 'cmsis-nn', abi: { shortEnums: true } }
export const CORTEX_M_REFERENCE: TflmArenaTarget = { kernels: 'reference', abi: { shortEnums: true } }

export interface TflmArena {
  /** What arena_used_bytes() reports after AllocateTensors(). */
  usedBytes: number
  /** The head: activations and kernel scratch as GreedyMemoryPlanner lays them out. */
  headBytes: number
  /** The persistent tail. */
  tailBytes: number
  /** Kernel scratch buffers planned in the head. */
  scratchBytes: number
  /** The smallest arena AllocateTensors() succeeds with (a multiple of 16). */
  requiredBytes: number
  plan: GreedyPlan
}

/**
 * Lifetimes as AllocationInfoBuilder marks them: graph inputs from step 0, graph outputs to the
 * last step, other activations from the operator that writes them to the last one that reads them;
 * constants stay in flash. Kernel scratch lives for its operator's step, after the tensors.
 */
export function headBuffers(sg: ParsedSubgraph, scratch: Array<{ op: number; bytes: number }> = []): PlanBuffer[] {
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
  const out: PlanBuffer[] = []
  for (const t of [...first.keys()].sort((a, b) => a - b)) {
    const tensor = sg.tensors[t]
    if (tensor.data !== null || tensor.isVariable) continue
    out.push({ id: t, name: tensor.name, size: tensor.byteSize, firstOp: first.get(t)!, lastOp: lastUse.get(t)! })
  }
  scratch.forEach((s, i) => out.push({ id: -1 - i, name: `scratch of ${sg.operators[s.op].builtin} (op ${s.op})`, size: s.bytes, firstOp: s.op, lastOp: s.op }))
  return out
}

/** A quantized tensor's TfLiteAffineQuantization and its int32 zero-point array (count + values). */
function quantizationBlocks(t: ParsedTensor): Array<[number, number]> {
  const q = t.quantization
  if (!q || q.scale.length === 0 || q.zeroPoint.length === 0) return []
  return [
    [S.affineQuantization, 4],
    [4 + 4 * q.scale.length, 4]
  ]
}

/** sizeof on a 32-bit core of what planning keeps in the free space (micro_allocator.h, micro_allocation_info.h). */
const PLANNING = {
  /** internal::ScratchBufferRequest; the head reserves 12 more than requested so far. */
  scratchRequest: 12,
  maxScratchPerOp: 12,
  /** AllocationInfo, one per tensor of every subgraph and per scratch buffer. */
  allocationInfo: 24,
  /** GreedyMemoryPlanner::per_buffer_size(): requirements, two sort arrays, list entry, offset. */
  plannerPerBuffer: 40
} as const

const up = (n: number, a: number): number => Math.ceil(n / a) * a

export function tflmArena(model: ParsedModel, target: TflmArenaTarget = CORTEX_M_CMSIS): TflmArena {
  let tail = 0
  const alloc = (size: number, align: number): void => {
    tail = up(tail + size, align)
  }
  alloc(S.singleArenaBufferAllocator, 4)
  alloc(S.greedyMemoryPlanner, 4)
  alloc(S.microAllocator, 4)
  alloc(S.microBuiltinDataAllocator, 4)
  alloc(S.subgraphAllocations * model.subgraphs.length, 4)
  for (const g of model.subgraphs) alloc(S.evalTensor * g.tensors.length, 4)
  for (const g of model.subgraphs) alloc(S.nodeAndRegistration * g.operators.length, 4)

  const ops = model.subgraphs.map((g) => g.operators.map((op) => opArena(g, op, target.kernels, target.abi)))
  for (const g of ops) for (const a of g) if (a.builtin) alloc(a.builtin.size, a.builtin.align)
  for (const g of ops) for (const a of g) for (const b of a.init) alloc(b, TFLM_ALIGNMENT)

  // Prepare(): each kernel holds temporary TfLiteTensors of its inputs and outputs above the
  // scratch requests while it allocates its persistent arrays.
  let required = 0
  let requests = 0
  model.subgraphs.forEach((g, gi) =>
    g.operators.forEach((op, k) => {
      const a = ops[gi][k]
      for (const b of a.prepare) alloc(b, TFLM_ALIGNMENT)
      let temp = up(PLANNING.scratchRequest * (requests + PLANNING.maxScratchPerOp), 4)
      for (const t of a.temps) {
        temp = up(temp, 4) + S.tfLiteTensor
        for (const [size, align] of quantizationBlocks(g.tensors[t])) temp = up(temp, align) + size
      }
      required = Math.max(required, up(temp, 4) + tail)
      requests += a.scratch.length
    })
  )

  const sg = model.subgraphs[0]
  const scratch = ops[0].flatMap((a, op) => a.scratch.map((bytes) => ({ op, bytes })))
  if (requests > 0) alloc(S.scratchBufferHandle * requests, 4)
  for (const g of model.subgraphs) for (const t of g.tensors) if (t.isVariable) alloc(t.byteSize, TFLM_ALIGNMENT)

  // CommitStaticMemoryPlan(): subgraph offsets and AllocationInfo after the scratch requests, then
  // the planner's arrays in what is left, 16-byte aligned at both ends.
  const buffers = headBuffers(sg, scratch)
  const tensorCount = model.subgraphs.reduce((n, g) => n + g.tensors.length, 0)
  let temp = PLANNING.scratchRequest * (requests + PLANNING.maxScratchPerOp)
  temp = up(temp, 4) + 4 * model.subgraphs.length
  temp = up(temp, 4) + PLANNING.allocationInfo * (tensorCount + requests)
  required = Math.max(required, up(temp, TFLM_ALIGNMENT) + PLANNING.plannerPerBuffer * buffers.length + up(tail, TFLM_ALIGNMENT))

  for (const ends of [sg.inputs, sg.outputs]) {
    alloc(S.pointer * ends.length, TFLM_ALIGNMENT)
    for (const i of ends) {
      alloc(S.tfLiteTensor, 4)
      for (const [size, align] of quantizationBlocks(sg.tensors[i])) alloc(size, align)
    }
  }

  const plan = planGreedy(buffers, TFLM_ALIGNMENT)
  const usedBytes = plan.bytes + tail
  return {
    usedBytes,
    headBytes: plan.bytes,
    tailBytes: tail,
    scratchBytes: scratch.reduce((s, x) => s + x.bytes, 0),
    requiredBytes: up(Math.max(required, usedBytes), TFLM_ALIGNMENT),
    plan
  }
}
