import { describe, expect, it } from 'vitest'
import { FullyConnectedOptionsT } from '../../../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { BuiltinOperator, BuiltinOptions, TensorType, bytesOf, writeTflite } from '../../../../src/main/core/tflite/writer'

describe('TFLite flatbuffer writer', () => {
  const weights = Int8Array.from([1, -2, 3, -4, 5, -6])
  const bytes = writeTflite({
    description: 'Microforge test',
    tensors: [
      { name: 'in', type: TensorType.INT8, shape: [1, 3], quantization: { scale: [0.5], zeroPoint: [-3] } },
      { name: 'w', type: TensorType.INT8, shape: [2, 3], data: bytesOf(weights), quantization: { scale: [0.1, 0.2], zeroPoint: [0, 0], quantizedDimension: 0 } },
      { name: 'b', type: TensorType.INT32, shape: [2], data: bytesOf(Int32Array.from([100, -70000])), quantization: { scale: [0.05, 0.1], zeroPoint: [0, 0] } },
      { name: 'out', type: TensorType.INT8, shape: [1, 2], quantization: { scale: [0.25], zeroPoint: [7], min: [-2], max: [60] } },
      { name: 'f', type: TensorType.FLOAT32, shape: [3], data: bytesOf(Float32Array.from([1.5, -2.25, 1e-3])) }
    ],
    operators: [
      { opcode: BuiltinOperator.FULLY_CONNECTED, version: 4, inputs: [0, 1, 2], outputs: [3], optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(1) },
      // An opcode above 127 exercises the deprecated_builtin_code placeholder.
      { opcode: BuiltinOperator.GELU, version: 1, inputs: [3], outputs: [3] }
    ],
    inputs: [0],
    outputs: [3]
  })
  const model = parseTflite(bytes)
  const sg = model.subgraphs[0]

  it('writes schema version 3, the TFL3 identifier and the description', () => {
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('TFL3')
    expect(model.schemaVersion).toBe(3)
    expect(model.description).toBe('Microforge test')
    expect(bytes.length % 16).toBe(0)
  })

  it('keeps buffer 0 empty and aligns every constant buffer to 16 bytes', () => {
    expect(model.buffers[0].length).toBe(0)
    const constants = sg.tensors.filter((t) => t.data !== null)
    expect(constants.map((t) => t.name)).toEqual(['w', 'b', 'f'])
    for (const t of constants) expect((t.data as Uint8Array).byteOffset % 16).toBe(0)
    expect(sg.tensors[0].buffer).toBe(0)
  })

  it('round-trips tensors, data and quantization', () => {
    expect(sg.tensors.map((t) => [t.name, t.type, t.shape])).toEqual([
      ['in', 'INT8', [1, 3]],
      ['w', 'INT8', [2, 3]],
      ['b', 'INT32', [2]],
      ['out', 'INT8', [1, 2]],
      ['f', 'FLOAT32', [3]]
    ])
    expect(Array.from(new Int8Array(sg.tensors[1].data!.slice().buffer))).toEqual(Array.from(weights))
    const bias = new DataView(sg.tensors[2].data!.slice().buffer)
    expect([bias.getInt32(0, true), bias.getInt32(4, true)]).toEqual([100, -70000])
    const f = new DataView(sg.tensors[4].data!.slice().buffer)
    expect(f.getFloat32(8, true)).toBe(Math.fround(1e-3))
    expect(sg.tensors[1].quantization).toMatchObject({ scale: [Math.fround(0.1), Math.fround(0.2)], zeroPoint: [0, 0], quantizedDimension: 0 })
    expect(sg.tensors[3].quantization).toMatchObject({ scale: [0.25], zeroPoint: [7], min: [-2], max: [60] })
    expect(sg.tensors[4].quantization).toBeNull()
  })

  it('writes operators with versions, options and both builtin code fields', () => {
    expect(sg.operators.map((o) => [o.builtin, o.version])).toEqual([
      ['FULLY_CONNECTED', 4],
      ['GELU', 1]
    ])
    expect(sg.operators[0].options.fusedActivation).toBe('RELU')
    expect(sg.operators[0].inputs).toEqual([0, 1, 2])
    expect(sg.inputs).toEqual([0])
    expect(sg.outputs).toEqual([3])
  })
})
