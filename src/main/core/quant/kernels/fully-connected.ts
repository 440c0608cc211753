/**
 * FULLY_CONNECTED, as TFLM's reference kernels compute it (reference_integer_ops::FullyConnected and
 * its per-channel variant, reference_ops::FullyConnected for float). The hybrid path (float input,
 * int8 weights) follows TFLite's portable EvalHybrid; TFLM cannot run it, we can, so the app can
 * still score a dynamic-range model.
 */
import { floatActivationRange, multiplyByQuantizedMultiplier, quantizeMultiplier, quantizedActivationRange, roundHalfAwayFromZero } from '../fixed-point'
import {
  badModel, channelScales, clampInt, elementCount, expectElements, expectType, input, output, quant, unsupported,
  type Eval, type KernelNode
} from './types'

export interface FullyConnectedShape {
  batches: number
  accumDepth: number
  outputDepth: number
}

export interface FullyConnectedInt8Params extends FullyConnectedShape {
  inputOffset: number
  filterOffset: number
  outputOffset: number
  /** One entry per output channel (repeated for per-tensor weights). */
  outputMultiplier: Int32Array
  outputShift: Int32Array
  actMin: number
  actMax: number
}

export function fullyConnectedInt8(p: FullyConnectedInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, accumDepth, outputDepth, inputOffset, filterOffset, outputOffset, actMin, actMax } = p
  for (let b = 0; b < batches; b++) {
    const inBase = b * accumDepth
    for (let oc = 0; oc < outputDepth; oc++) {
      const fBase = oc * accumDepth
      let acc = 0
      for (let d = 0; d < accumDepth; d++) {
        acc += (filter[fBase + d] + filterOffset) * (input[inBase + d] + inputOffset)
      }
      // int32 accumulation wraps in C; sums of int8 products never reach 2^31 for real layer sizes, but stay faithful.
      acc |= 0
      if (bias) acc = (acc + bias[oc]) | 0
      let v = multiplyByQuantizedMultiplier(acc, p.outputMultiplier[oc], p.outputShift[oc])
      v += outputOffset
      output[b * outputDepth + oc] = clampInt(v, actMin, actMax)
    }
  }
}

export interface FloatActivation {
  actMin: number
  actMax: number
}

export function fullyConnectedFloat(p: FullyConnectedShape & FloatActivation, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, accumDepth, outputDepth, actMin, actMax } = p
  const f = Math.fround
  for (let b = 0; b < batches; b++) {
    const inBase = b * accumDepth
    for (let oc = 0; oc < outputDepth; oc++) {
      const fBase = oc * accumDepth
      // float32 accumulation in the reference order, so results match TFLM bit for bit.
      let total = 0
      for (let d = 0; d < accumDepth; d++) total = f(total + f(input[inBase + d] * filter[fBase + d]))
      const v = f(total + (bias ? bias[oc] : 0))
      output[b * outputDepth + oc] = Math.min(Math.max(v, actMin), actMax)
    }
  }
}

/** TFLite hybrid FULLY_CONNECTED: inputs quantized symmetrically per batch row, int32 dot products, float rescale. */
export function fullyConnectedHybrid(
  p: FullyConnectedShape & FloatActivation & { filterScales: Float32Array },
  input: Float32Array,
  filter: Int8Array,
  bias: Float32Array | null,
  output: Float32Array,
  scratch: Int8Array
): void {
  const { batches, accumDepth, outputDepth, actMin, actMax, filterScales } = p
  const f = Math.fround
  for (let b = 0; b < batches; b++) {
    const inBase = b * accumDepth
    let range = 0
    for (let d = 0; d < accumDepth; d++) range = Math.max(range, Math.abs(input[inBase + d]))
    for (let oc = 0; oc < outputDepth; oc++) output[b * outputDepth + oc] = bias ? bias[oc] : 0
    if (range !== 0) {
      const scalingFactor = f(range / 127)
      const inv = f(127 / range)
      for (let d = 0; d < accumDepth; d++) {
        scratch[d] = clampInt(roundHalfAwayFromZero(f(input[inBase + d] * inv)), -127, 127)
      }
      for (let oc = 0; oc < outputDepth; oc++) {
        const fBase = oc * accumDepth
        let dot = 0
        for (let d = 0; d < accumDepth; d++) dot += filter[fBase + d] * scratch[d]
        const s = f(scalingFactor * filterScales[oc])
        output[b * outputDepth + oc] = f(output[b * outputDepth + oc] + f(dot * s))
      }
    }
    for (let oc = 0; oc < outputDepth; oc++) {
      const i = b * outputDepth + oc
      output[i] = Math.min(Math.max(output[i], actMin), actMax)
    }
  }
}

