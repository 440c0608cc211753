/**
 * Will it fit? Flash and RAM of a model on a board, per runtime, split into the parts a user can
 * act on (framework, runtime, model, arena). Planned numbers come from the generators themselves;
 * code sizes are estimates from Cortex-M4 -Os builds (bench/deploy.ts measures the real ones with
 * arm-none-eabi-size), and say so.
 */
import type { BoardInfo } from '../../../shared/boards'
import type { FitPart, RuntimeFit } from '../../../shared/contract/deploy'
import { MicroforgeError } from '../../../shared/errors'
import { generateCRuntimeModel } from './c-runtime'
import type { CgModel } from './graph'
import { checkTflmSupport, tflmArenaSize } from './op-resolver'
import { estimateTflm } from './tflm-estimate'

/**
 * Code bytes per kernel, arm-none-eabi-gcc 12 -Os -mcpu=cortex-m4, rounded up: the generated fast
 * kernels (c-fast-kernels.ts, compiled at -O2 inside mf_model.c) for the weighted ops, pooling and
 * MEAN, mf_runtime.c for the rest (measured with arm-none-eabi-nm on `npm run bench -- m4` images).
 */
const C_KERNEL_FLASH: Record<string, number> = {
  FULLY_CONNECTED: 560,
  CONV_2D: 1300,
  DEPTHWISE_CONV_2D: 1200,
  MAX_POOL_2D: 400,
  AVERAGE_POOL_2D: 400,
  MEAN: 200,
  SOFTMAX: 640,
  RESHAPE: 140,
  EXPAND_DIMS: 140,
  SQUEEZE: 140,
  QUANTIZE: 240,
  DEQUANTIZE: 80,
  RELU: 80, // mf_relu_s8: 64 B
  RELU6: 40 // mf_clamp_s8: 32 B
}
/** Fixed-point helpers shared by every kernel. */
const C_RUNTIME_BASE = 160
/** Soft double-precision division/multiply linked when the model quantizes or dequantizes floats. */
const SOFT_DOUBLE = 2600
/** Per-operator parameter structs and the generated calls. */
const C_PER_OP = 72

function total(board: BoardInfo, runtime: RuntimeFit['runtime'], parts: FitPart[]): RuntimeFit {
  const flashBytes = parts.reduce((s, p) => s + p.flashBytes, 0)
  const ramBytes = parts.reduce((s, p) => s + p.ramBytes, 0)
  return {
    runtime,
    supported: true,
    parts,
    flashBytes,
    ramBytes,
    fits: flashBytes <= board.flashBytes && ramBytes <= board.ramBytes,
    flashPercent: Math.round((1000 * flashBytes) / board.flashBytes) / 10,
    ramPercent: Math.round((1000 * ramBytes) / board.ramBytes) / 10
  }
}

function unsupported(runtime: RuntimeFit['runtime'], err: unknown): RuntimeFit {
  const e = err instanceof MicroforgeError ? `${err.message} ${err.hint ?? ''}`.trim() : String(err)
  return { runtime, supported: false, reason: e, parts: [], flashBytes: 0, ramBytes: 0, fits: false, flashPercent: 0, ramPercent: 0 }
}

export function framework(board: BoardInfo): FitPart {
  return { label: `${board.mcu} core and serial`, flashBytes: board.frameworkFlashBytes, ramBytes: board.frameworkRamBytes, source: 'estimate' }
}

export function tflmFit(board: BoardInfo, model: CgModel, tflite: Uint8Array): RuntimeFit {
  try {
    checkTflmSupport(model)
  } catch (err) {
    return unsupported('tflm', err)
  }
  const est = estimateTflm(model, tflite, board.id)
  return total(board, 'tflm', [
    framework(board),
    { label: 'TensorFlow Lite Micro (interpreter and kernels)', flashBytes: est.runtimeFlashBytes, ramBytes: 2048, source: 'estimate' },
    { label: 'model (.tflite in flash)', flashBytes: tflite.byteLength, ramBytes: 0, source: 'measured' },
    { label: `tensor arena (kTensorArenaSize, ${Object.keys(est.requiredByKernels).length > 1 ? 'either kernel set' : 'reference kernels'})`, flashBytes: 0, ramBytes: tflmArenaSize(est), source: 'planned' }
  ])
}

/** Sizes from arm-none-eabi-size of the generated model and runtime (image minus an empty image). */
export interface MeasuredCSize {
  flashBytes: number
  ramBytes: number
  toolchain: string
}

export function cRuntimeFit(board: BoardInfo, model: CgModel, measured?: MeasuredCSize | null): RuntimeFit {
  let c
  try {
    c = generateCRuntimeModel(model)
  } catch (err) {
    return unsupported('c', err)
  }
  if (measured) {
    // The static arena is in .bss, so the measured RAM already holds it.
    return total(board, 'c', [
      framework(board),
      { label: `C runtime, weights and arena (${measured.toolchain})`, flashBytes: measured.flashBytes, ramBytes: measured.ramBytes, source: 'measured' }
    ])
  }
  const usesDouble = c.input.type === 'float32' || c.output.type === 'float32'
  const code = C_RUNTIME_BASE + c.ops.reduce((s, op) => s + (C_KERNEL_FLASH[op] ?? 400), 0) + (usesDouble ? SOFT_DOUBLE : 0)
  return total(board, 'c', [
    framework(board),
    { label: 'Microforge C runtime (kernels used)', flashBytes: code, ramBytes: 0, source: 'estimate' },
    { label: 'weights and parameters (const arrays)', flashBytes: c.weightBytes + C_PER_OP * model.operators.length, ramBytes: 0, source: 'planned' },
    { label: 'static arena', flashBytes: 0, ramBytes: c.arenaBytes, source: 'planned' }
  ])
}
