import { describe, expect, it } from 'vitest'
import { mean, meanMultiplier, planReduction } from '../../../../../src/main/core/quant/kernels/mean'
import { node, runKernel, tensor } from './kernel-helpers'

// [1, 2, 2, 2]: channel 0 = 1 2 3 5, channel 1 = -1 -2 -3 -5 (interleaved)
const values = [1, -1, 2, -2, 3, -3, 5, -5]
const axes = () => tensor('INT32', [2], [1, 2])

describe('MEAN golden values (global average pooling)', () => {
  it('int8, same quantization in and out: still the rounding multiplier path, as TFLM today (11/4 -> 3, -11/4 -> -3; older TFLM truncated to 2, -2)', () => {
    // 0.5 / 0.5 = 1 -> (2^30, shift 1); count 4 -> multiplier 2^30, shift -1; x = sum - 2 * 4.
    // ch0: x = 3: 3 / 2 -> 2, 2 / 2 -> 1, + 2 = 3.   ch1: x = -19: -19 / 2 -> -9, -9 / 2 -> -5, + 2 = -3.
    const n = node('MEAN', [tensor('INT8', [1, 2, 2, 2], values, { scale: 0.5, zeroPoint: 2 }), axes()], [tensor('INT8', [1, 2], null, { scale: 0.5, zeroPoint: 2 })], { keepDims: false })
    expect(runKernel(mean, n)).toEqual([3, -3])
  })

  it('int8 rescaled (QuantizedMeanOrSum): integer multiplier, ties toward +inf where float32 rounds away', () => {
    // 0.5 / 0.25 = 2 -> QuantizeMultiplier (2^30, shift 2); count 4 folds in as s = 2:
    // multiplier (2^30 << 2) / 4 = 2^30, shift 0, so each output is SaturatingRoundingDoublingHighMul(x, 2^30) = x / 2
    // with ties toward +inf, x = sum - 2 * 4.
    // ch0: x = 11 - 8 = 3 -> 1.5 -> 2, - 1 = 1 (float32 path: 1.5 -> 2 -> 1, the same)
    // ch1: x = -11 - 8 = -19 -> -9.5 -> -9, - 1 = -10 (float32 path: -9.5 -> -10 -> -11)
    const n = node('MEAN', [tensor('INT8', [1, 2, 2, 2], values, { scale: 0.5, zeroPoint: 2 }), axes()], [tensor('INT8', [1, 1, 1, 2], null, { scale: 0.25, zeroPoint: -1 })], { keepDims: true })
    expect(runKernel(mean, n)).toEqual([1, -10])
  })

  it('int8, same scale but different zero points: MultiplyByQuantizedMultiplier rounds twice', () => {
    // 0.5 / 0.5 = 1 -> (2^30, shift 1); count 4 -> s = 2: multiplier 2^30, shift -1, so
    // out = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, 2^30), 1) - 1 with x = sum - 2 * 4.
    // ch0: 2 2 2 3, x = 1:  1 / 2 -> 1, 1 / 2 -> 1;   out 0  (float32: 0.25 -> 0, out -1)
    // ch1: 3 3 3 4, x = 5:  5 / 2 -> 3, 3 / 2 -> 2;   out 1  (float32: 1.25 -> 1, out 0)
    // ch2: 0 0 1 1, x = -6: -6 / 2 = -3, -3 / 2 -> -2; out -3 (float32: -1.5 -> -2, out -3)
    const v = [2, 3, 0, 2, 3, 0, 2, 3, 1, 3, 4, 1]
    const n = node('MEAN', [tensor('INT8', [1, 2, 2, 3], v, { scale: 0.5, zeroPoint: 2 }), axes()], [tensor('INT8', [1, 3], null, { scale: 0.5, zeroPoint: -1 })], { keepDims: false })
    expect(runKernel(mean, n)).toEqual([0, 1, -3])
  })

  it('folds 1/count into the multiplier, clamping the extra shift at 31 + shift', () => {
    // 1.25 -> (0.625 * 2^31 = 1342177280, shift 1); count 15 -> s = 3: 1342177280 * 8 / 15 = 715827882.67 -> 715827882
    expect(meanMultiplier(1.25, 1, 15)).toEqual({ multiplier: 715827882, shift: -2 })
    // 2^-31 -> (2^30, shift -30); count 8 wants s = 3 but gets 31 - 30 = 1: 2^31 / 8 = 2^28, shift -31
    expect(meanMultiplier(2 ** -31, 1, 8)).toEqual({ multiplier: 2 ** 28, shift: -31 })
  })

  it('float32', () => {
    const n = node('MEAN', [tensor('FLOAT32', [1, 2, 2, 2], values), axes()], [tensor('FLOAT32', [1, 2], null)], { keepDims: false })
    expect(runKernel(mean, n)).toEqual([2.75, -2.75])
  })

  it('negative axes and a Conv1D-style [1, W, C] input', () => {
    const plan = planReduction([1, 3, 2], [-2])
    expect(Array.from(plan.outputIndex)).toEqual([0, 1, 0, 1, 0, 1])
    expect(plan.reducedCount).toBe(3)
  })
})