function shapeOf(node: KernelNode): FullyConnectedShape {
  const inp = input(node, 0)
  const filter = input(node, 1)
  const out = output(node, 0)
  if (filter.shape.length < 2) throw badModel(node, `has weights of shape [${filter.shape.join(', ')}]`)
  const accumDepth = filter.shape[filter.shape.length - 1]
  const outputDepth = filter.shape[filter.shape.length - 2]
  if (accumDepth === 0 || elementCount(inp.shape) % accumDepth !== 0) {
    throw badModel(node, `gets ${elementCount(inp.shape)} inputs, not a multiple of the weights' depth ${accumDepth}`)
  }
  const batches = elementCount(inp.shape) / accumDepth
  expectElements(node, out, batches * outputDepth)
  return { batches, accumDepth, outputDepth }
}

export const fullyConnected = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const filter = input(node, 1)
  const bias = node.inputs[2] ?? null
  const out = output(node, 0)
  const shape = shapeOf(node)
  const activation = node.options.fusedActivation ?? 'NONE'
  if (node.options.weightsFormat) throw unsupported(node, 'uses shuffled weights')
  if (bias) expectElements(node, bias, shape.outputDepth)

  if (inp.type === 'INT8') {
    expectType(node, filter, 'INT8')
    expectType(node, out, 'INT8')
    if (bias) expectType(node, bias, 'INT32')
    const iq = quant(inp, node)
    const oq = quant(out, node)
    const fq = quant(filter, node)
    const scales = channelScales(filter, shape.outputDepth, node)
    const outputMultiplier = new Int32Array(shape.outputDepth)
    const outputShift = new Int32Array(shape.outputDepth)
    for (let c = 0; c < shape.outputDepth; c++) {
      // GetQuantizedConvolutionMultipler: (input_scale * filter_scale) / output_scale in double.
      const m = quantizeMultiplier((iq.scale * scales[c]) / oq.scale)
      outputMultiplier[c] = m.multiplier
      outputShift[c] = m.shift
    }
    const range = quantizedActivationRange(activation, oq.scale, oq.zeroPoint)
    const params: FullyConnectedInt8Params = {
      ...shape, inputOffset: -iq.zeroPoint, filterOffset: -fq.zeroPoint, outputOffset: oq.zeroPoint,
      outputMultiplier, outputShift, actMin: range.min, actMax: range.max
    }
    return () => fullyConnectedInt8(params, inp.data as Int8Array, filter.data as Int8Array, bias ? (bias.data as Int32Array) : null, out.data as Int8Array)
  }

  if (inp.type === 'FLOAT32') {
    expectType(node, out, 'FLOAT32')
    if (bias) expectType(node, bias, 'FLOAT32')
    const range = floatActivationRange(activation)
    const params = { ...shape, actMin: range.min, actMax: range.max }
    if (filter.type === 'FLOAT32') {
      return () => fullyConnectedFloat(params, inp.data as Float32Array, filter.data as Float32Array, bias ? (bias.data as Float32Array) : null, out.data as Float32Array)
    }
    if (filter.type === 'INT8') {
      const filterScales = Float32Array.from(channelScales(filter, shape.outputDepth, node))
      const scratch = new Int8Array(shape.accumDepth)
      const hybrid = { ...params, filterScales }
      return () => fullyConnectedHybrid(hybrid, inp.data as Float32Array, filter.data as Int8Array, bias ? (bias.data as Float32Array) : null, out.data as Float32Array, scratch)
    }
  }
  throw unsupported(node, `does not support ${inp.type} input with ${filter.type} weights`)
}
