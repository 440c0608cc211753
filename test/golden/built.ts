/**
 * Golden models the exporter cannot write (it only makes 1D sequence models with biases) but the
 * reader, the interpreter and the C runtime accept: 2D convolutions, dilation, unequal strides,
 * FULLY_CONNECTED without bias, 2D pooling with a fused activation, MEAN over two axes with and
 * without a rescale, SQUEEZE/EXPAND_DIMS, an int8 -> int8 QUANTIZE, SOFTMAX with beta != 1, and
 * standalone RELU/RELU6 with chosen input and output quantizations.
 * Built with the test tflite builder from seeded int8 weights; output scales are chosen from the
 * accumulator's expected spread so that outputs use the int8 range without saturating everywhere.
 */
import { mulberry32 } from '../../src/main/core/util/random'
import { ActivationFunctionType as Act } from '../../src/main/core/tflite/schema/tflite/activation-function-type'
import { BuiltinOptions } from '../../src/main/core/tflite/schema/tflite/builtin-options'
import { Conv2DOptionsT } from '../../src/main/core/tflite/schema/tflite/conv2doptions'
import { DepthwiseConv2DOptionsT } from '../../src/main/core/tflite/schema/tflite/depthwise-conv2doptions'
import { FullyConnectedOptionsT } from '../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { Padding } from '../../src/main/core/tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../../src/main/core/tflite/schema/tflite/pool2doptions'
import { ReducerOptionsT } from '../../src/main/core/tflite/schema/tflite/reducer-options'
import { SoftmaxOptionsT } from '../../src/main/core/tflite/schema/tflite/softmax-options'
import { SqueezeOptionsT } from '../../src/main/core/tflite/schema/tflite/squeeze-options'
import { buildModel, type OpSpec, type TensorSpec } from '../helpers/tflite-builder'
import type { GoldenSpec } from './exported'

interface Q {
  scale: number
  zeroPoint: number
}

class Graph {
  readonly tensors: TensorSpec[] = []
  readonly ops: OpSpec[] = []
  readonly r: () => number
  constructor(seed: number) {
    this.r = mulberry32(seed)
  }
  add(t: TensorSpec): number {
    return this.tensors.push(t) - 1
  }
  act(name: string, shape: number[], q: Q): number {
    return this.add({ name, type: 'INT8', shape, scale: q.scale, zeroPoint: q.zeroPoint })
  }
  int8s(n: number): number[] {
    return Array.from({ length: n }, () => Math.round(this.r() * 254 - 127))
  }
  /** Symmetric int8 weights, one scale per channel along `axis` (or one for all). */
  weights(shape: number[], axis: number, perChannel: boolean): { index: number; scales: number[] } {
    const channels = shape[axis]
    const scales = Array.from({ length: perChannel ? channels : 1 }, () => 0.002 + this.r() * 0.01)
    const n = shape.reduce((a, b) => a * b, 1)
    const index = this.add({ type: 'INT8', shape, values: this.int8s(n), scale: scales, zeroPoint: scales.map(() => 0), quantizedDimension: perChannel ? axis : 0 })
    return { index, scales }
  }
  /** int32 bias at scale input_scale * weight_scale, real values in [-0.5, 0.5]. */
  bias(channels: number, inScale: number, wScales: number[]): number {
    const s = Array.from({ length: channels }, (_, c) => inScale * wScales[wScales.length > 1 ? c : 0])
    const values = s.map((sc) => Math.round((this.r() - 0.5) / sc))
    return this.add({ type: 'INT32', shape: [channels], values, scale: wScales.length > 1 ? s : s[0], zeroPoint: wScales.length > 1 ? s.map(() => 0) : 0 })
  }
  model(input: number, output: number): Uint8Array {
    return buildModel({ tensors: this.tensors, ops: this.ops, inputs: [input], outputs: [output] })
  }
}

