/**
 * What the TensorFlow Lite Micro path costs, without building it: the arena the board's TFLM
 * needs (core/arena/arena-planner.ts: derived from TFLM's allocator and the board's kernel set, checked
 * against TFLM in QEMU by test/tflm/arena.test.ts) and the flash of the interpreter and the
 * registered kernels (Cortex-M4 -Os reference-kernel builds, rounded up: an estimate).
 */
import type { TargetId } from '../../../shared/boards'
import { planArena, tflmLinkableTargets, tflmTargetOf } from '../arena/arena-planner'
import { tflmArena } from '../arena/tflm-arena'
import { TFLM_ARENA_MODELLED_OPS } from '../arena/tflm-kernels'
import { parseTflite } from '../tflite/reader'
import type { CgModel } from './graph'

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
  DEQUANTIZE: 2200,
  RELU: 900, // activations.o + activations_common.o: Init, Prepare, Eval, float and int8 paths (~740 B)
  RELU6: 600 // (~530 B)
}
/** Interpreter, allocator, flatbuffer access, memory planner, logging. */
const TFLM_CORE_FLASH = 52_000

export interface TflmEstimate {
  /** The kernels the board's TFLM uses. */
  kernels: 'reference' | 'cmsis-nn'
  /** Activations and kernel scratch, as the greedy planner lays them out. */
  activationBytes: number
  /** What arena_used_bytes() reports after AllocateTensors(). */
  arenaBytes: number
  /**
   * The smallest arena AllocateTensors() passes with, for every kernel set the board's TFLM may
   * link (the largest of requiredByKernels): kTensorArenaSize.
   */
  requiredBytes: number
  /** The smallest arena per kernel set (arena/tflm-arena.ts requiredBytes). */
  requiredByKernels: Partial<Record<'reference' | 'cmsis-nn', number>>
  /** False when the model has an operator whose kernel data the arena model does not know. */
  modelled: boolean
  /** Interpreter plus the kernels the model registers (the .tflite itself is extra). */
  runtimeFlashBytes: number
}

export function estimateTflm(model: CgModel, tflite: Uint8Array, board: TargetId = 'nano33ble'): TflmEstimate {
  const target = tflmTargetOf(board)
  const parsed = parseTflite(tflite)
  const report = planArena(parsed, target).tflm
  const requiredByKernels: TflmEstimate['requiredByKernels'] = {}
  for (const t of tflmLinkableTargets(board)) requiredByKernels[t.kernels] = t.kernels === target.kernels ? report.requiredBytes : tflmArena(parsed, t).requiredBytes
  const ops = [...new Set(model.operators.map((o) => o.op))]
  const runtimeFlashBytes = TFLM_CORE_FLASH + ops.reduce((s, op) => s + (KERNEL_FLASH[op] ?? 6000), 0)
  return {
    kernels: target.kernels,
    activationBytes: report.plannedBytes,
    arenaBytes: report.totalEstimateBytes,
    requiredBytes: Math.max(...Object.values(requiredByKernels)),
    requiredByKernels,
    modelled: ops.every((op) => TFLM_ARENA_MODELLED_OPS.has(op)),
    runtimeFlashBytes
  }
}
