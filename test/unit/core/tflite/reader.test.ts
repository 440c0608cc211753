import { describe, expect, it } from 'vitest'
import { MicroforgeError } from '../../../../src/shared/errors'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { converterModel } from '../../../helpers/fixtures'
import { buildModel } from '../../../helpers/tflite-builder'

function modelError(bytes: Uint8Array): MicroforgeError {
  try {
    parseTflite(bytes)
  } catch (e) {
    if (e instanceof MicroforgeError) return e
    throw e
  }
  throw new Error('expected a MicroforgeError')
}

describe('reader on converter-made models', () => {
  it('hello_world_int8: three FULLY_CONNECTED v4, int8 in and out', () => {
    const m = parseTflite(converterModel('hello_world_int8'))
    expect(m.schemaVersion).toBe(3)
    const sg = m.subgraphs[0]
    expect(sg.operators.map((o) => `${o.builtin} v${o.version}`)).toEqual(['FULLY_CONNECTED v4', 'FULLY_CONNECTED v4', 'FULLY_CONNECTED v4'])
    expect(sg.operators.map((o) => o.options.fusedActivation)).toEqual(['RELU', 'RELU', 'NONE'])
    const input = sg.tensors[sg.inputs[0]]
    expect(input).toMatchObject({ type: 'INT8', shape: [1, 1], shapeSignature: [-1, 1], data: null })
    expect(input.quantization?.scale[0]).toBeCloseTo(0.02448, 5)
    expect(input.quantization?.zeroPoint).toEqual([-128])
    const bias = sg.tensors[sg.operators[0].inputs[2]]
    expect(bias).toMatchObject({ type: 'INT32', shape: [16], byteSize: 64 })
    expect(bias.data?.byteLength).toBe(64)
    expect(m.sizes.fileBytes).toBe(2704)
  })

  it('old files keep the operator in deprecated_builtin_code (builtin_code 0 would read as ADD)', () => {
    const m = parseTflite(converterModel('gesture_dense_float32'))
    expect(m.subgraphs[0].operators.map((o) => o.builtin)).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX'])
    expect(m.sizes.constantBytes).toBe(36000 + 200 + 3000 + 60 + 120 + 8)
  })

  it('float16 model: FLOAT16 constants and DEQUANTIZE', () => {
    const sg = parseTflite(converterModel('gesture_dense_float16')).subgraphs[0]
    expect(sg.operators.filter((o) => o.builtin === 'DEQUANTIZE')).toHaveLength(6)
    expect(sg.tensors.filter((t) => t.type === 'FLOAT16').every((t) => t.data !== null)).toBe(true)
  })
})

describe('reader on broken input: one typed MODEL_ERROR with a plain sentence', () => {
  it('empty, tiny and non-TFLite files', () => {
    expect(modelError(new Uint8Array(0)).code).toBe('MODEL_ERROR')
    expect(modelError(new Uint8Array(12)).message).toMatch(/not a valid TensorFlow Lite model|damaged/)
    const png = new Uint8Array(64)
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    const e = modelError(png)
    expect(e.message).toMatch(/TFL3/)
    expect(e.hint).toMatch(/\.tflite/)
  })

  it('a truncated model', () => {
    const bytes = converterModel('hello_world_int8')
    const e = modelError(bytes.slice(0, 1500))
    expect(e.code).toBe('MODEL_ERROR')
    expect(e.message).toMatch(/outside the file|damaged/)
  })

  it('an operator that refers to a tensor that does not exist', () => {
    const bytes = buildModel({
      tensors: [{ type: 'FLOAT32', shape: [1, 2] }, { type: 'FLOAT32', shape: [1, 2] }],
      ops: [{ op: 'RELU', inputs: [0], outputs: [5] }],
      inputs: [0],
      outputs: [1]
    })
    expect(modelError(bytes).message).toMatch(/refers to tensor 5, but there are 2/)
  })

  it('weights whose byte count does not match their shape', () => {
    const bytes = buildModel({
      tensors: [{ type: 'FLOAT32', shape: [2, 2], bytes: new Uint8Array(12) }, { type: 'FLOAT32', shape: [2, 2] }],
      ops: [{ op: 'RELU', inputs: [0], outputs: [1] }],
      inputs: [],
      outputs: [1]
    })
    expect(modelError(bytes).message).toMatch(/holds 12 bytes but its shape \[2, 2\] needs 16/)
  })
})
