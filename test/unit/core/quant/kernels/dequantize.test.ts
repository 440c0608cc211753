import { describe, expect, it } from 'vitest'
import { dequantize } from '../../../../../src/main/core/quant/kernels/dequantize'
import { float16BitsToFloat32 } from '../../../../../src/main/core/quant/quantize'
import { node, runKernel, tensor } from './kernel-helpers'

describe('DEQUANTIZE golden values', () => {
  it('int8 -> float32: scale x (q - zero point)', () => {
    const n = node('DEQUANTIZE', [tensor('INT8', [4], [-128, -3, 0, 127], { scale: 0.5, zeroPoint: -3 })], [tensor('FLOAT32', [4], null)])
    expect(runKernel(dequantize, n)).toEqual([-62.5, 0, 1.5, 65])
  })

  it('float16 -> float32 exactly (TFLite runs it, TFLM does not)', () => {
    // 0x3c00 = 1, 0xc000 = -2, 0x3555 = 0.333251953125, 0x0001 = 2^-24, 0x7bff = 65504
    const n = node('DEQUANTIZE', [tensor('FLOAT16', [5], [0x3c00, 0xc000, 0x3555, 0x0001, 0x7bff])], [tensor('FLOAT32', [5], null)])
    expect(runKernel(dequantize, n)).toEqual([1, -2, 0.333251953125, 2 ** -24, 65504])
    expect(float16BitsToFloat32(0x7c00)).toBe(Infinity)
  })
})
