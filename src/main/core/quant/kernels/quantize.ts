/**
 * QUANTIZE, as TFLM computes it: float32 -> int8 with reference_ops::AffineQuantize (divide by the
 * scale in float32, round half away from zero, add the zero point, clamp); int8 -> int8 with
 * reference_ops::Requantize (fixed-point multiplier from input_scale / output_scale).
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier, roundHalfAwayFromZero } from '../fixed-point'
import { expectElements, input, output, quant, unsupported, type Eval, type KernelNode } from './types'

export function affineQuantize(scale: number, zeroPoint: number, input: Float32Array, output: Int8Array): void {
  const s = Math.fround(scale)
  for (let i = 0; i < input.length; i++) {
    const v = roundHalfAwayFromZero(Math.fround(input[i] / s)) + zeroPoint
    output[i] = v < -128 ? -128 : v > 127 ? 127 : v
  }
}

export function requantizeInt8(multiplier: number, shift: number, inputZeroPoint: number, outputZeroPoint: number, input: Int8Array, output: Int8Array): void {
  for (let i = 0; i < input.length; i++) {
    const v = multiplyByQuantizedMultiplier(input[i] - inputZeroPoint, multiplier, shift) + outputZeroPoint
    output[i] = v < -128 ? -128 : v > 127 ? 127 : v
  }
}

export const quantize = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const out = output(node, 0)
  expectElements(node, out, inp.data.length)
  if (out.type !== 'INT8') throw unsupported(node, `does not support ${out.type} output`)
  const oq = quant(out, node)
  if (inp.type === 'FLOAT32') {
    return () => affineQuantize(oq.scale, oq.zeroPoint, inp.data as Float32Array, out.data as Int8Array)
  }
  if (inp.type === 'INT8') {
    const iq = quant(inp, node)
    const { multiplier, shift } = quantizeMultiplier(iq.scale / oq.scale)
    return () => requantizeInt8(multiplier, shift, iq.zeroPoint, oq.zeroPoint, inp.data as Int8Array, out.data as Int8Array)
  }
  throw unsupported(node, `does not support ${inp.type} input`)
}
