import { planArena } from '../../../../src/main/core/arena/arena-planner'
import { describe, expect, it } from 'vitest'
import { inspectTflite } from '../../../../src/main/core/inspect/inspect-model'
import { converterModel } from '../../../helpers/fixtures'
import { BuiltinOptions } from '../../../../src/main/core/tflite/schema/tflite/builtin-options'
import { Padding } from '../../../../src/main/core/tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../../../../src/main/core/tflite/schema/tflite/pool2doptions'
import { SoftmaxOptionsT } from '../../../../src/main/core/tflite/schema/tflite/softmax-options'
import { buildModel } from '../../../helpers/tflite-builder'
import { int8Lstm, int8Svdf } from '../../../helpers/recurrent-models'
import { TFLM_EDGE_MODELS } from '../../../helpers/tflm-edge-models'
import { TENSOR_ROLES } from '../../../../src/main/core/tflite/tflm-compat'
import { parseTflite } from '../../../../src/main/core/tflite/reader'

describe('inspector', () => {
  it('hello_world_int8 and gesture_dense_float32 run on TFLM', () => {
    const hello = inspectTflite(converterModel('hello_world_int8'))
    expect(hello.ops).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED'])
    expect(hello.tflmSupported).toBe(true)
    expect(hello.problems).toEqual([])
    expect(hello.inputs).toHaveLength(1)
    expect(hello.inputs[0]).toMatchObject({ type: 'INT8', shape: [1, 1], zeroPoint: -128 })
    expect(hello.inputs[0].scale).toBeCloseTo(0.02448, 5)
    expect(hello.outputs[0]).toMatchObject({ type: 'INT8', shape: [1, 1], zeroPoint: 5 })
    const gesture = inspectTflite(converterModel('gesture_dense_float32'))
    expect(gesture.tflmSupported).toBe(true)
    expect(gesture.inputs[0]).toMatchObject({ type: 'FLOAT32', shape: [1, 180], scale: null, zeroPoint: null })
    expect(gesture.microforgeRunnable).toBe(true)
  })

  it('flags the hybrid (dynamic-range) model: float input, int8 weights', () => {
    const s = inspectTflite(converterModel('gesture_dense_dynamic_range_int8'))
    expect(s.tflmSupported).toBe(false)
    expect(s.problems).toHaveLength(1)
    expect(s.problems[0]).toMatchObject({ kind: 'hybrid', operator: 0 })
    expect(s.problems[0].message).toMatch(/hybrid/)
    // Our interpreter still runs it, so the app can score it.
    expect(s.microforgeRunnable).toBe(true)
  })

  it('flags the float16 model: DEQUANTIZE from float16 and FLOAT16 tensors', () => {
    const s = inspectTflite(converterModel('gesture_dense_float16'))
    expect(s.tflmSupported).toBe(false)
    expect(s.problems.filter((p) => p.kind === 'float16' && p.operator !== null).map((p) => p.operator)).toEqual([0, 1, 3, 4, 6, 7])
    expect(s.problems.some((p) => p.operator === null && /FLOAT16/.test(p.message))).toBe(true)
  })

  it('flags operators TFLM does not have, custom ops and codes newer than the schema', () => {
    const bytes = buildModel({
      tensors: [{ type: 'FLOAT32', shape: [1, 4] }, { type: 'FLOAT32', shape: [1, 4] }, { type: 'FLOAT32', shape: [1, 4] }, { type: 'FLOAT32', shape: [1, 4] }],
      ops: [
        { op: 'RFFT2D', inputs: [0], outputs: [1] },
        { op: 'CUSTOM', inputs: [1], outputs: [2], customCode: 'MyMagic' },
        { op: 'RELU', inputs: [2], outputs: [3] }
      ],
      inputs: [0],
      outputs: [3]
    })
    const s = inspectTflite(bytes)
    expect(s.ops).toEqual(['RFFT2D', 'CUSTOM', 'RELU'])
    expect(s.tflmSupported).toBe(false)
    expect(s.problems.map((p) => [p.kind, p.operator])).toEqual([['unsupported-op', 0], ['custom-op', 1]])
    expect(s.problems[1].message).toMatch(/MyMagic/)
    expect(s.microforgeRunnable).toBe(false)
    expect(s.microforgeProblem).toMatch(/RFFT2D/)
  })

  it('reports sizes: flash, weights and RAM', () => {
    const s = inspectTflite(converterModel('gesture_dense_float32'))
    expect(s.sizes.fileBytes).toBe(40964)
    expect(s.sizes.activationBytes).toBe(720 + 200 + 60 + 8 + 8)
    // TFLM's head: 720 B input + 200 B (-> 208) hidden while the first layer runs, as GreedyMemoryPlanner lays them out.
    expect(s.sizes.arena.tflmPlannedBytes).toBe(928)
    // arena_used_bytes on a Cortex-M4F with CMSIS-NN (checked against TFLM in QEMU by test/tflm/arena.test.ts).
    expect(s.sizes.arena.tflmEstimateBytes).toBe(planArena(parseTflite(converterModel('gesture_dense_float32'))).tflm.totalEstimateBytes)
    expect(s.sizes.arena.tflmEstimateBytes).toBeGreaterThan(928)
    // The C runtime: the same two activations, 16-byte aligned, no bookkeeping.
    expect(s.sizes.arena.runtimeBytes).toBe(928)
  })
})

