import { describe, expect, it } from 'vitest'
import { expf, fma } from '../../../../../src/main/core/quant/kernels/expf'

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
const fromBits = (b: number): number => ((u32[0] = b), f32[0])
const bitsOf = (x: number): number => ((f32[0] = x), u32[0])

describe('expf', () => {
  // glibc 2.36 expf on x86-64 (the library behind TFLM's host std::exp(float)), printed by a C
  // program: inputs where Math.exp rounded to float is one bit off.
  const glibc: Array<[number, number, number]> = [
    [0xbb17130b, 0x3f7f691a, 0x3f7f6919],
    [0xbb4ae3d1, 0x3f7f356d, 0x3f7f356c],
    [0xbb79f964, 0x3f7f0681, 0x3f7f0680],
    [0xbb8a57e8, 0x3f7eebe6, 0x3f7eebe5],
    [0xbbb3673f, 0x3f7e9a2d, 0x3f7e9a2c]
  ]
  it.each(glibc)('expf(bits %s) has glibc\'s bits where Math.exp does not', (x, want, mathExp) => {
    expect(bitsOf(expf(fromBits(x)))).toBe(want)
    expect(bitsOf(Math.exp(fromBits(x)))).toBe(mathExp)
  })

  it('handles the edges as glibc does', () => {
    expect(expf(0)).toBe(1)
    expect(expf(-Infinity)).toBe(0)
    expect(expf(Infinity)).toBe(Infinity)
    expect(expf(NaN)).toBeNaN()
    expect(expf(89)).toBe(Infinity)
    // Around the overflow and underflow limits (0x1.62e42ep6, -0x1.9fe368p6), as glibc prints them.
    expect(bitsOf(expf(fromBits(0x42b17216)))).toBe(0x7f7fff04)
    expect(bitsOf(expf(fromBits(0x42b17217)))).toBe(0x7f7fff84)
    expect(bitsOf(expf(fromBits(0x42b17218)))).toBe(0x7f800000)
    expect(bitsOf(expf(fromBits(0xc2cff1b4)))).toBe(0x00000001)
    expect(bitsOf(expf(fromBits(0xc2cff1b5)))).toBe(0x00000000)
    expect(expf(-104)).toBe(0)
    // Just above the float underflow limit: a subnormal float.
    expect(expf(-103)).toBeGreaterThan(0)
    expect(expf(-103)).toBeLessThan(2 ** -126)
  })

  it('fma rounds once: (1 + 2^-52)(1 - 2^-52) - 1 is -2^-104, which a*b + c loses', () => {
    const a = 1 + 2 ** -52
    const b = 1 - 2 ** -52
    expect(a * b - 1).toBe(0)
    expect(fma(a, b, -1)).toBe(-(2 ** -104))
    expect(fma(3, 5, 7)).toBe(22)
    expect(fma(2 ** 600, 2 ** 600, 0)).toBe(Infinity)
  })
})
