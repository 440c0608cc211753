/**
 * MEAN (global average pooling from the converter), as TensorFlow Lite Micro computes it today.
 * Sources (tensorflow/tflite-micro): tensorflow/lite/micro/kernels/reduce.cc registers MEAN as
 * PrepareMeanOrSumHelper + EvalMeanHelper from tensorflow/lite/micro/kernels/reduce_common.cc, which
 * call tensorflow/lite/kernels/internal/reference/reduce.h.
 * - float32: reference_ops::Mean, a float32 sum in input order divided by the count.
 * - int8: reference_ops::QuantizedMeanOrSum (compute_sum false), integers only, also when input and
 *   output quantization are equal (older TFLM truncated sum / count there; the SDK revision the
 *   golden vectors in test/fixtures/golden come from rounds through the multiplier, and so do we).
 *   PrepareMeanOrSumHelper runs QuantizeMultiplier(double(input_scale) / double(output_scale)).
 *   At Eval 1/count is folded in: s = min(63 - clz64(count), 32, 31 + shift),
 *   multiplier = int32((int64(multiplier) << s) / count), shift -= s. Each output is
 *   MultiplyByQuantizedMultiplier(int32(sum - input_zp * count), multiplier, shift) + output_zp,
 *   clamped to [-128, 127]. A zero count leaves the outputs at 0.
 * The float32 rescale (round(mean * scale + bias)) is what older code did (reduce.cc EvalMean of
 * 2021, which also sent 4D keep_dims means over axes 1 and 2 to reference_integer_ops::Mean); no
 * int8 case of the current kernel uses either, so neither is reproduced here.
 */
import { multiplyByQuantizedMultiplier, quantizeMultiplier, type QuantizedMultiplier } from '../fixed-point'
import { badModel, expectType, input, output, quant, unsupported, type Eval, type KernelNode } from './types'

export interface ReducePlan {
  /** Output flat index for each input flat index. */
  outputIndex: Int32Array
  outputCount: number
  /** Input elements folded into each output. */
  reducedCount: number
}

/** Maps every input element to its output slot (same order with or without keep_dims). */
export function planReduction(shape: number[], axes: number[]): ReducePlan {
  const rank = shape.length
  const reduced = new Set<number>()
  for (const a of axes) {
    const axis = a < 0 ? a + rank : a
    if (axis < 0 || axis >= rank) throw new RangeError(`axis ${a} out of range for rank ${rank}`)
    reduced.add(axis)
  }
  let inputCount = 1
  for (const d of shape) inputCount *= d
  let outputCount = 1
  let reducedCount = 1
  for (let i = 0; i < rank; i++) {
    if (reduced.has(i)) reducedCount *= shape[i]
    else outputCount *= shape[i]
  }
  const outputIndex = new Int32Array(inputCount)
  const coord = new Array<number>(rank).fill(0)
  for (let flat = 0; flat < inputCount; flat++) {
    let o = 0
    for (let i = 0; i < rank; i++) if (!reduced.has(i)) o = o * shape[i] + coord[i]
    outputIndex[flat] = o
    for (let i = rank - 1; i >= 0; i--) {
      if (++coord[i] < shape[i]) break
      coord[i] = 0
    }
  }
  return { outputIndex, outputCount, reducedCount }
}

/** QuantizedMeanOrSum's multiplier for a mean: QuantizeMultiplier(inputScale / outputScale) with 1/count folded in. */
export function meanMultiplier(inputScale: number, outputScale: number, count: number): QuantizedMultiplier {
  const base = quantizeMultiplier(inputScale / outputScale)
  if (count <= 0) return base
  let msb = 0
  while (2 ** (msb + 1) <= count) msb++
  const s = Math.min(msb, 32, 31 + base.shift)
  // The C++ shifts in int64 (up to 2^63): exact only in BigInt.
  const multiplier = Number((BigInt(base.multiplier) << BigInt(s)) / BigInt(count))
  return { multiplier, shift: base.shift - s }
}

export interface MeanRequantize {
  inputZeroPoint: number
  outputZeroPoint: number
  /** From meanMultiplier, 1/count included. */
  multiplier: number
  shift: number
}

export function meanInt8Requantized(plan: ReducePlan, q: MeanRequantize, input: Int8Array, output: Int8Array, sums: Int32Array): void {
  sums.fill(0)
  for (let i = 0; i < input.length; i++) sums[plan.outputIndex[i]] += input[i]
  if (plan.reducedCount === 0) {
    output.fill(0)
    return
  }
  for (let o = 0; o < plan.outputCount; o++) {
    const shifted = (sums[o] - q.inputZeroPoint * plan.reducedCount) | 0
    const r = multiplyByQuantizedMultiplier(shifted, q.multiplier, q.shift) + q.outputZeroPoint
    output[o] = Math.max(Math.min(r, 127), -128)
  }
}

export function meanFloat(plan: ReducePlan, input: Float32Array, output: Float32Array, sums: Float32Array): void {
  const f = Math.fround
  sums.fill(0)
  for (let i = 0; i < input.length; i++) {
    const o = plan.outputIndex[i]
    sums[o] = f(sums[o] + input[i])
  }
  if (plan.reducedCount === 0) return
  for (let o = 0; o < plan.outputCount; o++) output[o] = f(sums[o] / plan.reducedCount)
}

export const mean = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const axisTensor = input(node, 1)
  const out = output(node, 0)
  if (axisTensor.type !== 'INT32' || !axisTensor.isConstant) throw unsupported(node, 'needs constant int32 axes')
  let plan: ReducePlan
  try {
    plan = planReduction(inp.shape, Array.from(axisTensor.data as Int32Array))
  } catch {
    throw badModel(node, `reduces over axes [${Array.from(axisTensor.data as Int32Array).join(', ')}] of a rank-${inp.shape.length} tensor`)
  }
  if (out.data.length !== plan.outputCount) throw badModel(node, `should produce ${plan.outputCount} values, its output holds ${out.data.length}`)
  if (inp.type === 'INT8') {
    expectType(node, out, 'INT8')
    const iq = quant(inp, node)
    const oq = quant(out, node)
    const sums = new Int32Array(plan.outputCount)
    const m = meanMultiplier(iq.scale, oq.scale, plan.reducedCount)
    const q: MeanRequantize = { inputZeroPoint: iq.zeroPoint, outputZeroPoint: oq.zeroPoint, multiplier: m.multiplier, shift: m.shift }
    return () => meanInt8Requantized(plan, q, inp.data as Int8Array, out.data as Int8Array, sums)
  }
  if (inp.type === 'FLOAT32') {
    expectType(node, out, 'FLOAT32')
    const sums = new Float32Array(plan.outputCount)
    return () => meanFloat(plan, inp.data as Float32Array, out.data as Float32Array, sums)
  }
  throw unsupported(node, `does not support ${inp.type} input`)
}