describe('inspector: int8 quantization TFLM would reject at AllocateTensors', () => {
  it('softmax output not at 1/256 and -128, pooling that rescales, asymmetric FULLY_CONNECTED weights', () => {
    const bytes = buildModel({
      tensors: [
        { type: 'INT8', shape: [1, 1, 4, 2], scale: 0.1, zeroPoint: 0 },
        { type: 'INT8', shape: [1, 1, 2, 2], scale: 0.2, zeroPoint: 0 },
        { type: 'INT8', shape: [2, 4], values: [1, 2, 3, 4, 5, 6, 7, 8], scale: 0.1, zeroPoint: 3 },
        { type: 'INT8', shape: [1, 2], scale: 0.3, zeroPoint: 0 },
        { type: 'INT8', shape: [1, 2], scale: 0.1, zeroPoint: 0 }
      ],
      ops: [
        { op: 'MAX_POOL_2D', inputs: [0], outputs: [1], optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 2, 1, 2, 1) },
        { op: 'FULLY_CONNECTED', inputs: [1, 2, -1], outputs: [3] },
        { op: 'SOFTMAX', inputs: [3], outputs: [4], optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(1) }
      ],
      inputs: [0],
      outputs: [4]
    })
    const s = inspectTflite(bytes)
    expect(s.tflmSupported).toBe(false)
    expect(s.problems.map((p) => [p.kind, p.operator])).toEqual([['quantization', 0], ['quantization', 1], ['quantization', 2]])
    expect(s.problems[2].message).toMatch(/1\/256/)
    expect(inspectTflite(converterModel('hello_world_int8')).problems).toEqual([])
  })
})

describe('inspector: each operator\'s tensor roles (checked against TFLM in test/tflm/inspect-vs-tflm.test.ts)', () => {
  it('accepts the int8 LSTM (input 2 is a weight, biases are inputs 12-15) and the int8 SVDF (int16 time weights), which TFLM runs', () => {
    for (const bytes of [int8Lstm(), int8Svdf()]) {
      const s = inspectTflite(bytes)
      expect(s.problems).toEqual([])
      expect(s.tflmSupported).toBe(true)
    }
  })

  it('flags what TFLM refuses or crashes on, and nothing it loads', () => {
    const verdict = Object.fromEntries(TFLM_EDGE_MODELS.map((m) => [m.name, inspectTflite(m.bytes()).tflmSupported]))
    expect(verdict).toEqual({
      'FULLY_CONNECTED, symmetric weights': true,
      'FULLY_CONNECTED, weight zero point 3': false,
      'FULLY_CONNECTED, int8 bias': true,
      'FULLY_CONNECTED, float32 bias': true,
      'CONV_2D per-channel, symmetric weights': true,
      'CONV_2D per-tensor, weight zero point 2': true,
      'CONV_2D per-channel, weight zero points 0 and 2': true,
      'MAX_POOL_2D keeping the quantization': true,
      'MAX_POOL_2D changing the scale': false,
      'SOFTMAX output 1/256, -128': true,
      'SOFTMAX output 1/128, 0': false
    })
  })

  it('reads the LSTM\'s weights at inputs 1-8 and biases at 12-15; a hybrid LSTM is not flagged, since TFLM loads it', () => {
    const sg = parseTflite(int8Lstm()).subgraphs[0]
    expect(TENSOR_ROLES.UNIDIRECTIONAL_SEQUENCE_LSTM.weights.map((i) => sg.tensors[sg.operators[0].inputs[i]]?.type ?? 'absent')).toEqual([
      'INT8', 'INT8', 'INT8', 'INT8', 'INT8', 'INT8', 'INT8', 'INT8', 'absent', 'absent', 'absent', 'absent'
    ])
    expect(TENSOR_ROLES.UNIDIRECTIONAL_SEQUENCE_LSTM.biases.map((i) => sg.tensors[sg.operators[0].inputs[i]]?.type ?? 'absent')).toEqual(['INT32', 'INT32', 'INT32', 'INT32', 'absent'])
    const hybrid = int8Lstm(31, 'FLOAT32')
    expect(inspectTflite(hybrid).problems).toEqual([])
  })
})
