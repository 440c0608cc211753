/**
 * Reads any .tflite into plain data: subgraphs, operators in execution order, tensors with their
 * quantization (per-channel included) and constant bytes. Structure is read through bounds-checked
 * accessors (flatbuffer-safe.ts); the generated schema supplies enums and the scalar fields of
 * builtin options. Malformed input always ends in a MicroforgeError('MODEL_ERROR').
 */
import * as flatbuffers from 'flatbuffers'
import { MicroforgeError } from '../../../shared/errors'
import { damaged, SafeFlatbuffer, type SafeTable } from './flatbuffer-safe'
import { BuiltinOperator } from './schema/tflite/builtin-operator'
import { BuiltinOptions } from './schema/tflite/builtin-options'
import { TensorType } from './schema/tflite/tensor-type'
import { ActivationFunctionType } from './schema/tflite/activation-function-type'
import { Padding } from './schema/tflite/padding'
import { Conv2DOptions } from './schema/tflite/conv2doptions'
import { DepthwiseConv2DOptions } from './schema/tflite/depthwise-conv2doptions'
import { Pool2DOptions } from './schema/tflite/pool2doptions'
import { FullyConnectedOptions } from './schema/tflite/fully-connected-options'
import { SoftmaxOptions } from './schema/tflite/softmax-options'
import { ReducerOptions } from './schema/tflite/reducer-options'
import { ConcatenationOptions } from './schema/tflite/concatenation-options'
import { AddOptions } from './schema/tflite/add-options'
import { MulOptions } from './schema/tflite/mul-options'
import { SubOptions } from './schema/tflite/sub-options'
import { LeakyReluOptions } from './schema/tflite/leaky-relu-options'

export type TensorTypeName = keyof typeof TensorType
export type ActivationName = keyof typeof ActivationFunctionType

export interface ParsedQuantization {
  /** One entry per tensor, or one per channel along quantizedDimension. */
  scale: number[]
  zeroPoint: number[]
  quantizedDimension: number
  min: number[]
  max: number[]
}

export interface ParsedTensor {
  index: number
  name: string
  type: TensorTypeName
  shape: number[]
  /** -1 marks a dimension unknown at conversion time (usually the batch). */
  shapeSignature: number[] | null
  /** Index into ParsedModel.buffers. */
  buffer: number
  /** Constant contents (a view into the file), null for activations. */
  data: Uint8Array | null
  quantization: ParsedQuantization | null
  isVariable: boolean
  isSparse: boolean
  elementCount: number
  /** Bytes the tensor occupies (elementCount x element size; 0 for types without a fixed size). */
  byteSize: number
}

/** Options of the builtins the interpreter and inspector use; other ops keep an empty object. */
export interface ParsedOptions {
  fusedActivation?: ActivationName
  padding?: 'SAME' | 'VALID'
  strideW?: number
  strideH?: number
  dilationW?: number
  dilationH?: number
  depthMultiplier?: number
  filterW?: number
  filterH?: number
  keepNumDims?: boolean
  weightsFormat?: number
  asymmetricQuantizeInputs?: boolean
  beta?: number
  newShape?: number[]
  keepDims?: boolean
  axis?: number
  alpha?: number
  squeezeDims?: number[]
}

export interface ParsedOperator {
  index: number
  opcodeIndex: number
  /** Builtin name from the schema ('FULLY_CONNECTED', 'CUSTOM', ...) or `UNKNOWN_<code>` for codes newer than our schema. */
  builtin: string
  builtinCode: number
  customCode: string | null
  version: number
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[]
  outputs: number[]
  intermediates: number[]
  optionsType: string | null
  options: ParsedOptions
}

export interface ParsedSubgraph {
  name: string
  tensors: ParsedTensor[]
  operators: ParsedOperator[]
  inputs: number[]
  outputs: number[]
}

export interface ParsedModel {
  schemaVersion: number
  description: string
  subgraphs: ParsedSubgraph[]
  /** Buffer contents as views into the file (empty for buffer 0 and activations). */
  buffers: Uint8Array[]
  sizes: {
    /** The whole .tflite: what goes to flash. */
    fileBytes: number
    /** Constant tensor data (weights, biases) inside the file. */
    constantBytes: number
  }
}

/** Limits far above any microcontroller model; they keep a hostile file from allocating gigabytes. */
const MAX = {
  subgraphs: 64,
  operatorCodes: 4096,
  operators: 100_000,
  tensors: 100_000,
  buffers: 100_000,
  rank: 8,
  quantParams: 1 << 16,
  elements: 1 << 28
}

