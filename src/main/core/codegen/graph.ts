/**
 * The model as the code generators see it: tensors with quantization, operators in execution
 * order with their options normalized to plain values. Built from a .tflite's bytes through the
 * flatc-generated schema bindings, so the generators do not depend on how the rest of the app
 * walks flatbuffers.
 */
import * as flatbuffers from 'flatbuffers'
import { MicroforgeError } from '../../../shared/errors'
import {
  ActivationFunctionType,
  BuiltinOperator,
  Model,
  Padding,
  TensorType,
  type Conv2DOptionsT,
  type DepthwiseConv2DOptionsT,
  type FullyConnectedOptionsT,
  type Pool2DOptionsT,
  type ReducerOptionsT,
  type SoftmaxOptionsT
} from '../tflite/schema/schema_generated'

export type CgTensorType = 'float32' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'float16' | 'bool' | 'other'
export type CgActivation = 'none' | 'relu' | 'relu6' | 'relu_n1_to_1' | 'unsupported'

export interface CgTensor {
  index: number
  name: string
  type: CgTensorType
  shape: number[]
  /** Per-tensor quantization has one entry; per-channel has one per channel along quantizedDimension. */
  scale: number[]
  zeroPoint: number[]
  quantizedDimension: number
  /** Constant data (weights, biases, shapes, axes); null for activations. */
  data: Uint8Array | null
}

export interface CgOptions {
  activation: CgActivation
  padding: 'same' | 'valid'
  strideH: number
  strideW: number
  dilationH: number
  dilationW: number
  filterH: number
  filterW: number
  depthMultiplier: number
  beta: number
  keepDims: boolean
}

export interface CgOperator {
  /** Builtin operator name as in the schema: FULLY_CONNECTED, CONV_2D, ... */
  op: string
  inputs: number[]
  outputs: number[]
  options: CgOptions
}

export interface CgModel {
  tensors: CgTensor[]
  operators: CgOperator[]
  inputs: number[]
  outputs: number[]
}

const TYPE_NAMES: Partial<Record<TensorType, CgTensorType>> = {
  [TensorType.FLOAT32]: 'float32',
  [TensorType.INT8]: 'int8',
  [TensorType.INT16]: 'int16',
  [TensorType.INT32]: 'int32',
  [TensorType.INT64]: 'int64',
  [TensorType.UINT8]: 'uint8',
  [TensorType.FLOAT16]: 'float16',
  [TensorType.BOOL]: 'bool'
}

const ACTIVATIONS: Partial<Record<ActivationFunctionType, CgActivation>> = {
  [ActivationFunctionType.NONE]: 'none',
  [ActivationFunctionType.RELU]: 'relu',
  [ActivationFunctionType.RELU6]: 'relu6',
  [ActivationFunctionType.RELU_N1_TO_1]: 'relu_n1_to_1'
}

export function bytesPerElement(type: CgTensorType): number {
  switch (type) {
    case 'float32':
    case 'int32':
      return 4
    case 'int16':
    case 'float16':
      return 2
    case 'int64':
      return 8
    default:
      return 1
  }
}

export function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * Math.max(b, 1), 1)
}

function defaultOptions(): CgOptions {
  return {
    activation: 'none',
    padding: 'valid',
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
    filterH: 1,
    filterW: 1,
    depthMultiplier: 1,
    beta: 1,
    keepDims: false
  }
}

function name(v: string | Uint8Array | null, fallback: string): string {
  if (v === null) return fallback
  return typeof v === 'string' ? v : new TextDecoder().decode(v)
}

