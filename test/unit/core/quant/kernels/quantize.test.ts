import { describe, expect, it } from 'vitest'
import { quantize } from '../../../../../src/main/core/quant/kernels/quantize'
import { node, runKernel, tensor } from './kernel-helpers'

describe('QUANTIZE golden values', () => {
  it('float32 -> int8: round(x / scale) half away from zero, + zero point, clamped', () => {
    // scale 0.5, zp -3: 1.25 -> 2.5 -> 3 -> 0 ; -1.25 -> -2.5 -> -3 -> -6 ; 100 -> clamp 127 ; -100 -> -128
    const n = node('QUANTIZE', [tensor('FLOAT32', [5], [1.25, -1.25, 0, 100, -100])], [tensor('INT8', [5], null, { scale: 0.5, zeroPoint: -3 })])
    expect(runKernel(quantize, n)).toEqual([0, -6, -3, 127, -128])
  })

  it('int8 -> int8 requantize with a fixed-point multiplier', () => {
    // (q - 1) x (0.5 / 0.25) + 4: 1 -> 4, 11 -> 24, -9 -> -16, 100 -> clamp 127
    const n = node('QUANTIZE', [tensor('INT8', [4], [1, 11, -9, 100], { scale: 0.5, zeroPoint: 1 })], [tensor('INT8', [4], null, { scale: 0.25, zeroPoint: 4 })])
    expect(runKernel(quantize, n)).toEqual([4, 24, -16, 127])
  })
})
