import { describe, expect, it } from 'vitest'
import {
  frexp, multiplyByQuantizedMultiplier, quantizeMultiplier, quantizedActivationRange, roundHalfAwayFromZero, roundingDivideByPOT,
  saturatingRoundingDoublingHighMul, saturatingRoundingMultiplyByPOT
} from '../../../../src/main/core/quant/fixed-point'

/** gemmlowp's SaturatingRoundingDoublingHighMul transcribed with 64-bit BigInt, the way the C++ reads. */
function srdhmReference(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647
  const ab = BigInt(a) * BigInt(b)
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n)
  return Number((ab + nudge) / (1n << 31n)) // BigInt division truncates like C++
}

describe('fixed-point arithmetic (gemmlowp / TFLite common.h)', () => {
  it('SaturatingRoundingDoublingHighMul matches the 64-bit definition, including extremes', () => {
    const special = [0, 1, -1, 2, -2, 3, -3, 1 << 30, -(1 << 30), 2147483647, -2147483648, 1073741823, -1073741825, 65535, -65536, 65536]
    for (const a of special) for (const b of special) expect(saturatingRoundingDoublingHighMul(a, b), `${a} x ${b}`).toBe(srdhmReference(a, b))
    let s = 12345
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) | 0)
    for (let i = 0; i < 5000; i++) {
      const a = next()
      const b = i % 3 === 0 ? next() >> (i % 17) : next()
      expect(saturatingRoundingDoublingHighMul(a, b)).toBe(srdhmReference(a, b))
    }
  })

  it('rounds ties the gemmlowp way: SRDHM ties go up, RoundingDivideByPOT ties go away from zero', () => {
    expect(saturatingRoundingDoublingHighMul(3, 1 << 30)).toBe(2) // 1.5 -> 2
    expect(saturatingRoundingDoublingHighMul(-3, 1 << 30)).toBe(-1) // -1.5 -> -1
    expect(roundingDivideByPOT(5, 1)).toBe(3)
    expect(roundingDivideByPOT(-5, 1)).toBe(-3)
    expect(roundingDivideByPOT(-4, 1)).toBe(-2)
    expect(roundingDivideByPOT(7, 2)).toBe(2)
    expect(roundingDivideByPOT(-6, 2)).toBe(-2)
    expect(roundingDivideByPOT(-197, 2)).toBe(-49)
    expect(saturatingRoundingMultiplyByPOT(1 << 29, 2)).toBe(2147483647)
    expect(saturatingRoundingMultiplyByPOT(-(1 << 29) - 1, 2)).toBe(-2147483648)
  })

  it('QuantizeMultiplier: Q31 multiplier and shift like tflite', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 1 << 30, shift: 0 })
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 1 << 30, shift: 1 })
    expect(quantizeMultiplier(0.25)).toEqual({ multiplier: 1 << 30, shift: -1 })
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 })
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 })
    // Rounds up to 2^31: folded into the shift.
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 1 << 30, shift: 1 })
    // Below 2^-31 it flushes to zero.
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 })
    expect(frexp(0.1)).toEqual({ fraction: 0.8, exponent: -3 })
    expect(frexp(5e-324).exponent).toBe(-1073)
  })

  it('MultiplyByQuantizedMultiplier rounds twice, as TFLM does (TFLITE_SINGLE_ROUNDING off)', () => {
    const m = (x: number, real: number): number => {
      const q = quantizeMultiplier(real)
      return multiplyByQuantizedMultiplier(x, q.multiplier, q.shift)
    }
    expect(m(190, 0.125)).toBe(24) // 23.75
    expect(m(-395, 0.125)).toBe(-49) // -49.375
    expect(m(100, 3)).toBe(300) // left shift path
    // 17 x 0.25 = 4.25, yet TFLM gives 5: SRDHM rounds 8.5 up to 9, then 9 / 2 = 4.5 rounds away to 5.
    expect(m(17, 0.25)).toBe(5)
    // hello_world layer 1, input -124: 4972 x 0.011363... = 56.4997 becomes 57 the same way.
    const real = (Math.fround(0.01332512404769659) * Math.fround(0.010894655250012875)) / Math.fround(0.012775269336998463)
    expect(4972 * real).toBeLessThan(56.5)
    expect(m(4972, real)).toBe(57)
  })

  it('activation ranges are clamps in the output integer domain', () => {
    expect(quantizedActivationRange('NONE', 0.1, 3)).toEqual({ min: -128, max: 127 })
    expect(quantizedActivationRange('RELU', 0.1, 3)).toEqual({ min: 3, max: 127 })
    expect(quantizedActivationRange('RELU6', 0.5, -10)).toEqual({ min: -10, max: 2 })
    expect(quantizedActivationRange('RELU_N1_TO_1', 0.25, 0)).toEqual({ min: -4, max: 4 })
    expect(roundHalfAwayFromZero(-2.5)).toBe(-3)
    expect(roundHalfAwayFromZero(2.5)).toBe(3)
  })
})
