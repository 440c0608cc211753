/**
 * The C runtime's elementwise operators: one call into mf_runtime.c with the parameters TFLM's
 * Prepare() computes, worked out here once (QUANTIZE/DEQUANTIZE at the float edges, int8 requantize,
 * standalone RELU and RELU6).
 */
import { quantizeMultiplier } from '../quant/fixed-point'
import { relu6Int8Bounds, reluInt8Params } from '../quant/kernels/relu'
import { cDouble, cInt32 } from './c-literals'
import { elementCount, type CgOperator, type CgTensor } from './graph'

/** The C statement for an elementwise operator, or null for any other operator. */
export function elementwiseCall(op: CgOperator, input: CgTensor, output: CgTensor, inRef: string, outRef: string): string | null {
  const n = elementCount(output.shape)
  const inQ = { scale: input.scale[0], zeroPoint: input.zeroPoint[0] }
  const outQ = { scale: output.scale[0], zeroPoint: output.zeroPoint[0] }
  switch (op.op) {
    case 'QUANTIZE': {
      if (input.type === 'float32') return `  mf_quantize_f32_s8(${inRef}, ${outRef}, ${n}, ${cDouble(outQ.scale)}, ${outQ.zeroPoint});`
      const q = quantizeMultiplier(inQ.scale / outQ.scale)
      return `  mf_requantize_s8(${inRef}, ${outRef}, ${n}, ${inQ.zeroPoint}, ${outQ.zeroPoint}, ${cInt32(q.multiplier)}, ${q.shift});`
    }
    case 'DEQUANTIZE':
      return `  mf_dequantize_s8_f32(${inRef}, ${outRef}, ${elementCount(input.shape)}, ${cDouble(inQ.scale)}, ${inQ.zeroPoint});`
    case 'RELU': {
      const r = reluInt8Params(inQ, outQ)
      return `  mf_relu_s8(${inRef}, ${outRef}, ${n}, ${r.inputZeroPoint}, ${r.outputZeroPoint}, ${cInt32(r.multiplier)}, ${r.shift}, ${r.min});`
    }
    case 'RELU6': {
      const b = relu6Int8Bounds(inQ)
      return `  mf_clamp_s8(${inRef}, ${outRef}, ${n}, ${b.zero}, ${b.six});`
    }
    default:
      return null
  }
}