const ELEMENT_BYTES: Partial<Record<TensorTypeName, number>> = {
  FLOAT32: 4, FLOAT16: 2, INT32: 4, UINT8: 1, INT64: 8, BOOL: 1, INT16: 2, COMPLEX64: 8, INT8: 1,
  FLOAT64: 8, COMPLEX128: 16, UINT64: 8, UINT32: 4, UINT16: 2
}

export function elementBytes(type: TensorTypeName): number {
  return ELEMENT_BYTES[type] ?? 0
}

function enumName<E extends Record<string, string | number>>(e: E, value: number): string | undefined {
  const name = (e as Record<number, string | undefined>)[value]
  return typeof name === 'string' ? name : undefined
}

export function parseTflite(bytes: Uint8Array): ParsedModel {
  if (bytes.byteLength < 16) throw damaged(`only ${bytes.byteLength} bytes`)
  if (bytes.byteLength > 0x7fffffff) {
    throw new MicroforgeError('MODEL_ERROR', 'This model is larger than 2 GB, far too big for a microcontroller.', 'Use a smaller model.')
  }
  const fb = new SafeFlatbuffer(bytes)
  const id = fb.identifier()
  if (id !== 'TFL3') {
    throw new MicroforgeError(
      'MODEL_ERROR',
      // Never quote the bytes found: the file may be anything (issue #17).
      'This file is not a TensorFlow Lite model (it does not carry the TFL3 marker).',
      'Choose a .tflite file exported by Microforge or by the TensorFlow Lite converter.'
    )
  }
  const model = fb.root('model')
  const schemaVersion = model.u32(0, 0)
  const description = model.string(3, 'model description')

  const buffers = model.tables(4, MAX.buffers, 'buffers').map((b, i) => readBuffer(fb, b, i))
  const opcodes = model.tables(1, MAX.operatorCodes, 'operator codes').map((t, i) => readOpcode(t, i))
  const subgraphTables = model.tables(2, MAX.subgraphs, 'subgraphs')
  if (subgraphTables.length === 0) throw damaged('no subgraphs')
  const subgraphs = subgraphTables.map((sg, i) => readSubgraph(fb, sg, i, buffers, opcodes))

  // Count each buffer once, and only buffers tensors use (metadata buffers are not weights).
  const used = new Set<number>()
  for (const sg of subgraphs) for (const t of sg.tensors) if (t.data) used.add(t.buffer)
  let constantBytes = 0
  for (const b of used) constantBytes += buffers[b].byteLength
  return { schemaVersion, description, subgraphs, buffers, sizes: { fileBytes: bytes.byteLength, constantBytes } }
}

function readBuffer(fb: SafeFlatbuffer, t: SafeTable, i: number): Uint8Array {
  const data = t.bytes(0, `buffer ${i}`)
  if (data && data.byteLength > 0) return data
  // Models over 2 GB keep buffers after the flatbuffer, addressed from the start of the file.
  const offset = t.u64(1)
  const size = t.u64(2)
  if (offset > 1n) {
    if (offset + size > BigInt(fb.bytes.byteLength)) throw damaged(`buffer ${i} points outside the file`)
    return fb.bytes.subarray(Number(offset), Number(offset + size))
  }
  return new Uint8Array(0)
}

interface Opcode {
  builtinCode: number
  builtin: string
  customCode: string | null
  version: number
}

function readOpcode(t: SafeTable, i: number): Opcode {
  // Files written before the 32-bit builtin_code field keep the code in the deprecated byte
  // and leave builtin_code at 0 (ADD); TFLite takes the larger of the two.
  const deprecated = t.i8(0, 0)
  const extended = t.i32(3, 0)
  const builtinCode = Math.max(deprecated, extended)
  const customCode = t.field(1, 4) ? t.string(1, `operator code ${i} name`, 1024) : null
  const version = t.i32(2, 1)
  const builtin = enumName(BuiltinOperator, builtinCode) ?? `UNKNOWN_${builtinCode}`
  return { builtinCode, builtin, customCode, version }
}

