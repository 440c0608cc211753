import { describe, expect, it } from 'vitest'
import {
  SOFTMAX_OUTPUT_PARAMS,
  asymmetricParams,
  biasScale,
  dequantizeValue,
  float16BitsToFloat32,
  float32ToFloat16Bits,
  quantizeBias,
  quantizeValue,
  quantizeWeightsPerChannel,
  quantizeWeightsPerTensor
} from '../../../../src/main/core/quant/quantize'
import { frexp, quantizeMultiplier, roundHalfAwayFromZero } from '../../../../src/main/core/quant/fixed-point'

// Golden values are worked out by hand in the comments, not produced by the code under test.

describe('quantizeMultiplier (TFLite QuantizeMultiplier)', () => {
  it('encodes powers of two as 2^30 with the shift carrying the exponent', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1073741824, shift: 0 })
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1073741824, shift: 1 })
    expect(quantizeMultiplier(2)).toEqual({ multiplier: 1073741824, shift: 2 })
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 1073741824, shift: -1 })
  })

  it('rounds the Q31 fraction', () => {
    // 0.1 = 0.8 * 2^-3; 0.8 * 2^31 = 1717986918.4
    expect(quantizeMultiplier(0.1)).toEqual({ multiplier: 1717986918, shift: -3 })
    // 0.75 * 2^31 = 1610612736 exactly
    expect(quantizeMultiplier(0.375)).toEqual({ multiplier: 1610612736, shift: -1 })
    // 1/3 = 0.666.. * 2^-1; 0.666.. * 2^31 = 1431655765.33
    expect(quantizeMultiplier(1 / 3)).toEqual({ multiplier: 1431655765, shift: -1 })
  })

  it('folds a fraction that rounds up to 2^31 into the shift', () => {
    // frexp(1 - 2^-40) = (1 - 2^-40, 0); * 2^31 rounds to 2^31 -> 2^30 with shift 1
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1073741824, shift: 1 })
  })

  it('flushes multipliers below 2^-32 to zero and keeps zero at zero', () => {
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 })
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 })
    // 2^-32 = 0.5 * 2^-31: still representable
    expect(quantizeMultiplier(2 ** -32)).toEqual({ multiplier: 1073741824, shift: -31 })
  })

  it('handles a typical conv rescale (input 0.05 * weight 0.004 / output 0.1)', () => {
    // 0.002 = 0.512 * 2^-8; 0.512 * 2^31 = 1099511627.776
    expect(quantizeMultiplier(0.002)).toEqual({ multiplier: 1099511628, shift: -8 })
  })

  it('frexp matches C for normal and subnormal numbers', () => {
    expect(frexp(8)).toEqual({ fraction: 0.5, exponent: 4 })
    expect(frexp(-3)).toEqual({ fraction: -0.75, exponent: 2 })
    expect(frexp(2 ** -1074)).toEqual({ fraction: 0.5, exponent: -1073 })
  })
})

describe('activation params (asymmetric int8)', () => {
  it('maps a symmetric range with zero point -1 after float32 rounding', () => {
    // scale = 2/255; zero_point_from_min = -128 + 127.5 (slightly less in float32) -> -0.5000076 -> -1
    expect(asymmetricParams(-1, 1)).toEqual({ scale: Math.fround(2 / 255), zeroPoint: -1 })
  })

  it('forces the range to include zero', () => {
    expect(asymmetricParams(0, 6)).toEqual({ scale: Math.fround(6 / 255), zeroPoint: -128 })
    expect(asymmetricParams(2, 5)).toEqual({ scale: Math.fround(5 / 255), zeroPoint: -128 })
    expect(asymmetricParams(-3, -1)).toEqual({ scale: Math.fround(3 / 255), zeroPoint: 127 })
  })

  it('gives an all-zero tensor a usable scale', () => {
    expect(asymmetricParams(0, 0)).toEqual({ scale: 1, zeroPoint: -128 })
  })

  it('rejects ranges a broken model produces', () => {
    expect(() => asymmetricParams(Number.NaN, 1)).toThrow(/observed range is \[NaN, 1\]/)
  })

  it('quantizes with round half away from zero and clamps', () => {
    const p = { scale: 0.5, zeroPoint: -10 }
    expect(quantizeValue(1.25, p)).toBe(-7) // 2.5 -> 3
    expect(quantizeValue(-1.25, p)).toBe(-13) // -2.5 -> -3
    expect(quantizeValue(1000, p)).toBe(127)
    expect(quantizeValue(-1000, p)).toBe(-128)
    expect(dequantizeValue(-7, p)).toBe(1.5)
    expect(roundHalfAwayFromZero(-0.5)).toBe(-1)
  })

  it('uses the fixed softmax output params', () => {
    expect(SOFTMAX_OUTPUT_PARAMS).toEqual({ scale: 0.00390625, zeroPoint: -128 })
  })
})

