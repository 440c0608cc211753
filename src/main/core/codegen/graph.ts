/**
 * The model as the code generators see it: tensors with quantization, operators in execution
 * order with their options normalized to plain values (defaults filled in). Built from the
 * reader's ParsedModel so the generators never touch flatbuffers.
 */
import { MicroforgeError } from '../../../shared/errors'
import { parseTflite, type ParsedModel, type ParsedTensor } from '../tflite/reader'

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

const TYPE_NAMES: Record<string, CgTensorType> = {
  FLOAT32: 'float32',
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  UINT8: 'uint8',
  FLOAT16: 'float16',
  BOOL: 'bool'
}

const ACTIVATIONS: Record<string, CgActivation> = {
  NONE: 'none',
  RELU: 'relu',
  RELU6: 'relu6',
  RELU_N1_TO_1: 'relu_n1_to_1'
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

/** Reads a .tflite into the generators' view (MODEL_ERROR with a next step on a bad file). */
export function cgModelFromTflite(bytes: Uint8Array): CgModel {
  return cgModelFromParsed(parseTflite(bytes))
}

export function cgModelFromParsed(parsed: ParsedModel): CgModel {
  if (parsed.subgraphs.length !== 1) {
    throw new MicroforgeError('MODEL_ERROR', `The model has ${parsed.subgraphs.length} subgraphs; firmware generation supports exactly one.`, 'Export a plain sequential model.')
  }
  const sg = parsed.subgraphs[0]
  const tensors: CgTensor[] = sg.tensors.map((t: ParsedTensor) => ({
    index: t.index,
    name: t.name || `tensor_${t.index}`,
    type: TYPE_NAMES[t.type] ?? 'other',
    shape: [...t.shape],
    scale: t.quantization ? [...t.quantization.scale] : [],
    zeroPoint: t.quantization ? [...t.quantization.zeroPoint] : [],
    quantizedDimension: t.quantization?.quantizedDimension ?? 0,
    data: t.data && t.data.byteLength > 0 ? t.data : null
  }))
  const operators: CgOperator[] = sg.operators.map((o) => {
    const p = o.options
    const options = defaultOptions()
    if (p.fusedActivation !== undefined) options.activation = ACTIVATIONS[p.fusedActivation] ?? 'unsupported'
    if (p.padding !== undefined) options.padding = p.padding === 'SAME' ? 'same' : 'valid'
    if (p.strideH) options.strideH = p.strideH
    if (p.strideW) options.strideW = p.strideW
    if (p.dilationH) options.dilationH = p.dilationH
    if (p.dilationW) options.dilationW = p.dilationW
    if (p.filterH) options.filterH = p.filterH
    if (p.filterW) options.filterW = p.filterW
    if (p.depthMultiplier) options.depthMultiplier = p.depthMultiplier
    if (p.beta !== undefined) options.beta = p.beta
    if (p.keepDims !== undefined) options.keepDims = p.keepDims
    if (p.keepNumDims !== undefined) options.keepDims = p.keepNumDims
    return { op: o.builtin, inputs: [...o.inputs], outputs: [...o.outputs], options }
  })
  // A damaged or mutated file can name tensors that do not exist; say so instead of failing later.
  const bad = (i: number, optional: boolean): boolean => !(Number.isInteger(i) && ((optional && i === -1) || (i >= 0 && i < tensors.length)))
  const wrong =
    sg.inputs.length === 0 || sg.outputs.length === 0 || [...sg.inputs, ...sg.outputs].some((i) => bad(i, false)) || operators.some((o) => o.inputs.some((i) => bad(i, true)) || o.outputs.some((i) => bad(i, false)))
  if (wrong) {
    throw new MicroforgeError('MODEL_ERROR', `The model refers to tensors it does not have (it has ${tensors.length}); the file is damaged or was edited.`, 'Export the variant again from the Optimize step.')
  }
  return { tensors, operators, inputs: [...sg.inputs], outputs: [...sg.outputs] }
}

/** The distinct builtin operators in first-use order. */
export function usedOps(model: CgModel): string[] {
  return [...new Set(model.operators.map((o) => o.op))]
}