/** Reads a .tflite into the generators' view. Throws MODEL_ERROR with a next step on anything it cannot use. */
export function cgModelFromTflite(bytes: Uint8Array): CgModel {
  let model
  try {
    model = Model.getRootAsModel(new flatbuffers.ByteBuffer(bytes)).unpack()
  } catch (err) {
    throw new MicroforgeError('MODEL_ERROR', `This file is not a readable .tflite model (${(err as Error).message}).`, 'Export the variant again from the Optimize step.')
  }
  if (model.subgraphs.length !== 1) {
    throw new MicroforgeError('MODEL_ERROR', `The model has ${model.subgraphs.length} subgraphs; firmware generation supports exactly one.`, 'Export a plain sequential model.')
  }
  const sg = model.subgraphs[0]
  const tensors: CgTensor[] = sg.tensors.map((t, index) => {
    const q = t.quantization
    const buf = model.buffers[t.buffer]
    let data: Uint8Array | null = null
    if (buf) {
      if (buf.data.length > 0) data = Uint8Array.from(buf.data)
      // Models over 2 GB keep buffers outside the flatbuffer, addressed by offset from the file start.
      else if (buf.offset > 1n) data = bytes.slice(Number(buf.offset), Number(buf.offset + buf.size))
    }
    return {
      index,
      name: name(t.name, `tensor_${index}`),
      type: TYPE_NAMES[t.type] ?? 'other',
      shape: [...t.shape],
      scale: q ? [...q.scale] : [],
      zeroPoint: q ? q.zeroPoint.map((z) => Number(z)) : [],
      quantizedDimension: q ? q.quantizedDimension : 0,
      data
    }
  })
  const operators: CgOperator[] = sg.operators.map((o) => {
    const code = model.operatorCodes[o.opcodeIndex]
    // Old converters store the code in deprecatedBuiltinCode only; the larger of the two is the real one.
    const builtin = Math.max(code.builtinCode, code.deprecatedBuiltinCode) as BuiltinOperator
    const op = BuiltinOperator[builtin] ?? `UNKNOWN_${builtin}`
    const options = defaultOptions()
    const bo = o.builtinOptions as unknown
    if (op === 'FULLY_CONNECTED' && bo) {
      const f = bo as FullyConnectedOptionsT
      options.activation = ACTIVATIONS[f.fusedActivationFunction] ?? 'unsupported'
      options.keepDims = f.keepNumDims
    } else if (op === 'CONV_2D' && bo) {
      const c = bo as Conv2DOptionsT
      options.activation = ACTIVATIONS[c.fusedActivationFunction] ?? 'unsupported'
      options.padding = c.padding === Padding.SAME ? 'same' : 'valid'
      Object.assign(options, { strideH: c.strideH, strideW: c.strideW, dilationH: c.dilationHFactor, dilationW: c.dilationWFactor })
    } else if (op === 'DEPTHWISE_CONV_2D' && bo) {
      const c = bo as DepthwiseConv2DOptionsT
      options.activation = ACTIVATIONS[c.fusedActivationFunction] ?? 'unsupported'
      options.padding = c.padding === Padding.SAME ? 'same' : 'valid'
      Object.assign(options, {
        strideH: c.strideH,
        strideW: c.strideW,
        dilationH: c.dilationHFactor,
        dilationW: c.dilationWFactor,
        depthMultiplier: c.depthMultiplier
      })
    } else if ((op === 'MAX_POOL_2D' || op === 'AVERAGE_POOL_2D') && bo) {
      const p = bo as Pool2DOptionsT
      options.activation = ACTIVATIONS[p.fusedActivationFunction] ?? 'unsupported'
      options.padding = p.padding === Padding.SAME ? 'same' : 'valid'
      Object.assign(options, { strideH: p.strideH, strideW: p.strideW, filterH: p.filterHeight, filterW: p.filterWidth })
    } else if (op === 'SOFTMAX' && bo) {
      options.beta = (bo as SoftmaxOptionsT).beta
    } else if (op === 'MEAN' && bo) {
      options.keepDims = (bo as ReducerOptionsT).keepDims
    }
    return { op, inputs: [...o.inputs], outputs: [...o.outputs], options }
  })
  return { tensors, operators, inputs: [...sg.inputs], outputs: [...sg.outputs] }
}

/** The distinct builtin operators in first-use order. */
export function usedOps(model: CgModel): string[] {
  return [...new Set(model.operators.map((o) => o.op))]
}
