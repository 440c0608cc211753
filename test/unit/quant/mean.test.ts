import { describe, expect, it } from 'vitest'
import { mean, planReduction } from '../../../src/main/core/quant/kernels/mean'
import { node, runKernel, tensor } from './kernel-helpers'

// [1, 2, 2, 2]: channel 0 = 1 2 3 5, channel 1 = -1 -2 -3 -5 (interleaved)
const values = [1, -1, 2, -2, 3, -3, 5, -5]
const axes = () => tensor('INT32', [2], [1, 2])

describe('MEAN golden values (global average pooling)', () => {
  it('int8, same quantization in and out: int32 sum / count, truncated (11/4 -> 2, -11/4 -> -2)', () => {
    const n = node('MEAN', [tensor('INT8', [1, 2, 2, 2], values, { scale: 0.5, zeroPoint: 2 }), axes()], [tensor('INT8', [1, 2], null, { scale: 0.5, zeroPoint: 2 })], { keepDims: false })
    expect(runKernel(mean, n)).toEqual([2, -2])
  })

  it('int8 rescaled in float32 (QuantizedMeanOrSum): scale 2, bias -4', () => {
    // ch0: 2.75 x 2 - 4 = 1.5 -> 2 - 1 = 1 ; ch1: -2.75 x 2 - 4 = -9.5 -> -10 - 1 = -11
    const n = node('MEAN', [tensor('INT8', [1, 2, 2, 2], values, { scale: 0.5, zeroPoint: 2 }), axes()], [tensor('INT8', [1, 1, 1, 2], null, { scale: 0.25, zeroPoint: -1 })], { keepDims: true })
    expect(runKernel(mean, n)).toEqual([1, -11])
  })

  it('float32', () => {
    const n = node('MEAN', [tensor('FLOAT32', [1, 2, 2, 2], values), axes()], [tensor('FLOAT32', [1, 2], null)], { keepDims: false })
    expect(runKernel(mean, n)).toEqual([2.75, -2.75])
  })

  it('negative axes and a Conv1D-style [1, W, C] input', () => {
    const plan = planReduction([1, 3, 2], [-2])
    expect(Array.from(plan.outputIndex)).toEqual([0, 1, 0, 1, 0, 1])
    expect(plan.reducedCount).toBe(3)
  })
})
