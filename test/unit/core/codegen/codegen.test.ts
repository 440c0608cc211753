import { describe, expect, it } from 'vitest'
import { cDouble, cFloat, cIdentifier, cInt32 } from '../../../../src/main/core/codegen/c-literals'
import { activationRange } from '../../../../src/main/core/codegen/fixed-point'
import { planGreedy } from '../../../../src/main/core/arena/greedy-plan'
import { generateModelData } from '../../../../src/main/core/codegen/model-data'
import { generatePreprocessingHeader, normalizePreprocessing, sensorChannel } from '../../../../src/main/core/codegen/preprocessing-header'
import { frexp, quantizeMultiplier } from '../../../../src/main/core/quant/fixed-point'
import { meanMultiplier } from '../../../../src/main/core/quant/kernels/mean'

describe('fixed-point preparation matches the interpreter', () => {
  it('quantizeMultiplier and frexp, as the generator takes them from quant/fixed-point', () => {
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 })
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 })
    expect(frexp(1)).toEqual({ fraction: 0.5, exponent: 1 })
  })

  it('fused activation ranges: the int8 clamps TFLite computes (zero point + round(limit / scale), within -128..127)', () => {
    // [scale, zero point, relu, relu6, relu_n1_to_1] worked out by hand from CalculateActivationRangeQuantized.
    const cases: Array<[number, number, [number, number], [number, number], [number, number]]> = [
      [0.1, 5, [5, 127], [5, 65], [-5, 15]],
      [0.05, -10, [-10, 127], [-10, 110], [-30, 10]],
      [0.0234, -128, [-128, 127], [-128, 127], [-128, -85]],
      [6 / 255, -128, [-128, 127], [-128, 127], [-128, -85]],
      [0.01, 20, [20, 127], [20, 127], [-80, 120]]
    ]
    for (const [scale, zp, relu, relu6, n1to1] of cases) {
      const range = ([min, max]: [number, number]) => ({ min, max })
      expect(activationRange('relu', scale, zp)).toEqual(range(relu))
      expect(activationRange('relu6', scale, zp)).toEqual(range(relu6))
      expect(activationRange('relu_n1_to_1', scale, zp)).toEqual(range(n1to1))
      expect(activationRange('none', scale, zp)).toEqual({ min: -128, max: 127 })
    }
  })

  it('mean multiplier folds 1/count like QuantizedMeanOrSum', () => {
    const base = quantizeMultiplier(0.05 / 0.04)
    const m = meanMultiplier(0.05, 0.04, 15)
    expect(m.shift).toBe(base.shift - 3)
    expect(m.multiplier).toBe(Math.floor((base.multiplier * 8) / 15))
  })
})

describe('greedy arena planner (C runtime and TFLM)', () => {
  it('shares bytes between tensors that are never alive together', () => {
    const plan = planGreedy(
      [
        { id: 0, name: 'in', size: 180, firstOp: -1, lastOp: 0 },
        { id: 1, name: 'a', size: 50, firstOp: 0, lastOp: 1 },
        { id: 2, name: 'b', size: 15, firstOp: 1, lastOp: 2 },
        { id: 3, name: 'out', size: 2, firstOp: 2, lastOp: 3 }
      ],
      16
    )
    const offset = new Map(plan.buffers.map((b) => [b.id, b.offset]))
    // The output (never alive with the input) goes first among the two 16-byte buffers and takes
    // offset 0 beside nothing; the input's 192 bytes and the 64 above it are all the arena needs.
    expect(offset.get(3)).toBe(offset.get(0))
    expect(plan.bytes).toBe(192 + 64)
    for (const [a, b] of [[0, 1], [1, 2], [2, 3]]) expect(offset.get(a) === offset.get(b)).toBe(false)
  })
})

describe('C literals', () => {
  it('round-trip exactly and stay valid C', () => {
    expect(cFloat(0.1)).toBe('0.100000001f')
    expect(cFloat(2)).toBe('2.00000000f')
    expect(Number(cDouble(0.024480115622282028))).toBe(0.024480115622282028)
    expect(cInt32(-2147483648)).toBe('(-2147483647 - 1)')
    expect(cIdentifier('sequential/dense_1/MatMul;Relu')).toBe('sequential_dense_1_MatMul_Relu')
    expect(cIdentifier('9lives')).toBe('_9lives')
  })
})

describe('model_data like xxd -i', () => {
  it('writes every byte, the length and 16-byte alignment', () => {
    const bytes = Uint8Array.from({ length: 30 }, (_, i) => i * 9)
    const [h, cc] = generateModelData(bytes, { source: 'int8 */ model' })
    expect(h.path).toBe('model_data.h')
    expect(h.contents).toContain('extern const unsigned int g_model_data_len;')
    expect(cc.contents).toContain('alignas(16) const unsigned char g_model_data[] = {')
    expect(cc.contents).toContain('const unsigned int g_model_data_len = 30;')
    expect(cc.contents).not.toContain('*/ model')
    const hex = cc.contents.match(/0x[0-9a-f]{2}/g)!.map((x) => parseInt(x, 16))
    expect(hex).toEqual([...bytes])
  })
})

describe('preprocessing for firmware', () => {
  it('maps axis names to the six sensor channels', () => {
    expect(['aX', 'accY', 'acc_z', 'gX', 'gyroY', 'GYR_Z', 'mX'].map(sensorChannel)).toEqual([0, 1, 2, 3, 4, 5, -1])
  })

  it('accepts the training recipe and the simple minmax / zscore forms', () => {
    const recipe = normalizePreprocessing({ version: 1, axes: ['aX', 'gZ'], windowLength: 119, method: 'fixed-range', offset: [-4, -2000], scale: [0.125, 0.00025] }, { axes: [], windowLength: null })
    expect(recipe).toEqual({ axes: ['aX', 'gZ'], windowLength: 119, offset: [-4, -2000], scale: [0.125, 0.00025], method: 'fixed-range', removeWindowMean: false })
    const windowOffset = normalizePreprocessing({ version: 1, axes: ['aX'], windowLength: 50, method: 'window-offset', offset: [0.9], scale: [3], removeWindowMean: true }, { axes: [], windowLength: null })
    expect(windowOffset.removeWindowMean).toBe(true)
    expect(generatePreprocessingHeader(windowOffset, { classes: ['a', 'b'], sampleRateHz: 50 }).contents).toMatch(/#define MF_REMOVE_WINDOW_MEAN 1/)
    expect(generatePreprocessingHeader(recipe, { classes: ['a', 'b'], sampleRateHz: 50 }).contents).toMatch(/#define MF_REMOVE_WINDOW_MEAN 0/)
    const minmax = normalizePreprocessing({ kind: 'minmax', min: [0, -2], max: [4, 2] }, { axes: ['aX', 'aY'], windowLength: 30 })
    expect(minmax.scale).toEqual([0.25, 0.25])
    const z = normalizePreprocessing({ kind: 'zscore', axes: ['aX'], mean: [1], std: [2] }, { axes: [], windowLength: 10 })
    expect(z).toMatchObject({ offset: [1], scale: [0.5] })
    expect(normalizePreprocessing({}, { axes: ['aX'], windowLength: 5 })).toMatchObject({ offset: [0], scale: [1], method: 'none' })
    expect(() => normalizePreprocessing({ kind: 'zscore' }, { axes: ['aX'], windowLength: 5 })).toThrow(/no per-axis numbers/)
    expect(() => normalizePreprocessing({}, { axes: ['aX'], windowLength: null })).toThrow(/window length/)
  })
})
