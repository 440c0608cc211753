/**
 * A lowered graph as TFLite tensors and operators, one builder per export mode: float (float32 or
 * float16 weights), dynamic range (int8 weights, hybrid ops) and full integer (int8 everywhere).
 */
import type { Range } from '../quant/calibration'
import {
  SOFTMAX_OUTPUT_PARAMS,
  asymmetricParams,
  quantizeBias,
  quantizeWeightsPerChannel,
  quantizeWeightsPerTensor,
  toFloat16,
  type QuantParams,
  type SymmetricWeights
} from '../quant/quantize'
import { ActivationFunctionType } from '../tflite/schema/tflite/activation-function-type'
import { Conv2DOptionsT } from '../tflite/schema/tflite/conv2doptions'
import { DepthwiseConv2DOptionsT } from '../tflite/schema/tflite/depthwise-conv2doptions'
import { FullyConnectedOptionsT } from '../tflite/schema/tflite/fully-connected-options'
import { Padding as TflPadding } from '../tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../tflite/schema/tflite/pool2doptions'
import { ReducerOptionsT } from '../tflite/schema/tflite/reducer-options'
import { ReshapeOptionsT } from '../tflite/schema/tflite/reshape-options'
import { SoftmaxOptionsT } from '../tflite/schema/tflite/softmax-options'
import {
  BuiltinOperator,
  BuiltinOptions,
  TensorType,
  bytesOf,
  type PackableOptions,
  type WriterModel,
  type WriterOperator,
  type WriterQuantization,
  type WriterTensor
} from '../tflite/writer'
import type { FusedActivation, LoweredGraph, LoweredOp, WeightOp } from './lower'

/** Input and output type of a full-integer model. */
export type IoType = 'int8' | 'float32'

/** Accumulates writer tensors and operators and counts constants by storage type. */
export class TfliteBuilder {
  readonly tensors: WriterTensor[] = []
  readonly operators: WriterOperator[] = []
  inputs: number[] = []
  outputs: number[] = []
  quantizedConstants = 0
  floatConstants = 0

  tensor(t: WriterTensor): number {
    this.tensors.push(t)
    if (t.data) {
      if (t.type === TensorType.FLOAT32) this.floatConstants++
      else if (t.type !== TensorType.INT32 || t.quantization) this.quantizedConstants++
    }
    return this.tensors.length - 1
  }

  op(opcode: BuiltinOperator, version: number, inputs: number[], outputs: number[], options?: [BuiltinOptions, PackableOptions]): void {
    this.operators.push({ opcode, version, inputs, outputs, ...(options ? { optionsType: options[0], options: options[1] } : {}) })
  }

  int32Const(name: string, values: number[]): number {
    return this.tensor({ name, type: TensorType.INT32, shape: [values.length], data: bytesOf(Int32Array.from(values)) })
  }

  finish(description?: string): WriterModel {
    return { description: description ?? 'Microforge', tensors: this.tensors, operators: this.operators, inputs: this.inputs, outputs: this.outputs }
  }
}

const ACTIVATION: Record<FusedActivation, ActivationFunctionType> = {
  NONE: ActivationFunctionType.NONE,
  RELU: ActivationFunctionType.RELU,
  RELU6: ActivationFunctionType.RELU6
}

function tflPadding(p: 'same' | 'valid'): TflPadding {
  return p === 'same' ? TflPadding.SAME : TflPadding.VALID
}

/** Options and non-weight extra inputs of an op, shared by every mode. */
function opOptions(op: LoweredOp): [BuiltinOptions, PackableOptions] | undefined {
  switch (op.kind) {
    case 'fullyConnected':
      return [BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptionsT(ACTIVATION[op.activation])]
    case 'conv2d':
      return [BuiltinOptions.Conv2DOptions, new Conv2DOptionsT(tflPadding(op.padding), op.stride, 1, ACTIVATION[op.activation], 1, 1)]
    case 'depthwiseConv2d':
      return [
        BuiltinOptions.DepthwiseConv2DOptions,
        new DepthwiseConv2DOptionsT(tflPadding(op.padding), op.stride, 1, op.depthMultiplier, ACTIVATION[op.activation], 1, 1)
      ]
    case 'maxPool2d':
    case 'averagePool2d':
      return [BuiltinOptions.Pool2DOptions, new Pool2DOptionsT(tflPadding(op.padding), op.stride, 1, op.filter, 1, ActivationFunctionType.NONE)]
    case 'mean':
      return [BuiltinOptions.ReducerOptions, new ReducerOptionsT(false)]
    case 'reshape':
      return [BuiltinOptions.ReshapeOptions, new ReshapeOptionsT(op.shape)]
    case 'softmax':
      return [BuiltinOptions.SoftmaxOptions, new SoftmaxOptionsT(1)]
    case 'relu':
    case 'relu6':
      return undefined
  }
}

