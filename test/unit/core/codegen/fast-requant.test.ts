import { describe, expect, it } from 'vitest'
import { applyFastRequant, fastRequant, safeRequant } from '../../../../src/main/core/codegen/c-fast-ops'
import { multiplyByQuantizedMultiplier } from '../../../../src/main/core/quant/fixed-point'
import { mulberry32 } from '../../../../src/main/core/util/random'

/** The reference: MultiplyByQuantizedMultiplier (double rounding) plus the output zero point. */
const reference = (acc: number, mult: number, shift: number, zp: number): number => multiplyByQuantizedMultiplier(acc, mult, shift) + zp

describe('branch-free requantisation of the fast C kernels', () => {
  const r = mulberry32(99)
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1))

  it('equals MultiplyByQuantizedMultiplier + zero point on 20,000 random accumulators, multipliers and shifts', () => {
    let checked = 0
    for (let i = 0; i < 20000; i++) {
      const mult = int(2 ** 30, 2 ** 31 - 1)
      const shift = int(-20, 3)
      const zp = int(-128, 127)
      const acc = int(-(2 ** 24), 2 ** 24)
      const q = fastRequant(mult, shift, zp)
      if (!safeRequant(q, Math.abs(acc))) continue
      expect(applyFastRequant(acc, q), `acc ${acc} mult ${mult} shift ${shift} zp ${zp}`).toBe(reference(acc, mult, shift, zp))
      checked++
    }
    expect(checked).toBeGreaterThan(15000)
  })

  it('rounds exact ties as the reference does, negative ties away from zero', () => {
    // mult 2^30 is 0.5: acc * 0.5 is exact, then the right shift lands on halves.
    for (const shift of [-1, -2, -3, -7]) {
      for (let acc = -300; acc <= 300; acc++) {
        const q = fastRequant(2 ** 30, shift, -5)
        expect(applyFastRequant(acc, q), `acc ${acc} shift ${shift}`).toBe(reference(acc, 2 ** 30, shift, -5))
      }
    }
  })

  it('a zero multiplier and left shifts too', () => {
    expect(applyFastRequant(12345, fastRequant(0, 0, 7))).toBe(reference(12345, 0, 0, 7))
    for (const acc of [-1000, -3, 0, 5, 999]) for (const shift of [1, 2, 4]) expect(applyFastRequant(acc, fastRequant(1518500250, shift, 3))).toBe(reference(acc, 1518500250, shift, 3))
  })

  it('refuses accumulators that could overflow int32 on the way', () => {
    expect(safeRequant(fastRequant(2 ** 30, -8, 0), 2 ** 20)).toBe(true)
    expect(safeRequant(fastRequant(2 ** 30, 4, 0), 2 ** 28)).toBe(false)
    expect(safeRequant(fastRequant(2 ** 30, -24, 127), 1000)).toBe(true)
    expect(safeRequant(fastRequant(2 ** 30, -25, 127), 1000)).toBe(false)
  })
})