describe('weights (symmetric int8) and bias (int32)', () => {
  const w = Float32Array.from([1, -2.54, 0.5, 0.1, 0.2, -0.3])

  it('per-channel along the output channel of a [2, 3] FULLY_CONNECTED weight', () => {
    const q = quantizeWeightsPerChannel(w, [2, 3], 0)
    // channel 0: absmax 2.54 -> scale 0.02: 50, -127, 25; channel 1: absmax 0.3: 42.33, 84.67, -127
    expect(Array.from(q.scales)).toEqual([Math.fround(0.02), Math.fround(0.3 / 127)])
    expect(Array.from(q.values)).toEqual([50, -127, 25, 42, 85, -127])
    expect(q.quantizedDimension).toBe(0)
  })

  it('per-channel along the last axis of a DEPTHWISE_CONV_2D [1, 1, 2, 2] filter', () => {
    const q = quantizeWeightsPerChannel(Float32Array.from([1, 3, -0.25, -4]), [1, 1, 2, 2], 3)
    // channel 0 holds 1, -0.25 (scale 1/127); channel 1 holds 3, -4 (scale 4/127): 95.25 -> 95
    expect(Array.from(q.scales)).toEqual([Math.fround(1 / 127), Math.fround(4 / 127)])
    expect(Array.from(q.values)).toEqual([127, 95, -32, -127])
    expect(q.quantizedDimension).toBe(3)
  })

  it('per-tensor uses one scale and never -128', () => {
    const q = quantizeWeightsPerTensor(w)
    expect(Array.from(q.scales)).toEqual([Math.fround(0.02)])
    expect(Array.from(q.values)).toEqual([50, -127, 25, 5, 10, -15])
  })

  it('gives an all-zero channel scale 1', () => {
    const q = quantizeWeightsPerChannel(Float32Array.from([0, 0, 1, -1]), [2, 2], 0)
    expect(Array.from(q.scales)).toEqual([1, Math.fround(1 / 127)])
    expect(Array.from(q.values)).toEqual([0, 0, 127, -127])
  })

  it('quantizes bias with scale input_scale * weight_scale per channel', () => {
    const b = quantizeBias(Float32Array.from([0.5, -1]), 0.1, Float32Array.from([0.01, 0.02]))
    expect(Array.from(b.values)).toEqual([500, -500])
    expect(b.scales[0]).toBe(biasScale(0.1, 0.01))
    expect(b.scales[0]).toBeCloseTo(0.001, 9)
  })

  it('clamps a bias that does not fit in int32', () => {
    const b = quantizeBias(Float32Array.from([1e6, -1e6]), 1e-5, Float32Array.of(1e-5))
    expect(Array.from(b.values)).toEqual([2147483647, -2147483648])
  })
})

describe('float16', () => {
  it('converts exactly representable values', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00)
    expect(float32ToFloat16Bits(-2)).toBe(0xc000)
    expect(float32ToFloat16Bits(0)).toBe(0x0000)
    expect(float32ToFloat16Bits(-0)).toBe(0x8000)
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff)
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400)
  })

  it('rounds to nearest, ties to even', () => {
    expect(float32ToFloat16Bits(0.1)).toBe(0x2e66)
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00) // tie between 0x3c00 and 0x3c01 -> even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02) // tie between 0x3c01 and 0x3c02 -> even
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff) // below the 65520 halfway point
  })

  it('overflows to infinity and keeps infinities and NaN', () => {
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00) // tie with 65536 rounds to even = infinity
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00)
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00)
    const nan = float32ToFloat16Bits(Number.NaN)
    expect(nan & 0x7c00).toBe(0x7c00)
    expect(nan & 0x3ff).not.toBe(0)
  })

  it('produces subnormals and underflows with correct rounding', () => {
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001)
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000) // tie between 0 and 2^-24 -> even
    expect(float32ToFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001)
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002) // 1.5 ulp -> tie -> even (2)
    expect(float32ToFloat16Bits((1023 / 1024) * 2 ** -14)).toBe(0x03ff)
    expect(float32ToFloat16Bits((2047 / 2048) * 2 ** -14)).toBe(0x0400) // rounds up into the normals
    expect(float32ToFloat16Bits(-(2 ** -30))).toBe(0x8000)
  })

  it('converts back', () => {
    expect(float16BitsToFloat32(0x7bff)).toBe(65504)
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24)
    expect(float16BitsToFloat32(0x03ff)).toBe((1023 / 1024) * 2 ** -14)
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125)
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity)
    expect(float16BitsToFloat32(0xfc00)).toBe(-Infinity)
    expect(float16BitsToFloat32(0x7e00)).toBeNaN()
    expect(Object.is(float16BitsToFloat32(0x8000), -0)).toBe(true)
  })

  it('round-trips every finite half', () => {
    const wrong: number[] = []
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) !== 0x7c00 && float32ToFloat16Bits(float16BitsToFloat32(h)) !== h) wrong.push(h)
    }
    expect(wrong).toEqual([])
  })
})