const OPCODE: Record<LoweredOp['kind'], BuiltinOperator> = {
  fullyConnected: BuiltinOperator.FULLY_CONNECTED,
  conv2d: BuiltinOperator.CONV_2D,
  depthwiseConv2d: BuiltinOperator.DEPTHWISE_CONV_2D,
  maxPool2d: BuiltinOperator.MAX_POOL_2D,
  averagePool2d: BuiltinOperator.AVERAGE_POOL_2D,
  mean: BuiltinOperator.MEAN,
  reshape: BuiltinOperator.RESHAPE,
  softmax: BuiltinOperator.SOFTMAX,
  relu: BuiltinOperator.RELU,
  relu6: BuiltinOperator.RELU6
}

/** Version of each op with int8 activations (tensorflow/lite/tools/versioning/op_version.cc). */
const INT8_VERSION: Record<LoweredOp['kind'], number> = {
  fullyConnected: 4,
  conv2d: 3,
  depthwiseConv2d: 3,
  maxPool2d: 2,
  averagePool2d: 2,
  mean: 2,
  reshape: 1,
  softmax: 2,
  relu: 2,
  relu6: 2
}

/** Extra constant inputs that are not weights: RESHAPE's target shape, MEAN's axes. */
function extraInputs(op: LoweredOp, b: TfliteBuilder, graph: LoweredGraph): number[] {
  if (op.kind === 'reshape') return [b.int32Const(`${graph.tensors[op.output].name}/shape`, op.shape)]
  if (op.kind === 'mean') return [b.int32Const(`${graph.tensors[op.output].name}/axes`, op.axes)]
  return []
}

function isWeightOp(op: LoweredOp): op is WeightOp {
  return op.kind === 'fullyConnected' || op.kind === 'conv2d' || op.kind === 'depthwiseConv2d'
}

function floatConst(b: TfliteBuilder, name: string, shape: number[], values: Float32Array, asFloat16: boolean): number {
  if (!asFloat16) return b.tensor({ name, type: TensorType.FLOAT32, shape, data: bytesOf(values) })
  // The converter's float16 variant: half-precision storage, expanded to float32 by DEQUANTIZE when
  // the interpreter prepares the graph (it evaluates constant DEQUANTIZEs once).
  const half = b.tensor({ name, type: TensorType.FLOAT16, shape, data: bytesOf(toFloat16(values)) })
  const full = b.tensor({ name: `${name}/dequantize`, type: TensorType.FLOAT32, shape })
  b.op(BuiltinOperator.DEQUANTIZE, 3, [half], [full])
  return full
}

function weightName(graph: LoweredGraph, op: WeightOp, what: 'kernel' | 'bias'): string {
  return `${graph.tensors[op.output].name}/${what}`
}

export function buildFloat(graph: LoweredGraph, b: TfliteBuilder, asFloat16: boolean): void {
  const ids = graph.tensors.map((t) => b.tensor({ name: t.name, type: TensorType.FLOAT32, shape: t.shape }))
  for (const op of graph.ops) {
    const inputs = [ids[op.input]]
    if (isWeightOp(op)) {
      inputs.push(floatConst(b, weightName(graph, op, 'kernel'), op.weightShape, op.weights, asFloat16))
      inputs.push(floatConst(b, weightName(graph, op, 'bias'), [op.bias.length], op.bias, asFloat16))
    }
    inputs.push(...extraInputs(op, b, graph))
    b.op(OPCODE[op.kind], 1, inputs, [ids[op.output]], opOptions(op))
  }
  b.inputs = [ids[graph.input]]
  b.outputs = [ids[graph.output]]
}

function weightQuantization(w: SymmetricWeights): WriterQuantization {
  return { scale: Array.from(w.scales), zeroPoint: Array.from(w.scales, () => 0), quantizedDimension: w.quantizedDimension }
}

/** Output-channel axis TFLite quantizes along: 0 for [O, ...] weights, 3 for depthwise [1, H, W, O]. */
function channelAxis(op: WeightOp): number {
  return op.kind === 'depthwiseConv2d' ? 3 : 0
}

function quantizeWeights(op: WeightOp, perChannel: boolean): SymmetricWeights {
  return perChannel ? quantizeWeightsPerChannel(op.weights, op.weightShape, channelAxis(op)) : quantizeWeightsPerTensor(op.weights)
}

