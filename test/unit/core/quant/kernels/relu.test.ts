import { describe, expect, it } from 'vitest'
import { relu, relu6, relu6Int8Bounds, reluInt8Params } from '../../../../../src/main/core/quant/kernels/relu'
import { node, runKernel, tensor } from './kernel-helpers'

describe('RELU / RELU6 golden values', () => {
  it('int8 RELU requantizes to the output scale, then clamps at the output zero point', () => {
    // (q - 4) x (0.5 / 0.25) - 10: 4 -> -10, 10 -> 2, -20 -> -58 -> clamp -10, 100 -> 182 -> 127
    const n = node('RELU', [tensor('INT8', [4], [4, 10, -20, 100], { scale: 0.5, zeroPoint: 4 })], [tensor('INT8', [4], null, { scale: 0.25, zeroPoint: -10 })])
    expect(runKernel(relu, n)).toEqual([-10, 2, -10, 127])
  })

  it('int8 RELU6 clamps in the input domain and ignores the output quantization', () => {
    // six = round(6 / 0.1) + 3 = 63, zero = 3, whatever the output tensor says.
    const n = node('RELU6', [tensor('INT8', [5], [-128, 2, 3, 40, 127], { scale: 0.1, zeroPoint: 3 })], [tensor('INT8', [5], null, { scale: 6 / 255, zeroPoint: -128 })])
    expect(runKernel(relu6, n)).toEqual([3, 3, 3, 40, 63])
  })

  it('RELU6 bounds: six rounds half away from zero and saturates at 127', () => {
    expect(relu6Int8Bounds({ scale: 0.08, zeroPoint: -10 })).toEqual({ zero: -10, six: 65 }) // 75 - 10
    expect(relu6Int8Bounds({ scale: 0.03, zeroPoint: 5 })).toEqual({ zero: 5, six: 127 }) // 205
  })

  it('the RELU multiplier comes from the scales divided in float32, as the SDK builds TFLM', () => {
    const p = reluInt8Params({ scale: 0.02333127334713936, zeroPoint: -125 }, { scale: 0.044817134737968445, zeroPoint: -99 })
    expect(p).toMatchObject({ multiplier: 1117954688, shift: 0, min: -99 }) // a double division gives 1117954735
  })

  it('float32 RELU/RELU6 clamp and keep -0 and NaN as TFLM does (val < 0 ? 0 : val)', () => {
    const values = [-1, -0, 0.5, 7, NaN, Infinity, -Infinity]
    const r = runKernel(relu, node('RELU', [tensor('FLOAT32', [7], values)], [tensor('FLOAT32', [7], null)]))
    const r6 = runKernel(relu6, node('RELU6', [tensor('FLOAT32', [7], values)], [tensor('FLOAT32', [7], null)]))
    expect(r).toEqual([0, -0, 0.5, 7, NaN, Infinity, 0])
    expect(Object.is(r[1], -0)).toBe(true)
    expect(r6).toEqual([0, -0, 0.5, 6, NaN, 6, 0])
    expect(Object.is(r6[1], -0)).toBe(true)
  })
})