/** Output quantization for a sum of `terms` int8 x int8 products: about three standard deviations across the int8 range. */
function accumulatorQ(inScale: number, wScale: number, terms: number, zeroPoint: number): Q {
  const std = 74 * 73 * Math.sqrt(terms) * inScale * wScale
  return { scale: (3 * std) / 128, zeroPoint }
}

function conv2d(seed: number, o: { inShape: number[]; filters: number; kh: number; kw: number; stride: [number, number]; dilation: [number, number]; padding: Padding; act: Act; perChannel: boolean; outShape: number[] }): Uint8Array {
  const g = new Graph(seed)
  const inQ = { scale: 0.04, zeroPoint: -5 }
  const cin = o.inShape[3]
  const x = g.act('input', o.inShape, inQ)
  const w = g.weights([o.filters, o.kh, o.kw, cin], 0, o.perChannel)
  const b = g.bias(o.filters, inQ.scale, w.scales)
  const y = g.act('output', o.outShape, accumulatorQ(inQ.scale, 0.007, o.kh * o.kw * cin, o.act === Act.NONE ? 3 : -128))
  const options = new Conv2DOptionsT(o.padding, o.stride[1], o.stride[0], o.act, o.dilation[1], o.dilation[0])
  g.ops.push({ op: 'CONV_2D', inputs: [x, w.index, b], outputs: [y], optionsType: BuiltinOptions.Conv2DOptions, options, version: 3 })
  return g.model(x, y)
}

function depthwise2d(seed: number): Uint8Array {
  const g = new Graph(seed)
  const inQ = { scale: 0.03, zeroPoint: 7 }
  const x = g.act('input', [1, 9, 9, 3], inQ)
  const w = g.weights([1, 3, 3, 6], 3, true)
  const b = g.bias(6, inQ.scale, w.scales)
  // SAME, stride 2, dilation 2 on 9x9: ceil(9 / 2) = 5.
  const y = g.act('output', [1, 5, 5, 6], { scale: 6 / 255, zeroPoint: -128 })
  const options = new DepthwiseConv2DOptionsT(Padding.SAME, 2, 2, 2, Act.RELU6, 2, 2)
  g.ops.push({ op: 'DEPTHWISE_CONV_2D', inputs: [x, w.index, b], outputs: [y], optionsType: BuiltinOptions.DepthwiseConv2DOptions, options, version: 3 })
  return g.model(x, y)
}

function fullyConnectedNoBias(seed: number): Uint8Array {
  const g = new Graph(seed)
  const inQ = { scale: 0.05, zeroPoint: 11 }
  const x = g.act('input', [1, 24], inQ)
  const w = g.weights([10, 24], 0, false)
  const y = g.act('output', [1, 10], { scale: 6 / 255, zeroPoint: -128 })
  g.ops.push({ op: 'FULLY_CONNECTED', inputs: [x, w.index, -1], outputs: [y], optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(Act.RELU6), version: 4 })
  return g.model(x, y)
}

function pooling2d(seed: number): Uint8Array {
  const g = new Graph(seed)
  const q = { scale: 0.02, zeroPoint: -20 }
  const x = g.act('input', [1, 8, 8, 4], q)
  const m = g.act('max_pool', [1, 4, 4, 4], q)
  const y = g.act('output', [1, 3, 3, 4], q)
  g.ops.push(
    { op: 'MAX_POOL_2D', inputs: [x], outputs: [m], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.SAME, 2, 2, 3, 3, Act.NONE), version: 2 },
    { op: 'AVERAGE_POOL_2D', inputs: [m], outputs: [y], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 1, 1, 2, 2, Act.RELU), version: 2 }
  )
  return g.model(x, y)
}

function mean2d(seed: number, rescale: boolean): Uint8Array {
  const g = new Graph(seed)
  const inQ = { scale: 0.05, zeroPoint: 4 }
  const x = g.act('input', [1, 5, 6, 8], inQ)
  const axes = g.add({ type: 'INT32', shape: [2], values: [1, 2] })
  const outQ = rescale ? { scale: 0.013, zeroPoint: -9 } : inQ
  const y = g.act('output', rescale ? [1, 1, 1, 8] : [1, 8], outQ)
  g.ops.push({ op: 'MEAN', inputs: [x, axes], outputs: [y], optionsType: BuiltinOptions.ReducerOptions, options: new ReducerOptionsT(rescale), version: 2 })
  return g.model(x, y)
}

