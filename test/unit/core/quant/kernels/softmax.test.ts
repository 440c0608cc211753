import { describe, expect, it } from 'vitest'
import { expOnNegativeValues, getReciprocal, oneOverOnePlusXForXIn01, softmax, softmaxInt8Params } from '../../../../../src/main/core/quant/kernels/softmax'
import { node, runKernel, tensor } from './kernel-helpers'

const int8Softmax = (values: number[], inputScale: number, depth = values.length) =>
  runKernel(
    softmax,
    node('SOFTMAX', [tensor('INT8', [values.length / depth, depth], values, { scale: inputScale, zeroPoint: 0 })], [tensor('INT8', [values.length / depth, depth], null, { scale: 1 / 256, zeroPoint: -128 })], { beta: 1 })
  )

describe('SOFTMAX int8, TFLM reference (gemmlowp fixed point)', () => {
  it('hand-derived: n equal inputs give 1/n (2 -> 0 = 0.5, 4 -> -64 = 0.25, 1 -> saturates at 127)', () => {
    // Each exp is One (2^31 - 1) -> Q12.19 contribution 2^19. Two of them sum to 2^20: the
    // reciprocal of 2.0 is 0.5 with num_bits_over_unit 1, so the output is 2^31 / 2^24 = 128 -> 0.
    expect(int8Softmax([5, 5], 0.1)).toEqual([0, 0])
    expect(int8Softmax([-7, -7, -7, -7], 0.1)).toEqual([-64, -64, -64, -64])
    expect(int8Softmax([42], 0.1)).toEqual([127])
  })

  it('gemmlowp building blocks track exp and 1/(1+x)', () => {
    expect(expOnNegativeValues(0)).toBe(2147483647)
    // Q5.26 -1.0 -> exp(-1): the polynomial for exp on [-1/4, 0) is good to about 1e-7.
    expect(Math.abs(expOnNegativeValues(-(1 << 26)) - 790015084)).toBeLessThan(400)
    for (const x of [-0.01, -0.3, -1.7, -5, -12.5, -31]) {
      const got = expOnNegativeValues(Math.round(x * 2 ** 26)) / 2 ** 31
      expect(Math.abs(got - Math.exp(x))).toBeLessThan(2e-7)
    }
    for (const x of [0, 0.1, 0.5, 0.9, 0.999]) {
      expect(Math.abs(oneOverOnePlusXForXIn01(Math.round(x * 2 ** 31)) / 2 ** 31 - 1 / (1 + x))).toBeLessThan(1e-8)
    }
    // 3.0 in Q12.19 is 1.5 x 2^1: the reciprocal comes back as 1/1.5 = 0.6667 with one bit over the unit.
    const r = getReciprocal(3 << 19, 12)
    expect(r.numBitsOverUnit).toBe(1)
    expect(Math.abs(r.scale / 2 ** 31 - 2 / 3)).toBeLessThan(1e-8)
  })

  it('input scaling and diff_min follow PreprocessSoftmaxScaling / CalculateInputRadius', () => {
    const p = softmaxInt8Params(1, Math.fround(0.1), 1, 5)
    // 0.1 x 2^26 = 6710886.4 -> frexp: 0.8 x 2^23
    expect(p.inputLeftShift).toBe(23)
    expect(p.inputMultiplier).toBe(Math.round(Math.fround(0.1) * 2 ** 26 / 2 ** 23 * 2 ** 31))
    expect(p.diffMin).toBe(-Math.floor((31 * 2 ** 26) / 2 ** 23))
  })

  it("TFLM's softmax_test data (input scale 0.1): within one step of the float golden, as TFLM's own test allows", () => {
    const input = [1, 2, 3, 4, 5, -1, -2, -3, -4, -5]
    const golden = [0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647, 0.636408647, 0.234121657, 0.086128544, 0.031684921, 0.011656231]
    const q = input.map((x) => Math.round(x / 0.1))
    const out = int8Softmax(q, 0.1, 5)
    for (let i = 0; i < out.length; i++) expect(Math.abs(out[i] - (Math.round(golden[i] * 256) - 128))).toBeLessThanOrEqual(1)
    // Rows are independent and symmetric here.
    expect(out.slice(5)).toEqual(out.slice(0, 5).reverse())
  })

  it('large gaps drop below diff_min to exactly -128', () => {
    expect(int8Softmax([127, -128], 1)).toEqual([127, -128])
  })

  it('refuses an output quantization TFLM would refuse', () => {
    const n = node('SOFTMAX', [tensor('INT8', [1, 2], [1, 2], { scale: 0.1 })], [tensor('INT8', [1, 2], null, { scale: 0.1, zeroPoint: 0 })], { beta: 1 })
    expect(() => softmax(n)).toThrow(/1\/256/)
  })
})

describe('SOFTMAX float32', () => {
  it("matches TFLM's float golden within 1e-6", () => {
    const out = runKernel(softmax, node('SOFTMAX', [tensor('FLOAT32', [1, 5], [1, 2, 3, 4, 5])], [tensor('FLOAT32', [1, 5], null)], { beta: 1 }))
    const golden = [0.011656231, 0.031684921, 0.086128544, 0.234121657, 0.636408647]
    out.forEach((v, i) => expect(v).toBeCloseTo(golden[i], 6))
  })
})
