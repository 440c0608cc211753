import { describe, expect, it } from 'vitest'
import { fullyConnected } from '../../../../../src/main/core/quant/kernels/fully-connected'
import { node, runKernel, tensor } from './kernel-helpers'

describe('FULLY_CONNECTED golden values', () => {
  // input q = [10, -20, 30], scale 0.5, zero point -5 (so q - zp = [15, -15, 35])
  // weights [[1, 2, 3], [-4, 5, -6]], bias [100, -50], output scale 1, zero point 3
  // acc0 = 15 - 30 + 105 + 100 = 190 -> x 0.125 = 23.75 -> 24 -> + 3 = 27
  // acc1 = -60 - 75 - 210 - 50 = -395 -> x 0.125 = -49.375 -> -49 -> + 3 = -46
  const build = (activation: 'NONE' | 'RELU', weightScale: number | number[]) =>
    node(
      'FULLY_CONNECTED',
      [
        tensor('INT8', [1, 3], [10, -20, 30], { scale: 0.5, zeroPoint: -5 }),
        tensor('INT8', [2, 3], [1, 2, 3, -4, 5, -6], { scale: weightScale }),
        tensor('INT32', [2], [100, -50], { scale: 0.125 })
      ],
      [tensor('INT8', [1, 2], null, { scale: 1, zeroPoint: 3 })],
      { fusedActivation: activation }
    )

  it('int8 per-tensor', () => {
    expect(runKernel(fullyConnected, build('NONE', 0.25))).toEqual([27, -46])
  })

  it('int8 fused RELU clamps at the output zero point', () => {
    expect(runKernel(fullyConnected, build('RELU', 0.25))).toEqual([27, 3])
  })

  it('int8 per-channel weights: channel 1 scale 0.5 -> -395 x 0.25 = -98.75 -> -99 + 3', () => {
    expect(runKernel(fullyConnected, build('NONE', [0.25, 0.5]))).toEqual([27, -96])
  })

  it('int8 without bias, batch of 2', () => {
    const n = node(
      'FULLY_CONNECTED',
      [tensor('INT8', [2, 2], [1, 2, 3, 4], { scale: 1, zeroPoint: 0 }), tensor('INT8', [1, 2], [1, -1], { scale: 1 }), null],
      [tensor('INT8', [2, 1], null, { scale: 1, zeroPoint: 0 })]
    )
    expect(runKernel(fullyConnected, n)).toEqual([-1, -1])
  })

  it('float32 with bias and RELU', () => {
    // [1.5, -2] . [2, 1] + 0.25 = 1.25 ; [1.5, -2] . [0.5, 4] - 1 = -8.25 -> RELU 0
    const n = node(
      'FULLY_CONNECTED',
      [tensor('FLOAT32', [1, 2], [1.5, -2]), tensor('FLOAT32', [2, 2], [2, 1, 0.5, 4]), tensor('FLOAT32', [2], [0.25, -1])],
      [tensor('FLOAT32', [1, 2], null)],
      { fusedActivation: 'RELU' }
    )
    expect(runKernel(fullyConnected, n)).toEqual([1.25, 0])
  })

  it('hybrid (float input, int8 weights) as TFLite computes it', () => {
    // Input [0.5, -1] is quantized symmetrically: range 1 -> [round(63.5) = 64, -127].
    // dot = 127*64 + (-64)(-127) = 16256; x (1/127 x 0.01) + 0.1 = 1.38 (the float model says 1.375).
    const n = node(
      'FULLY_CONNECTED',
      [tensor('FLOAT32', [1, 2], [0.5, -1]), tensor('INT8', [1, 2], [127, -64], { scale: 0.01 }), tensor('FLOAT32', [1], [0.1])],
      [tensor('FLOAT32', [1, 1], null)]
    )
    expect(runKernel(fullyConnected, n)[0]).toBeCloseTo(1.38, 6)
  })

  it('refuses inconsistent shapes with a typed error', () => {
    const n = node(
      'FULLY_CONNECTED',
      [tensor('INT8', [1, 3], [1, 2, 3], { scale: 1 }), tensor('INT8', [2, 2], [1, 2, 3, 4], { scale: 1 }), null],
      [tensor('INT8', [1, 2], null, { scale: 1 })]
    )
    expect(() => fullyConnected(n)).toThrow(/multiple/)
  })
})