function reshapesAndSoftmax(seed: number): Uint8Array {
  const g = new Graph(seed)
  const inQ = { scale: 0.1, zeroPoint: -3 }
  const x = g.act('input', [1, 1, 12, 3], inQ)
  const s = g.act('squeezed', [1, 12, 3], inQ)
  const axis = g.add({ type: 'INT32', shape: [1], values: [1] })
  const e = g.act('expanded', [1, 1, 12, 3], inQ)
  const r = g.act('requantized', [1, 1, 12, 3], { scale: 0.07, zeroPoint: 5 })
  const y = g.act('output', [1, 1, 12, 3], { scale: 1 / 256, zeroPoint: -128 })
  g.ops.push(
    { op: 'SQUEEZE', inputs: [x], outputs: [s], optionsType: BuiltinOptions.SqueezeOptions, options: new SqueezeOptionsT([1]) },
    { op: 'EXPAND_DIMS', inputs: [s, axis], outputs: [e] },
    { op: 'QUANTIZE', inputs: [e], outputs: [r], version: 2 },
    { op: 'SOFTMAX', inputs: [r], outputs: [y], optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(0.5), version: 2 }
  )
  return g.model(x, y)
}

/**
 * One standalone RELU or RELU6. int8: RELU requantizes from `inQ` to `outQ` and clamps at the
 * output zero point; RELU6 clamps in the input's domain and TFLM ignores `outQ`. Without `inQ` the
 * model is float32.
 */
function activation(op: 'RELU' | 'RELU6', inQ?: Q, outQ?: Q): Uint8Array {
  const g = new Graph(0)
  // 256 values: the ramp case below gives every int8 input once.
  const shape = [1, 4, 64]
  const tensor = (name: string, q?: Q): number => (q ? g.act(name, shape, q) : g.add({ name, type: 'FLOAT32', shape }))
  const x = tensor('input', inQ)
  const y = tensor('output', outQ)
  g.ops.push({ op, inputs: [x], outputs: [y], version: inQ ? 2 : 1 })
  return g.model(x, y)
}

/** Every int8 value from -128 to 127, once each (256 = the activation goldens' element count). */
const int8Ramp = (): { label: string; input: number[] }[] => [{ label: 'every int8 value, -128 to 127', input: Array.from({ length: 256 }, (_, i) => i - 128) }]