function readSubgraph(fb: SafeFlatbuffer, sg: SafeTable, index: number, buffers: Uint8Array[], opcodes: Opcode[]): ParsedSubgraph {
  const where = `subgraph ${index}`
  const tensors = sg.tables(0, MAX.tensors, `${where} tensors`).map((t, i) => readTensor(t, i, buffers))
  const checkIndex = (list: number[], what: string, allowOmitted: boolean): number[] => {
    for (const ix of list) {
      if (allowOmitted && ix === -1) continue
      if (ix < 0 || ix >= tensors.length) throw damaged(`${what} refers to tensor ${ix}, but there are ${tensors.length}`)
    }
    return list
  }
  const inputs = checkIndex(sg.i32s(1, MAX.tensors, `${where} inputs`), `${where} inputs`, false)
  const outputs = checkIndex(sg.i32s(2, MAX.tensors, `${where} outputs`), `${where} outputs`, false)
  const operators = sg.tables(3, MAX.operators, `${where} operators`).map((op, i) => {
    const parsed = readOperator(fb, op, i, opcodes)
    checkIndex(parsed.inputs, `operator ${i} (${parsed.builtin}) inputs`, true)
    checkIndex(parsed.outputs, `operator ${i} (${parsed.builtin}) outputs`, false)
    checkIndex(parsed.intermediates, `operator ${i} (${parsed.builtin}) intermediates`, true)
    return parsed
  })
  const name = sg.string(4, `${where} name`)
  return { name, tensors, operators, inputs, outputs }
}

function readTensor(t: SafeTable, index: number, buffers: Uint8Array[]): ParsedTensor {
  const where = `tensor ${index}`
  const shape = t.i32s(0, MAX.rank, `${where} shape`)
  const typeCode = t.i8(1, 0)
  const type = enumName(TensorType, typeCode) as TensorTypeName | undefined
  if (!type) throw damaged(`${where} has unknown type ${typeCode}`)
  const buffer = t.u32(2, 0)
  if (buffer >= buffers.length && !(buffer === 0 && buffers.length === 0)) {
    throw damaged(`${where} uses buffer ${buffer}, but there are ${buffers.length}`)
  }
  const name = t.string(3, `${where} name`, 4096)
  const q = t.table(4, `${where} quantization`)
  const quantization = q ? readQuantization(q, where) : null
  const isVariable = t.u8(5, 0) !== 0
  const isSparse = t.field(6, 4) !== 0
  const signature = t.field(7, 4) ? t.i32s(7, MAX.rank, `${where} shape signature`) : null

  let elementCount = 1
  for (const d of shape) {
    if (d < 0) throw damaged(`${where} has a negative dimension ${d}`)
    elementCount *= d
  }
  if (elementCount > MAX.elements) throw damaged(`${where} claims ${elementCount} elements`)
  const byteSize = type === 'INT4' ? Math.ceil(elementCount / 2) : elementCount * elementBytes(type)
  const raw = buffers[buffer]
  const data = raw && raw.byteLength > 0 ? raw : null
  if (data && !isSparse && byteSize > 0 && data.byteLength !== byteSize) {
    throw damaged(`${where} "${name}" holds ${data.byteLength} bytes but its shape [${shape.join(', ')}] needs ${byteSize}`)
  }
  return { index, name, type, shape, shapeSignature: signature, buffer, data, quantization, isVariable, isSparse, elementCount, byteSize }
}

function readQuantization(q: SafeTable, where: string): ParsedQuantization | null {
  const scale = q.f32s(2, MAX.quantParams, `${where} scales`)
  const zp64 = q.i64s(3, MAX.quantParams, `${where} zero points`)
  const zeroPoint = zp64.map((z) => {
    if (z < -(1n << 31n) || z >= 1n << 31n) throw damaged(`${where} has zero point ${z}`)
    return Number(z)
  })
  const min = q.f32s(0, MAX.quantParams, `${where} min`)
  const max = q.f32s(1, MAX.quantParams, `${where} max`)
  const quantizedDimension = q.i32(6, 0)
  if (scale.length === 0 && zeroPoint.length === 0 && min.length === 0 && max.length === 0) return null
  return { scale, zeroPoint, quantizedDimension, min, max }
}

function readOperator(fb: SafeFlatbuffer, op: SafeTable, index: number, opcodes: Opcode[]): ParsedOperator {
  const where = `operator ${index}`
  const opcodeIndex = op.u32(0, 0)
  const code = opcodes[opcodeIndex]
  if (!code) throw damaged(`${where} uses operator code ${opcodeIndex}, but there are ${opcodes.length}`)
  const inputs = op.i32s(1, 1024, `${where} inputs`)
  const outputs = op.i32s(2, 1024, `${where} outputs`)
  const intermediates = op.i32s(8, 1024, `${where} intermediates`)
  const optionsTypeCode = op.u8(3, 0)
  const optionsTable = optionsTypeCode !== 0 ? op.table(4, `${where} options`) : null
  const optionsType = optionsTypeCode === 0 ? null : (enumName(BuiltinOptions, optionsTypeCode) ?? `UNKNOWN_${optionsTypeCode}`)
  const options = optionsTable ? readOptions(fb, optionsTypeCode, optionsTable, where) : {}
  return {
    index,
    opcodeIndex,
    builtin: code.builtin,
    builtinCode: code.builtinCode,
    customCode: code.customCode,
    version: code.version,
    inputs,
    outputs,
    intermediates,
    optionsType,
    options
  }
}

