/**
 * RELU and RELU6 as standalone operators (a ReLU the exporter could not fuse into a weight layer),
 * as TFLM's reference kernels compute them (kernels/activations.cc, activations_common.cc):
 * - int8 RELU requantizes from the input to the output scale, then clamps below at the output
 *   zero point. The multiplier comes from input_scale / output_scale divided in float32 (the SDK's
 *   build divides the floats, then widens to double).
 * - int8 RELU6 does not requantize: it clamps the input bytes to [zero, six] in the input's own
 *   domain (six = round(6 / input_scale) + input_zero_point) and ignores the output's quantization.
 * - float32 keeps NaN and -0 (val < 0 ? 0 : val).
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAwayFromZero, type QuantizedMultiplier } from '../fixed-point'
import { expectElements, input, output, quant, unsupported, type Eval, type KernelNode } from './types'

export interface ReluInt8Params extends QuantizedMultiplier {
  inputZeroPoint: number
  outputZeroPoint: number
  /** Lower clamp in the output domain: max(-128, output zero point). */
  min: number
}

/** ReluPrepare's CalculateReluOpData<int8_t>. */
export function reluInt8Params(input: { scale: number; zeroPoint: number }, output: { scale: number; zeroPoint: number }): ReluInt8Params {
  const { multiplier, shift } = quantizeMultiplier(Math.fround(Math.fround(input.scale) / Math.fround(output.scale)))
  // roundf(0.0f / output_scale) is 0 for every finite scale.
  return { multiplier, shift, inputZeroPoint: input.zeroPoint, outputZeroPoint: output.zeroPoint, min: Math.max(-128, output.zeroPoint) }
}

/** Relu6Prepare for int8: the clamp bounds in the input's domain. */
export function relu6Int8Bounds(input: { scale: number; zeroPoint: number }): { zero: number; six: number } {
  const six = roundHalfAwayFromZero(Math.fround(6 / Math.fround(input.scale))) + input.zeroPoint
  return { zero: input.zeroPoint, six: Math.min(127, Math.max(-128, six)) }
}

export function reluInt8(p: ReluInt8Params, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const v = p.outputZeroPoint + multiplyByQuantizedMultiplier(input[i] - p.inputZeroPoint, p.multiplier, p.shift)
    output[i] = v < p.min ? p.min : v > 127 ? 127 : v
  }
}

export function relu6Int8(zero: number, six: number, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const v = input[i]
    output[i] = v > six ? six : v < zero ? zero : v
  }
}

export function reluFloat(input: Float32Array, output: Float32Array): void {
  for (let i = 0; i < input.length; i++) {
    const v = input[i]
    output[i] = v < 0 ? 0 : v
  }
}

export function relu6Float(input: Float32Array, output: Float32Array): void {
  for (let i = 0; i < input.length; i++) {
    const v = input[i]
    output[i] = v > 6 ? 6 : v < 0 ? 0 : v
  }
}

function prepare(node: KernelNode, six: boolean): Eval {
  const inp = input(node, 0)
  const out = output(node, 0)
  expectElements(node, out, inp.data.length)
  if (inp.type !== out.type) throw unsupported(node, `turns ${inp.type} into ${out.type}`)
  if (inp.type === 'FLOAT32') {
    const src = inp.data as Float32Array
    const dst = out.data as Float32Array
    return six ? () => relu6Float(src, dst) : () => reluFloat(src, dst)
  }
  if (inp.type !== 'INT8') throw unsupported(node, `does not support ${inp.type} input`)
  const src = inp.data as Int8Array
  const dst = out.data as Int8Array
  if (six) {
    const { zero, six: upper } = relu6Int8Bounds(quant(inp, node))
    return () => relu6Int8(zero, upper, src, dst)
  }
  const p = reluInt8Params(quant(inp, node), quant(out, node))
  return () => reluInt8(p, src, dst)
}

export const relu = (node: KernelNode): Eval => prepare(node, false)
export const relu6 = (node: KernelNode): Eval => prepare(node, true)