export function buildDynamicRange(graph: LoweredGraph, b: TfliteBuilder, perChannel: boolean, minElements: number): void {
  const ids = graph.tensors.map((t) => b.tensor({ name: t.name, type: TensorType.FLOAT32, shape: t.shape }))
  for (const op of graph.ops) {
    const inputs = [ids[op.input]]
    let version = 1
    if (isWeightOp(op)) {
      if (op.weights.length >= minElements) {
        // Hybrid FULLY_CONNECTED with per-channel weights needs op version 12 (TFLite 2.17+); per-tensor
        // (version 3) runs on every TFLite release, so dense layers keep one scale as the converter did.
        const channelWise = perChannel && op.kind !== 'fullyConnected'
        const q = quantizeWeights(op, channelWise)
        inputs.push(b.tensor({ name: weightName(graph, op, 'kernel'), type: TensorType.INT8, shape: op.weightShape, data: bytesOf(q.values), quantization: weightQuantization(q) }))
        version = op.kind === 'fullyConnected' ? 3 : op.kind === 'conv2d' ? (channelWise ? 5 : 2) : channelWise ? 6 : 4
      } else {
        inputs.push(floatConst(b, weightName(graph, op, 'kernel'), op.weightShape, op.weights, false))
      }
      inputs.push(floatConst(b, weightName(graph, op, 'bias'), [op.bias.length], op.bias, false))
    }
    inputs.push(...extraInputs(op, b, graph))
    b.op(OPCODE[op.kind], version, inputs, [ids[op.output]], opOptions(op))
  }
  b.inputs = [ids[graph.input]]
  b.outputs = [ids[graph.output]]
}

/**
 * int8 params of every lowered tensor. Ops that cannot rescale (RESHAPE, MAX/AVERAGE_POOL_2D) get
 * their input's params, as the converter enforces; softmax output is fixed by the spec. TFLM's
 * int8 RELU6 clamps the input bytes without requantizing and ignores the output's params, so its
 * output must carry the input's (RELU requantizes and keeps its own range).
 */
export function activationParams(graph: LoweredGraph, ranges: Range[]): QuantParams[] {
  const params: QuantParams[] = new Array(graph.tensors.length)
  params[graph.input] = asymmetricParams(ranges[graph.input].min, ranges[graph.input].max)
  for (const op of graph.ops) {
    switch (op.kind) {
      case 'reshape':
      case 'maxPool2d':
      case 'averagePool2d':
      case 'relu6':
        params[op.output] = params[op.input]
        break
      case 'softmax':
        params[op.output] = { ...SOFTMAX_OUTPUT_PARAMS }
        break
      default:
        params[op.output] = asymmetricParams(ranges[op.output].min, ranges[op.output].max)
    }
  }
  return params
}

export function buildInt8(graph: LoweredGraph, b: TfliteBuilder, ranges: Range[], perChannel: { conv: boolean; dense: boolean }, io: IoType): void {
  const params = activationParams(graph, ranges)
  const ids = graph.tensors.map((t, i) =>
    b.tensor({
      name: t.name,
      type: TensorType.INT8,
      shape: t.shape,
      // No min/max: the MLIR converter leaves them out of int8 files too, and on a tiny model they
      // are a noticeable share of the flash.
      quantization: { scale: [params[i].scale], zeroPoint: [params[i].zeroPoint] }
    })
  )
  b.inputs = [ids[graph.input]]
  b.outputs = [ids[graph.output]]
  if (io === 'float32') {
    const inFloat = b.tensor({ name: 'input_float', type: TensorType.FLOAT32, shape: graph.tensors[graph.input].shape })
    b.op(BuiltinOperator.QUANTIZE, 1, [inFloat], [ids[graph.input]])
    b.inputs = [inFloat]
  }
  for (const op of graph.ops) {
    const inputs = [ids[op.input]]
    if (isWeightOp(op)) {
      const q = quantizeWeights(op, op.kind === 'fullyConnected' ? perChannel.dense : perChannel.conv)
      inputs.push(b.tensor({ name: weightName(graph, op, 'kernel'), type: TensorType.INT8, shape: op.weightShape, data: bytesOf(q.values), quantization: weightQuantization(q) }))
      const bias = quantizeBias(op.bias, params[op.input].scale, q.scales)
      inputs.push(
        b.tensor({
          name: weightName(graph, op, 'bias'),
          type: TensorType.INT32,
          shape: [op.bias.length],
          data: bytesOf(bias.values),
          quantization: { scale: Array.from(bias.scales), zeroPoint: Array.from(bias.scales, () => 0), quantizedDimension: 0 }
        })
      )
    }
    inputs.push(...extraInputs(op, b, graph))
    b.op(OPCODE[op.kind], INT8_VERSION[op.kind], inputs, [ids[op.output]], opOptions(op))
  }
  if (io === 'float32') {
    const outFloat = b.tensor({ name: 'output_float', type: TensorType.FLOAT32, shape: graph.tensors[graph.output].shape })
    b.op(BuiltinOperator.DEQUANTIZE, 2, [ids[graph.output]], [outFloat])
    b.outputs = [outFloat]
  }
}

