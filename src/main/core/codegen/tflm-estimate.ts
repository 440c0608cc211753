/**
 * What the TensorFlow Lite Micro path costs, estimated without building it: the arena (the same
 * greedy lifetime plan as the interpreter, plus its per-tensor and per-operator bookkeeping) and
 * the flash of the interpreter and the registered kernels. Calibrated on the converter's
 * hello_world (1184 bytes measured by TFLM) and gesture_dense (2192 bytes); kernel sizes are
 * Cortex-M4 -Os reference-kernel builds, rounded up. Estimates, labelled as such wherever shown.
 */
import { planArena as planTflmArena } from '../arena-planner'
import { parseTflite } from '../tflite/reader'
import { bytesPerElement, elementCount, type CgModel } from './graph'
import { planArena, type LifetimeRequest } from './lifetime-planner'

const KERNEL_FLASH: Record<string, number> = {
  FULLY_CONNECTED: 4200,
  CONV_2D: 7800,
  DEPTHWISE_CONV_2D: 8400,
  MAX_POOL_2D: 2600,
  AVERAGE_POOL_2D: 2800,
  MEAN: 5200,
  SOFTMAX: 3600,
  RESHAPE: 900,
  EXPAND_DIMS: 900,
  SQUEEZE: 800,
  QUANTIZE: 3000,
  DEQUANTIZE: 2200
}
/** Interpreter, allocator, flatbuffer access, memory planner, logging. */
const TFLM_CORE_FLASH = 52_000
const PER_TENSOR_ARENA = 64
const PER_OP_ARENA = 96
const FIXED_ARENA = 224

export interface TflmEstimate {
  /** Bytes of activations alone, as the greedy planner lays them out. */
  activationBytes: number
  /** activationBytes plus the interpreter's bookkeeping: compare with arena_used_bytes(). */
  arenaBytes: number
  /** Interpreter plus the kernels the model registers (the .tflite itself is extra). */
  runtimeFlashBytes: number
}

export function activationPlan(model: CgModel): number {
  const req = new Map<number, LifetimeRequest>()
  const touch = (idx: number, at: number): void => {
    if (idx < 0 || model.tensors[idx].data) return
    const t = model.tensors[idx]
    const r = req.get(idx)
    if (!r) req.set(idx, { id: idx, bytes: elementCount(t.shape) * bytesPerElement(t.type), first: at, last: at })
    else {
      r.first = Math.min(r.first, at)
      r.last = Math.max(r.last, at)
    }
  }
  for (const i of model.inputs) touch(i, -1)
  model.operators.forEach((op, k) => [...op.inputs, ...op.outputs].forEach((x) => touch(x, k)))
  for (const o of model.outputs) touch(o, model.operators.length)
  return planArena([...req.values()]).bytes
}

/**
 * With the .tflite bytes, the arena comes from the app's arena planner (core/arena-planner.ts, the
 * same number the Optimize step shows, including kernel scratch buffers); without them, from the
 * lifetime plan plus the calibrated bookkeeping above.
 */
export function estimateTflm(model: CgModel, tflite?: Uint8Array): TflmEstimate {
  let activationBytes: number
  let arenaBytes: number
  if (tflite) {
    const report = planTflmArena(parseTflite(tflite)).tflm
    activationBytes = report.plannedBytes
    arenaBytes = report.totalEstimateBytes
  } else {
    activationBytes = activationPlan(model)
    arenaBytes = activationBytes + FIXED_ARENA + PER_TENSOR_ARENA * model.tensors.length + PER_OP_ARENA * model.operators.length
  }
  const ops = [...new Set(model.operators.map((o) => o.op))]
  const runtimeFlashBytes = TFLM_CORE_FLASH + ops.reduce((s, op) => s + (KERNEL_FLASH[op] ?? 6000), 0)
  return { activationBytes, arenaBytes, runtimeFlashBytes }
}
