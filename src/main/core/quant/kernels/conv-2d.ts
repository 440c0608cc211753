/**
 * CONV_2D, as TFLM's reference kernels compute it: reference_integer_ops::ConvPerChannel for int8
 * (per-channel or per-tensor weights) and reference_ops::Conv for float32. NHWC input, weights
 * [out_channels, kh, kw, in_channels / groups]. A Keras Conv1D arrives here as a [1, 1, W, C] view.
 */
import { floatActivationRange, multiplyByQuantizedMultiplier, quantizeMultiplier, quantizedActivationRange } from '../fixed-point'
import {
  badModel, channelScales, clampInt, expectElements, expectType, input, output, quant, shape4, unsupported, padding2d, windowOptions,
  type Eval, type KernelNode
} from './types'

export interface ConvGeometry {
  batches: number
  inH: number
  inW: number
  inC: number
  filterH: number
  filterW: number
  /** Input channels each filter sees (inC / groups). */
  filterC: number
  outH: number
  outW: number
  outC: number
  strideH: number
  strideW: number
  dilationH: number
  dilationW: number
  padH: number
  padW: number
}

export interface ConvInt8Params extends ConvGeometry {
  inputOffset: number
  outputOffset: number
  outputMultiplier: Int32Array
  outputShift: Int32Array
  actMin: number
  actMax: number
}

export function conv2dInt8(p: ConvInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, inH, inW, inC, filterH, filterW, filterC, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW } = p
  const filtersPerGroup = outC / (inC / filterC)
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padH
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padW
        for (let oc = 0; oc < outC; oc++) {
          const group = Math.floor(oc / filtersPerGroup)
          let acc = 0
          for (let fy = 0; fy < filterH; fy++) {
            const iy = inYOrigin + dilationH * fy
            if (iy < 0 || iy >= inH) continue
            for (let fx = 0; fx < filterW; fx++) {
              const ix = inXOrigin + dilationW * fx
              if (ix < 0 || ix >= inW) continue
              const inBase = ((b * inH + iy) * inW + ix) * inC + group * filterC
              const fBase = ((oc * filterH + fy) * filterW + fx) * filterC
              for (let ic = 0; ic < filterC; ic++) acc += filter[fBase + ic] * (input[inBase + ic] + p.inputOffset)
            }
          }
          acc |= 0
          if (bias) acc = (acc + bias[oc]) | 0
          let v = multiplyByQuantizedMultiplier(acc, p.outputMultiplier[oc], p.outputShift[oc])
          v += p.outputOffset
          output[((b * outH + oy) * outW + ox) * outC + oc] = clampInt(v, p.actMin, p.actMax)
        }
      }
    }
  }
}

export function conv2dFloat(p: ConvGeometry & { actMin: number; actMax: number }, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, inH, inW, inC, filterH, filterW, filterC, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW } = p
  const f = Math.fround
  const filtersPerGroup = outC / (inC / filterC)
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padH
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padW
        for (let oc = 0; oc < outC; oc++) {
          const group = Math.floor(oc / filtersPerGroup)
          let total = 0
          for (let fy = 0; fy < filterH; fy++) {
            const iy = inYOrigin + dilationH * fy
            if (iy < 0 || iy >= inH) continue
            for (let fx = 0; fx < filterW; fx++) {
              const ix = inXOrigin + dilationW * fx
              if (ix < 0 || ix >= inW) continue
              const inBase = ((b * inH + iy) * inW + ix) * inC + group * filterC
              const fBase = ((oc * filterH + fy) * filterW + fx) * filterC
              for (let ic = 0; ic < filterC; ic++) total = f(total + f(input[inBase + ic] * filter[fBase + ic]))
            }
          }
          const v = f(total + (bias ? bias[oc] : 0))
          output[((b * outH + oy) * outW + ox) * outC + oc] = Math.min(Math.max(v, p.actMin), p.actMax)
        }
      }
    }
  }
}

