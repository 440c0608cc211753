import { describe, expect, it } from 'vitest'
import { depthwiseConv2d } from '../../../../../src/main/core/quant/kernels/depthwise-conv-2d'
import { node, runKernel, tensor } from './kernel-helpers'

describe('DEPTHWISE_CONV_2D golden values', () => {
  // Input 2x2x2 (channels interleaved): ch0 = 1 2 3 4, ch1 = -1 -2 -3 -4.
  // ch0 filter all ones -> 10; ch1 filter [1, 0, 0, -1] -> -1 + 4 = 3. Bias [5, -10] -> 15, -7.
  const inputs = () => [
    tensor('INT8', [1, 2, 2, 2], [1, -1, 2, -2, 3, -3, 4, -4], { scale: 1, zeroPoint: 0 }),
    tensor('INT8', [1, 2, 2, 2], [1, 1, 1, 0, 1, 0, 1, -1], { scale: [1, 1], dim: 3 }),
    tensor('INT32', [2], [5, -10], { scale: 1 })
  ]

  it('int8 per-channel', () => {
    const n = node('DEPTHWISE_CONV_2D', inputs(), [tensor('INT8', [1, 1, 1, 2], null, { scale: 1, zeroPoint: 0 })], {
      padding: 'VALID', strideW: 1, strideH: 1, depthMultiplier: 1
    })
    expect(runKernel(depthwiseConv2d, n)).toEqual([15, -7])
  })

  it('int8 RELU6 with output scale 0.5, zero point -10: range [-10, 2]', () => {
    // 15 x 2 - 10 = 20 -> 2 ; -7 x 2 - 10 = -24 -> -10
    const n = node('DEPTHWISE_CONV_2D', inputs(), [tensor('INT8', [1, 1, 1, 2], null, { scale: 0.5, zeroPoint: -10 })], {
      padding: 'VALID', strideW: 1, strideH: 1, depthMultiplier: 1, fusedActivation: 'RELU6'
    })
    expect(runKernel(depthwiseConv2d, n)).toEqual([2, -10])
  })

  it('float32 with depth multiplier 2', () => {
    // One input channel [1, 2] (W = 2), two outputs per channel: filters [1, 1] and [1, -1].
    const n = node(
      'DEPTHWISE_CONV_2D',
      [tensor('FLOAT32', [1, 1, 2, 1], [1, 2]), tensor('FLOAT32', [1, 1, 2, 2], [1, 1, 1, -1]), tensor('FLOAT32', [2], [0, 0.5])],
      [tensor('FLOAT32', [1, 1, 1, 2], null)],
      { padding: 'VALID', strideW: 1, strideH: 1, depthMultiplier: 2 }
    )
    expect(runKernel(depthwiseConv2d, n)).toEqual([3, -0.5])
  })
})
