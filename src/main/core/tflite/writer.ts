/**
 * Serializes a single-subgraph model to TensorFlow Lite flatbuffer bytes with the generated schema
 * code. Built table by table rather than through the object API so that constant buffers can be
 * 16-byte aligned (TFLite Micro and the C code generator read weights in place) and no empty
 * vectors are written.
 */
import * as flatbuffers from 'flatbuffers'
import { Buffer as TflBuffer } from './schema/tflite/buffer'
import { BuiltinOperator } from './schema/tflite/builtin-operator'
import { BuiltinOptions } from './schema/tflite/builtin-options'
import { Model } from './schema/tflite/model'
import { Operator } from './schema/tflite/operator'
import { OperatorCode } from './schema/tflite/operator-code'
import { QuantizationParameters } from './schema/tflite/quantization-parameters'
import { SubGraph } from './schema/tflite/sub-graph'
import { Tensor } from './schema/tflite/tensor'
import { TensorType } from './schema/tflite/tensor-type'

export { BuiltinOperator, BuiltinOptions, TensorType }

export const TFLITE_SCHEMA_VERSION = 3
export const BUFFER_ALIGNMENT = 16

export interface WriterQuantization {
  scale: number[]
  zeroPoint: number[]
  /** Axis the per-channel scales run along. */
  quantizedDimension?: number
  /** Calibrated real range, informational (the converter writes it for activations). */
  min?: number[]
  max?: number[]
}

export interface WriterTensor {
  name: string
  type: TensorType
  shape: number[]
  /** Constant contents, little-endian; absent for activations. */
  data?: Uint8Array
  quantization?: WriterQuantization
}

/** Any generated options object (FullyConnectedOptionsT, ...): they all pack themselves. */
export interface PackableOptions {
  pack(builder: flatbuffers.Builder): flatbuffers.Offset
}

export interface WriterOperator {
  opcode: BuiltinOperator
  version: number
  inputs: number[]
  outputs: number[]
  optionsType?: BuiltinOptions
  options?: PackableOptions
}

export interface WriterModel {
  description?: string
  tensors: WriterTensor[]
  operators: WriterOperator[]
  inputs: number[]
  outputs: number[]
}

/** Builtin codes above 127 do not fit the int8 deprecated_builtin_code field; 127 marks "see builtin_code". */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127

export function writeTflite(model: WriterModel): Uint8Array {
  const b = new flatbuffers.Builder(4096)

  // Buffer 0 is the empty sentinel every TFLite file starts with; activations point at it.
  const bufferOffsets: flatbuffers.Offset[] = [emptyBuffer(b)]
  const tensorBuffer: number[] = []
  for (const t of model.tensors) {
    if (t.data && t.data.length > 0) {
      tensorBuffer.push(bufferOffsets.length)
      bufferOffsets.push(dataBuffer(b, t.data))
    } else {
      tensorBuffer.push(0)
    }
  }

  const opcodeKeys: string[] = []
  const opcodes: { opcode: BuiltinOperator; version: number }[] = []
  const opcodeIndex = model.operators.map((op) => {
    const key = `${op.opcode}/${op.version}`
    let i = opcodeKeys.indexOf(key)
    if (i < 0) {
      i = opcodeKeys.length
      opcodeKeys.push(key)
      opcodes.push({ opcode: op.opcode, version: op.version })
    }
    return i
  })

  const tensorOffsets = model.tensors.map((t, i) => writeTensor(b, t, tensorBuffer[i]))
  const operatorOffsets = model.operators.map((op, i) => {
    const inputs = Operator.createInputsVector(b, op.inputs)
    const outputs = Operator.createOutputsVector(b, op.outputs)
    const options = op.options ? op.options.pack(b) : 0
    Operator.startOperator(b)
    Operator.addOpcodeIndex(b, opcodeIndex[i])
    Operator.addInputs(b, inputs)
    Operator.addOutputs(b, outputs)
    if (op.options && op.optionsType !== undefined) {
      Operator.addBuiltinOptionsType(b, op.optionsType)
      Operator.addBuiltinOptions(b, options)
    }
    return Operator.endOperator(b)
  })

  const subgraphName = b.createString('main')
  const subgraph = SubGraph.createSubGraph(
    b,
    SubGraph.createTensorsVector(b, tensorOffsets),
    SubGraph.createInputsVector(b, model.inputs),
    SubGraph.createOutputsVector(b, model.outputs),
    SubGraph.createOperatorsVector(b, operatorOffsets),
    subgraphName
  )

  const opcodeOffsets = opcodes.map((c) =>
    OperatorCode.createOperatorCode(b, Math.min(c.opcode, PLACEHOLDER_FOR_GREATER_OP_CODES), 0, c.version, c.opcode)
  )

  const description = b.createString(model.description ?? 'Microforge')
  const codesVec = Model.createOperatorCodesVector(b, opcodeOffsets)
  const subgraphsVec = Model.createSubgraphsVector(b, [subgraph])
  const buffersVec = Model.createBuffersVector(b, bufferOffsets)
  Model.startModel(b)
  Model.addVersion(b, TFLITE_SCHEMA_VERSION)
  Model.addOperatorCodes(b, codesVec)
  Model.addSubgraphs(b, subgraphsVec)
  Model.addDescription(b, description)
  Model.addBuffers(b, buffersVec)
  b.finish(Model.endModel(b), 'TFL3')
  // asUint8Array is a view into the builder's larger backing store; copy so callers own exact bytes.
  return b.asUint8Array().slice()
}

