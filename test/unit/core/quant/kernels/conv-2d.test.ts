import { describe, expect, it } from 'vitest'
import { conv2d } from '../../../../../src/main/core/quant/kernels/conv-2d'
import { node, runKernel, tensor } from './kernel-helpers'

describe('CONV_2D golden values', () => {
  // Input 3x3x1 = 1..9, scale 0.5, zero point -1, so the kernel sees e = x + 1:
  //   2 3 4 / 5 6 7 / 8 9 10
  // Channel 0 filter [[1, 0], [0, 1]] (scale 1):   sums 8 10 14 16, bias 1 -> 9 11 15 17, x 0.5
  //   -> 4.5 5.5 7.5 8.5 -> 5 6 8 9 (ties away from zero)
  // Channel 1 filter [[0, 2], [-1, 0]] (scale 0.5): sums 1 2 4 5, bias 13 -> 14 15 17 18, x 0.25
  //   -> 3.5 3.75 4.25 4.5 -> 4 4 5 5. Note 4.25 -> 5: TFLM's double rounding (see fixed-point.test.ts).
  const inputs = () => [
    tensor('INT8', [1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9], { scale: 0.5, zeroPoint: -1 }),
    tensor('INT8', [2, 2, 2, 1], [1, 0, 0, 1, 0, 2, -1, 0], { scale: [1, 0.5], dim: 0 }),
    tensor('INT32', [2], [1, 13], { scale: [0.5, 0.25] })
  ]

  it('int8 per-channel, VALID, stride 1', () => {
    const n = node('CONV_2D', inputs(), [tensor('INT8', [1, 2, 2, 2], null, { scale: 1, zeroPoint: 0 })], { padding: 'VALID', strideW: 1, strideH: 1 })
    expect(runKernel(conv2d, n)).toEqual([5, 4, 6, 4, 8, 5, 9, 5])
  })

  it('int8 SAME padding keeps 3x3 and skips the padded cells', () => {
    // Channel 0 at the bottom-right corner (2,2) only sees e[2][2] = 10: 10 + 1 = 11 -> 5.5 -> 6.
    const n = node('CONV_2D', inputs(), [tensor('INT8', [1, 3, 3, 2], null, { scale: 1, zeroPoint: 0 })], { padding: 'SAME', strideW: 1, strideH: 1 })
    const out = runKernel(conv2d, n)
    expect(out.length).toBe(18)
    expect(out.slice(0, 2)).toEqual([5, 4])
    expect(out[16]).toBe(6)
  })

  it('int8 stride 2 and output zero point with RELU', () => {
    const n = node('CONV_2D', inputs(), [tensor('INT8', [1, 1, 1, 2], null, { scale: 1, zeroPoint: -6 })], {
      padding: 'VALID', strideW: 2, strideH: 2, fusedActivation: 'RELU'
    })
    // Only the top-left window: [5 - 6, 4 - 6] = [-1, -2], RELU clamps at the zero point -6: unchanged.
    expect(runKernel(conv2d, n)).toEqual([-1, -2])
  })

  it('float32, as a Conv1D on a [1, 1, W, C] view', () => {
    // x = [1, 2, 3, 4] (W = 4, C = 1), kernel width 2 = [1, -1], bias 0.5: [1-2, 2-3, 3-4] + 0.5
    const n = node(
      'CONV_2D',
      [tensor('FLOAT32', [1, 1, 4, 1], [1, 2, 3, 4]), tensor('FLOAT32', [1, 1, 2, 1], [1, -1]), tensor('FLOAT32', [1], [0.5])],
      [tensor('FLOAT32', [1, 1, 3, 1], null)],
      { padding: 'VALID', strideW: 1, strideH: 1 }
    )
    expect(runKernel(conv2d, n)).toEqual([-0.5, -0.5, -0.5])
  })

  it('dilation 2 reaches two cells apart', () => {
    const n = node(
      'CONV_2D',
      [tensor('FLOAT32', [1, 1, 5, 1], [1, 2, 3, 4, 5]), tensor('FLOAT32', [1, 1, 2, 1], [1, 10]), null],
      [tensor('FLOAT32', [1, 1, 3, 1], null)],
      { padding: 'VALID', strideW: 1, strideH: 1, dilationW: 2, dilationH: 1 }
    )
    expect(runKernel(conv2d, n)).toEqual([31, 42, 53])
  })

  it('refuses a stride or dilation below 1, and takes 1 for one left out', () => {
    const conv = (options: Parameters<typeof node>[3]) =>
      node('CONV_2D', [tensor('FLOAT32', [1, 1, 5, 1], [1, 2, 3, 4, 5]), tensor('FLOAT32', [1, 1, 2, 1], [1, 10]), null], [tensor('FLOAT32', [1, 1, 4, 1], null)], options)
    expect(() => conv2d(conv({ padding: 'VALID', strideW: 0, strideH: 1 }))).toThrow(/has a stride or dilation below 1/)
    expect(() => conv2d(conv({ padding: 'VALID', strideW: 1, strideH: 1, dilationH: 0 }))).toThrow(/has a stride or dilation below 1/)
    expect(runKernel(conv2d, conv({ padding: 'VALID' }))).toEqual([21, 32, 43, 54])
  })
})