export function convGeometry(node: KernelNode, filterChannelsAxis: 'conv' | 'depthwise'): ConvGeometry {
  const inp = input(node, 0)
  const filter = input(node, 1)
  const out = output(node, 0)
  const [batches, inH, inW, inC] = shape4(inp, node)
  const [f0, filterH, filterW, f3] = shape4(filter, node)
  const [ob, outH, outW, outC] = shape4(out, node)
  if (ob !== batches) throw badModel(node, `changes the batch size from ${batches} to ${ob}`)
  const { strideH, strideW, dilationH, dilationW } = windowOptions(node, ['strideH', 'strideW', 'dilationH', 'dilationW'], 'a stride or dilation')
  const { padH, padW } = padding2d(node, { strideH, strideW, dilationH, dilationW, inH, inW, filterH, filterW, outH, outW })
  if (filterChannelsAxis === 'conv') {
    if (f0 !== outC) throw badModel(node, `has ${f0} filters for ${outC} output channels`)
    if (f3 === 0 || inC % f3 !== 0 || outC % (inC / f3) !== 0) throw badModel(node, `has filters of depth ${f3} for ${inC} input channels`)
    return { batches, inH, inW, inC, filterH, filterW, filterC: f3, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW }
  }
  if (f0 !== 1 || f3 !== outC) throw badModel(node, `has depthwise weights [${filter.shape.join(', ')}] for ${outC} output channels`)
  if (inC === 0 || outC % inC !== 0) throw badModel(node, `maps ${inC} input channels to ${outC} outputs`)
  return { batches, inH, inW, inC, filterH, filterW, filterC: 1, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW }
}

/** Shared by CONV_2D and DEPTHWISE_CONV_2D: PopulateConvolutionQuantizationParams. */
export function perChannelRequant(node: KernelNode, outC: number): { inputOffset: number; outputOffset: number; outputMultiplier: Int32Array; outputShift: Int32Array; actMin: number; actMax: number } {
  const inp = input(node, 0)
  const filter = input(node, 1)
  const out = output(node, 0)
  const iq = quant(inp, node)
  const oq = quant(out, node)
  const scales = channelScales(filter, outC, node)
  if (filter.quantization?.zeroPoint.some((z) => z !== 0)) throw unsupported(node, 'needs symmetric int8 weights (zero point 0)')
  const outputMultiplier = new Int32Array(outC)
  const outputShift = new Int32Array(outC)
  for (let c = 0; c < outC; c++) {
    const m = quantizeMultiplier((iq.scale * scales[c]) / oq.scale)
    outputMultiplier[c] = m.multiplier
    outputShift[c] = m.shift
  }
  const range = quantizedActivationRange(node.options.fusedActivation ?? 'NONE', oq.scale, oq.zeroPoint)
  return { inputOffset: -iq.zeroPoint, outputOffset: oq.zeroPoint, outputMultiplier, outputShift, actMin: range.min, actMax: range.max }
}

type Int8ConvKernel = (p: ConvInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array) => void
type FloatConvKernel = (p: ConvGeometry & { actMin: number; actMax: number }, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array) => void

/** Prepare for CONV_2D and DEPTHWISE_CONV_2D: the same checks and parameters, their own loops. */
export function convLikeKernel(filterChannelsAxis: 'conv' | 'depthwise', int8: Int8ConvKernel, float: FloatConvKernel): (node: KernelNode) => Eval {
  return (node) => {
    const inp = input(node, 0)
    const filter = input(node, 1)
    const bias = node.inputs[2] ?? null
    const out = output(node, 0)
    const g = convGeometry(node, filterChannelsAxis)
    if (bias) expectElements(node, bias, g.outC)
    if (inp.type === 'INT8') {
      expectType(node, filter, 'INT8')
      expectType(node, out, 'INT8')
      if (bias) expectType(node, bias, 'INT32')
      const params: ConvInt8Params = { ...g, ...perChannelRequant(node, g.outC) }
      return () => int8(params, inp.data as Int8Array, filter.data as Int8Array, bias ? (bias.data as Int32Array) : null, out.data as Int8Array)
    }
    if (inp.type === 'FLOAT32' && filter.type === 'FLOAT32') {
      expectType(node, out, 'FLOAT32')
      const range = floatActivationRange(node.options.fusedActivation ?? 'NONE')
      const params = { ...g, actMin: range.min, actMax: range.max }
      return () => float(params, inp.data as Float32Array, filter.data as Float32Array, bias ? (bias.data as Float32Array) : null, out.data as Float32Array)
    }
    throw unsupported(node, `does not support ${inp.type} input with ${filter.type} weights`)
  }
}

export const conv2d = convLikeKernel('conv', conv2dInt8, conv2dFloat)
