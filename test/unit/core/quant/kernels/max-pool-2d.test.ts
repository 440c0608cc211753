import { describe, expect, it } from 'vitest'
import { maxPool } from '../../../../../src/main/core/quant/kernels/max-pool-2d'
import { node, runKernel, tensor } from './kernel-helpers'

const grid = [1, -3, 4, 0, 2, 5, -1, 7, -8, -2, 3, 3, -9, -1, 6, -4]

describe('MAX_POOL_2D golden values', () => {
  it('int8 2x2 stride 2', () => {
    const n = node('MAX_POOL_2D', [tensor('INT8', [1, 4, 4, 1], grid, { scale: 0.1 })], [tensor('INT8', [1, 2, 2, 1], null, { scale: 0.1 })], {
      padding: 'VALID', strideW: 2, strideH: 2, filterW: 2, filterH: 2
    })
    expect(runKernel(maxPool, n)).toEqual([5, 7, -1, 6])
  })

  it('int8 with fused RELU clamps at the zero point', () => {
    const n = node('MAX_POOL_2D', [tensor('INT8', [1, 4, 4, 1], grid, { scale: 0.1 })], [tensor('INT8', [1, 2, 2, 1], null, { scale: 0.1 })], {
      padding: 'VALID', strideW: 2, strideH: 2, filterW: 2, filterH: 2, fusedActivation: 'RELU'
    })
    expect(runKernel(maxPool, n)).toEqual([5, 7, 0, 6])
  })

  it('float32 SAME 3x3 stride 1 on a 1x3 row', () => {
    const n = node('MAX_POOL_2D', [tensor('FLOAT32', [1, 1, 3, 1], [-1, -5, 2])], [tensor('FLOAT32', [1, 1, 3, 1], null)], {
      padding: 'SAME', strideW: 1, strideH: 1, filterW: 3, filterH: 1
    })
    expect(runKernel(maxPool, n)).toEqual([-1, 2, 2])
  })

  it('refuses int8 pooling that changes the quantization', () => {
    const n = node('MAX_POOL_2D', [tensor('INT8', [1, 2, 2, 1], [1, 2, 3, 4], { scale: 0.1 })], [tensor('INT8', [1, 1, 1, 1], null, { scale: 0.2 })], {
      padding: 'VALID', strideW: 2, strideH: 2, filterW: 2, filterH: 2
    })
    expect(() => maxPool(n)).toThrow(/quantization/)
  })

  it('refuses a stride or window below 1, and takes 1 for one left out', () => {
    const pool = (options: Parameters<typeof node>[3]) =>
      node('MAX_POOL_2D', [tensor('FLOAT32', [1, 1, 3, 1], [-1, -5, 2])], [tensor('FLOAT32', [1, 1, 3, 1], null)], options)
    expect(() => maxPool(pool({ padding: 'VALID', strideW: 1, strideH: 1, filterW: 0, filterH: 1 }))).toThrow(/has a stride or window below 1/)
    expect(() => maxPool(pool({ padding: 'VALID', strideW: -1, strideH: 1, filterW: 1, filterH: 1 }))).toThrow(/has a stride or window below 1/)
    expect(runKernel(maxPool, pool({ padding: 'VALID' }))).toEqual([-1, -5, 2])
  })
})
