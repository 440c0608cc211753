/**
 * Builds small .tflite files for tests with the generated object API (ModelT.pack), so reader,
 * interpreter, inspector and LiteRT checks can use graphs the shared models do not cover
 * (per-channel convolutions, pooling, MEAN, unknown ops, broken references).
 *
 * Buffer data is written 16-byte aligned, as the schema's force_align asks: flatc's TypeScript
 * generator ignores force_align, so BufferT.pack alone would leave weights unaligned.
 */
import * as flatbuffers from 'flatbuffers'
import { Buffer, BufferT } from '../../src/main/core/tflite/schema/tflite/buffer'
import { BuiltinOperator } from '../../src/main/core/tflite/schema/tflite/builtin-operator'
import { BuiltinOptions } from '../../src/main/core/tflite/schema/tflite/builtin-options'
import { Model, ModelT } from '../../src/main/core/tflite/schema/tflite/model'
import { Operator, OperatorT } from '../../src/main/core/tflite/schema/tflite/operator'
import { OperatorCodeT } from '../../src/main/core/tflite/schema/tflite/operator-code'
import { QuantizationParametersT } from '../../src/main/core/tflite/schema/tflite/quantization-parameters'
import { SubGraphT } from '../../src/main/core/tflite/schema/tflite/sub-graph'
import { TensorT } from '../../src/main/core/tflite/schema/tflite/tensor'
import { TensorType } from '../../src/main/core/tflite/schema/tflite/tensor-type'

class AlignedBufferT extends BufferT {
  override pack(builder: flatbuffers.Builder): flatbuffers.Offset {
    let data = 0
    if (this.data.length > 0) {
      builder.startVector(1, this.data.length, 16)
      for (let i = this.data.length - 1; i >= 0; i--) builder.addInt8(this.data[i])
      data = builder.endVector()
    }
    Buffer.startBuffer(builder)
    if (data) Buffer.addData(builder, data)
    return Buffer.endBuffer(builder)
  }
}

/**
 * The generated OperatorT.pack writes empty custom_options, mutating_variable_inputs and
 * intermediates vectors; TFLM reads an empty custom_options on a builtin as "builtin operator with
 * custom options" and fails AllocateTensors. Like the converter, leave empty vectors out.
 */
class PlainOperatorT extends OperatorT {
  override pack(builder: flatbuffers.Builder): flatbuffers.Offset {
    const inputs = Operator.createInputsVector(builder, this.inputs)
    const outputs = Operator.createOutputsVector(builder, this.outputs)
    const options = builder.createObjectOffset(this.builtinOptions)
    const intermediates = this.intermediates.length > 0 ? Operator.createIntermediatesVector(builder, this.intermediates) : 0
    Operator.startOperator(builder)
    Operator.addOpcodeIndex(builder, this.opcodeIndex)
    Operator.addInputs(builder, inputs)
    Operator.addOutputs(builder, outputs)
    Operator.addBuiltinOptionsType(builder, this.builtinOptionsType)
    if (options) Operator.addBuiltinOptions(builder, options)
    if (intermediates) Operator.addIntermediates(builder, intermediates)
    return Operator.endOperator(builder)
  }
}

export interface TensorSpec {
  name?: string
  type: keyof typeof TensorType
  shape: number[]
  /** Constant values (weights, biases, axes); omit for activations. */
  values?: ArrayLike<number>
  /** Raw bytes instead of values (to build deliberately wrong files). */
  bytes?: Uint8Array
  scale?: number | number[]
  zeroPoint?: number | number[]
  quantizedDimension?: number
  /** A variable tensor (LSTM and SVDF state): TFLM allocates and keeps it across invocations. */
  isVariable?: boolean
}

export interface OpSpec {
  op: keyof typeof BuiltinOperator
  inputs: number[]
  outputs: number[]
  optionsType?: BuiltinOptions
  /** An instance of the generated options class (e.g. new Conv2DOptionsT(...)). */
  options?: OperatorT['builtinOptions']
  version?: number
  customCode?: string
  /** Tensor indices of an operator's intermediates (UNIDIRECTIONAL_SEQUENCE_LSTM's, for example). */
  intermediates?: number[]
}

export interface GraphSpec {
  tensors: TensorSpec[]
  ops: OpSpec[]
  inputs: number[]
  outputs: number[]
}

function encode(t: TensorSpec): number[] {
  if (t.bytes) return Array.from(t.bytes)
  if (!t.values) return []
  const v = Array.from(t.values)
  switch (t.type) {
    case 'INT8': return Array.from(new Uint8Array(Int8Array.from(v).buffer))
    case 'UINT8': return Array.from(Uint8Array.from(v))
    case 'INT16': return Array.from(new Uint8Array(Int16Array.from(v).buffer))
    case 'INT32': return Array.from(new Uint8Array(Int32Array.from(v).buffer))
    case 'FLOAT32': return Array.from(new Uint8Array(Float32Array.from(v).buffer))
    case 'FLOAT16': return Array.from(new Uint8Array(Uint16Array.from(v).buffer))
    default: throw new Error(`tflite-builder: cannot encode ${t.type}`)
  }
}

export function buildModel(spec: GraphSpec): Uint8Array {
  const buffers: BufferT[] = [new AlignedBufferT()]
  const tensors = spec.tensors.map((t, i) => {
    const bytes = encode(t)
    let buffer = 0
    if (bytes.length > 0) {
      buffer = buffers.length
      buffers.push(new AlignedBufferT(bytes))
    }
    let quantization: QuantizationParametersT | null = null
    if (t.scale !== undefined) {
      const scales = Array.isArray(t.scale) ? t.scale : [t.scale]
      const zps = Array.isArray(t.zeroPoint) ? t.zeroPoint : scales.map(() => (t.zeroPoint as number | undefined) ?? 0)
      quantization = new QuantizationParametersT([], [], scales, zps.map((z) => BigInt(z)), undefined, null, t.quantizedDimension ?? 0)
    }
    return new TensorT(t.shape, TensorType[t.type], buffer, t.name ?? `t${i}`, quantization, t.isVariable ?? false)
  })
  const codes: OperatorCodeT[] = []
  const codeIndex = new Map<string, number>()
  const operators = spec.ops.map((o) => {
    const code = BuiltinOperator[o.op]
    const key = `${code}/${o.version ?? 1}/${o.customCode ?? ''}`
    if (!codeIndex.has(key)) {
      codeIndex.set(key, codes.length)
      codes.push(new OperatorCodeT(Math.min(code, 127), o.customCode ?? null, o.version ?? 1, code))
    }
    const op = new PlainOperatorT(codeIndex.get(key)!, o.inputs, o.outputs, o.optionsType ?? BuiltinOptions.NONE, o.options ?? null)
    op.intermediates = o.intermediates ?? []
    return op
  })
  const model = new ModelT(3, codes, [new SubGraphT(tensors, spec.inputs, spec.outputs, operators, 'main')], 'microforge test model', buffers)
  const builder = new flatbuffers.Builder(1024)
  Model.finishModelBuffer(builder, model.pack(builder))
  return builder.asUint8Array().slice()
}
