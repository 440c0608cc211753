import { describe, expect, it } from 'vitest'
import { averagePool } from '../../../../../src/main/core/quant/kernels/average-pool-2d'
import { node, runKernel, tensor } from './kernel-helpers'

const grid = [1, -3, 4, 0, 2, 5, -1, 7, -8, -2, 3, 3, -9, -1, 6, -4]

describe('AVERAGE_POOL_2D golden values', () => {
  it('int8 2x2 stride 2: sums 5, 10, -20, 8 over 4 -> 1, 3 (2.5 away from zero), -5, 2', () => {
    const n = node('AVERAGE_POOL_2D', [tensor('INT8', [1, 4, 4, 1], grid, { scale: 0.1 })], [tensor('INT8', [1, 2, 2, 1], null, { scale: 0.1 })], {
      padding: 'VALID', strideW: 2, strideH: 2, filterW: 2, filterH: 2
    })
    expect(runKernel(averagePool, n)).toEqual([1, 3, -5, 2])
  })

  it('int8 SAME 1x3: padded cells do not count; -1.5 -> -2, -1.33 -> -1, -1', () => {
    const n = node('AVERAGE_POOL_2D', [tensor('INT8', [1, 1, 3, 1], [-1, -2, 0], { scale: 1 })], [tensor('INT8', [1, 1, 3, 1], null, { scale: 1 })], {
      padding: 'SAME', strideW: 1, strideH: 1, filterW: 3, filterH: 1
    })
    expect(runKernel(averagePool, n)).toEqual([-2, -1, -1])
  })

  it('float32', () => {
    const n = node('AVERAGE_POOL_2D', [tensor('FLOAT32', [1, 1, 4, 2], [1, 10, 2, 20, 3, 30, 5, 50])], [tensor('FLOAT32', [1, 1, 2, 2], null)], {
      padding: 'VALID', strideW: 2, strideH: 1, filterW: 2, filterH: 1
    })
    expect(runKernel(averagePool, n)).toEqual([1.5, 15, 4, 40])
  })
})