function emptyBuffer(b: flatbuffers.Builder): flatbuffers.Offset {
  TflBuffer.startBuffer(b)
  return TflBuffer.endBuffer(b)
}

function dataBuffer(b: flatbuffers.Builder, data: Uint8Array): flatbuffers.Offset {
  // Pad so that the vector's first byte lands on a 16-byte boundary; finish() then pads the
  // whole file to a multiple of 16, so the offset from the file start is aligned too.
  b.prep(BUFFER_ALIGNMENT, data.length)
  const vec = b.createByteVector(data)
  TflBuffer.startBuffer(b)
  TflBuffer.addData(b, vec)
  return TflBuffer.endBuffer(b)
}

function writeTensor(b: flatbuffers.Builder, t: WriterTensor, buffer: number): flatbuffers.Offset {
  const shape = Tensor.createShapeVector(b, t.shape)
  const name = b.createString(t.name)
  const quant = t.quantization ? writeQuantization(b, t.quantization) : 0
  Tensor.startTensor(b)
  Tensor.addShape(b, shape)
  Tensor.addType(b, t.type)
  Tensor.addBuffer(b, buffer)
  Tensor.addName(b, name)
  if (quant) Tensor.addQuantization(b, quant)
  return Tensor.endTensor(b)
}

function writeQuantization(b: flatbuffers.Builder, q: WriterQuantization): flatbuffers.Offset {
  const min = q.min ? QuantizationParameters.createMinVector(b, q.min) : 0
  const max = q.max ? QuantizationParameters.createMaxVector(b, q.max) : 0
  const scale = QuantizationParameters.createScaleVector(b, q.scale)
  const zeroPoint = QuantizationParameters.createZeroPointVector(b, q.zeroPoint.map((z) => BigInt(z)))
  QuantizationParameters.startQuantizationParameters(b)
  if (min) QuantizationParameters.addMin(b, min)
  if (max) QuantizationParameters.addMax(b, max)
  QuantizationParameters.addScale(b, scale)
  QuantizationParameters.addZeroPoint(b, zeroPoint)
  QuantizationParameters.addQuantizedDimension(b, q.quantizedDimension ?? 0)
  return QuantizationParameters.endQuantizationParameters(b)
}

/** Little-endian bytes of typed arrays, for tensor data. */
export function bytesOf(values: Float32Array | Int32Array | Int8Array | Uint16Array): Uint8Array {
  if (values instanceof Int8Array) return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength))
  const out = new Uint8Array(values.byteLength)
  const view = new DataView(out.buffer)
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float32Array) view.setFloat32(i * 4, values[i], true)
    else if (values instanceof Int32Array) view.setInt32(i * 4, values[i], true)
    else view.setUint16(i * 2, values[i], true)
  }
  return out
}
