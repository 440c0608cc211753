/**
 * The parameter preparation TFLite Micro does at Prepare() time, done once at code generation. The
 * arithmetic is the interpreter's (quant/fixed-point.ts and the kernels' own Prepare math), so the
 * generated C and the desktop interpreter start from the same multipliers, shifts and clamps. The
 * float32 values from the flatbuffer are exact in a JS number, so the results are the same bits the
 * reference computes on the board.
 */
import { quantizedActivationRange, type Int8Activation } from '../quant/fixed-point'
import { softmaxInt8Params } from '../quant/kernels/softmax'
import type { CgActivation } from './graph'

const INT8_ACTIVATION: Record<CgActivation, Int8Activation> = {
  none: 'NONE',
  relu: 'RELU',
  relu6: 'RELU6',
  relu_n1_to_1: 'RELU_N1_TO_1',
  unsupported: 'NONE'
}

/** tflite::CalculateActivationRangeQuantized for int8: the fused activation as an int8 clamp. */
export function activationRange(act: CgActivation, scale: number, zeroPoint: number): { min: number; max: number } {
  return quantizedActivationRange(INT8_ACTIVATION[act], scale, zeroPoint)
}

/** SoftmaxPrepare for int8: input multiplier, left shift and diff_min (5 integer bits). */
export function softmaxParams(beta: number, inputScale: number): { multiplier: number; leftShift: number; diffMin: number } {
  const p = softmaxInt8Params(beta, inputScale, 1, 1)
  return { multiplier: p.inputMultiplier, leftShift: p.inputLeftShift, diffMin: p.diffMin }
}