export const BUILT_GOLDENS: GoldenSpec[] = [
  {
    name: 'conv2d_2d_dilation_same',
    about: 'CONV_2D on a 9x9x3 image: 3x3 filter, SAME, stride 1, dilation 2, RELU, per-channel',
    source: 'builder',
    build: () => conv2d(201, { inShape: [1, 9, 9, 3], filters: 4, kh: 3, kw: 3, stride: [1, 1], dilation: [2, 2], padding: Padding.SAME, act: Act.RELU, perChannel: true, outShape: [1, 9, 9, 4] })
  },
  {
    name: 'conv2d_2d_stride_valid',
    about: 'CONV_2D on a 10x7x2 image: 3x2 filter, VALID, stride 2x1, dilation 1x2, NONE, per-tensor',
    source: 'builder',
    // VALID: H = floor((10 - 3) / 2) + 1 = 4, W = 7 - ((2 - 1) * 2 + 1) + 1 = 5.
    build: () => conv2d(202, { inShape: [1, 10, 7, 2], filters: 5, kh: 3, kw: 2, stride: [2, 1], dilation: [1, 2], padding: Padding.VALID, act: Act.NONE, perChannel: false, outShape: [1, 4, 5, 5] })
  },
  { name: 'depthwise_2d_m2_dilation', about: 'DEPTHWISE_CONV_2D on 9x9x3: multiplier 2, 3x3, SAME, stride 2, dilation 2, RELU6, per-channel', source: 'builder', build: () => depthwise2d(203) },
  { name: 'fully_connected_no_bias', about: 'FULLY_CONNECTED without a bias tensor, RELU6, input zero point 11', source: 'builder', build: () => fullyConnectedNoBias(204) },
  { name: 'pool_2d', about: 'MAX_POOL_2D 3x3 stride 2 SAME, then AVERAGE_POOL_2D 2x2 stride 1 VALID with fused RELU', source: 'builder', build: () => pooling2d(205) },
  { name: 'mean_2d_same_quantization', about: 'MEAN over H and W (keep_dims false) keeping the input quantization: the integer division path', source: 'builder', build: () => mean2d(206, false) },
  { name: 'mean_2d_rescale', about: 'MEAN over H and W (keep_dims true) to a new scale and zero point: the multiplier path', source: 'builder', build: () => mean2d(207, true) },
  { name: 'squeeze_expand_quantize_softmax', about: 'SQUEEZE, EXPAND_DIMS, QUANTIZE int8 -> int8 (requantize), SOFTMAX beta 0.5 over a 4-D tensor', source: 'builder', build: () => reshapesAndSoftmax(208) },
  // in/out = 0.05 / 0.02 = 2.5: inputs above 10 + 255 / 2.5 = 112 saturate at 127; the lower clamp is -128.
  { name: 'relu_int8_scale_up', extraInputs: int8Ramp, about: 'standalone RELU, int8: input 0.05/+10 to output 0.02/-128 (multiplier 2.5, saturates at 127)', source: 'builder', build: () => activation('RELU', { scale: 0.05, zeroPoint: 10 }, { scale: 0.02, zeroPoint: -128 }) },
  // in/out = 0.02 / 0.047: multiplier below 1; the lower clamp is the output zero point -20, not -128.
  { name: 'relu_int8_zero_point', extraInputs: int8Ramp, about: 'standalone RELU, int8: input 0.02/-7 to output 0.047/-20 (multiplier < 1, clamps at the output zero point)', source: 'builder', build: () => activation('RELU', { scale: 0.02, zeroPoint: -7 }, { scale: 0.047, zeroPoint: -20 }) },
  // TFLM divides the two scales in float32 before QuantizeMultiplier: for these scales that multiplier
  // (1117954688) and the one from a double division (1117954735) give different outputs for input 45.
  {
    name: 'relu_int8_float_division',
    extraInputs: int8Ramp,
    about: 'standalone RELU, int8: scales 0.0233313/0.0448171 whose float32 quotient and double quotient requantize input 45 differently',
    source: 'builder',
    build: () => activation('RELU', { scale: 0.02333127334713936, zeroPoint: -125 }, { scale: 0.044817134737968445, zeroPoint: -99 })
  },
  // six = round(6 / 0.06) - 30 = 70, inside int8; TFLM keeps the input's domain whatever the output says.
  { name: 'relu6_int8', extraInputs: int8Ramp, about: 'standalone RELU6, int8: clamps to [zero point, six] in the input domain (-30..70); the output quantization differs and TFLM ignores it', source: 'builder', build: () => activation('RELU6', { scale: 0.06, zeroPoint: -30 }, { scale: 6 / 255, zeroPoint: -128 }) },
  // six = round(6 / 0.03) + 5 = 205 saturates to 127: only the lower clamp at 5 acts.
  { name: 'relu6_int8_six_saturates', extraInputs: int8Ramp, about: 'standalone RELU6, int8: six above the int8 range (205 -> 127), same quantization in and out', source: 'builder', build: () => activation('RELU6', { scale: 0.03, zeroPoint: 5 }, { scale: 0.03, zeroPoint: 5 }) },
  { name: 'relu_float32', about: 'standalone RELU, float32', source: 'builder', build: () => activation('RELU') },
  { name: 'relu6_float32', about: 'standalone RELU6, float32', source: 'builder', build: () => activation('RELU6') }
]