function activation(code: number): ActivationName {
  const name = enumName(ActivationFunctionType, code) as ActivationName | undefined
  if (!name) throw damaged(`unknown fused activation ${code}`)
  return name
}

function padding(code: number): 'SAME' | 'VALID' {
  if (code === Padding.SAME) return 'SAME'
  if (code === Padding.VALID) return 'VALID'
  throw damaged(`unknown padding ${code}`)
}

/** Padding and strides, read the same way from convolution, depthwise and pooling options. */
function windowStep(o: { padding(): number; strideW(): number; strideH(): number }): { padding: 'SAME' | 'VALID'; strideW: number; strideH: number } {
  return { padding: padding(o.padding()), strideW: o.strideW(), strideH: o.strideH() }
}

function dilation(o: { dilationWFactor(): number; dilationHFactor(): number }): { dilationW: number; dilationH: number } {
  return { dilationW: o.dilationWFactor(), dilationH: o.dilationHFactor() }
}

/**
 * Scalar option fields come from the generated accessors: the table was verified by SafeTable, and
 * scalar reads cannot run away. Vector fields (new_shape, squeeze_dims) go through SafeTable.
 */
function readOptions(fb: SafeFlatbuffer, type: number, t: SafeTable, where: string): ParsedOptions {
  const bb = new flatbuffers.ByteBuffer(fb.bytes)
  switch (type) {
    case BuiltinOptions.Conv2DOptions: {
      const o = new Conv2DOptions().__init(t.pos, bb)
      return { ...windowStep(o), ...dilation(o), fusedActivation: activation(o.fusedActivationFunction()) }
    }
    case BuiltinOptions.DepthwiseConv2DOptions: {
      const o = new DepthwiseConv2DOptions().__init(t.pos, bb)
      return { ...windowStep(o), depthMultiplier: o.depthMultiplier(), ...dilation(o), fusedActivation: activation(o.fusedActivationFunction()) }
    }
    case BuiltinOptions.Pool2DOptions: {
      const o = new Pool2DOptions().__init(t.pos, bb)
      return { ...windowStep(o), filterW: o.filterWidth(), filterH: o.filterHeight(), fusedActivation: activation(o.fusedActivationFunction()) }
    }
    case BuiltinOptions.FullyConnectedOptions: {
      const o = new FullyConnectedOptions().__init(t.pos, bb)
      return {
        fusedActivation: activation(o.fusedActivationFunction()), weightsFormat: o.weightsFormat(),
        keepNumDims: o.keepNumDims(), asymmetricQuantizeInputs: o.asymmetricQuantizeInputs()
      }
    }
    case BuiltinOptions.SoftmaxOptions:
      return { beta: new SoftmaxOptions().__init(t.pos, bb).beta() }
    case BuiltinOptions.ReshapeOptions:
      return { newShape: t.i32s(0, MAX.rank, `${where} new shape`) }
    case BuiltinOptions.SqueezeOptions:
      return { squeezeDims: t.i32s(0, MAX.rank, `${where} squeeze dims`) }
    case BuiltinOptions.ReducerOptions:
      return { keepDims: new ReducerOptions().__init(t.pos, bb).keepDims() }
    case BuiltinOptions.ConcatenationOptions: {
      const o = new ConcatenationOptions().__init(t.pos, bb)
      return { axis: o.axis(), fusedActivation: activation(o.fusedActivationFunction()) }
    }
    case BuiltinOptions.AddOptions:
      return { fusedActivation: activation(new AddOptions().__init(t.pos, bb).fusedActivationFunction()) }
    case BuiltinOptions.MulOptions:
      return { fusedActivation: activation(new MulOptions().__init(t.pos, bb).fusedActivationFunction()) }
    case BuiltinOptions.SubOptions:
      return { fusedActivation: activation(new SubOptions().__init(t.pos, bb).fusedActivationFunction()) }
    case BuiltinOptions.LeakyReluOptions:
      return { alpha: new LeakyReluOptions().__init(t.pos, bb).alpha() }
    default:
      return {}
  }
}
