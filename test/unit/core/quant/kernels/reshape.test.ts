import { describe, expect, it } from 'vitest'
import { reshape } from '../../../../../src/main/core/quant/kernels/reshape'
import { node, runKernel, tensor } from './kernel-helpers'

describe('RESHAPE', () => {
  it('keeps the values in order (int8 and float32)', () => {
    expect(runKernel(reshape, node('RESHAPE', [tensor('INT8', [1, 2, 3], [1, 2, 3, 4, 5, -6], { scale: 1 })], [tensor('INT8', [1, 6], null, { scale: 1 })]))).toEqual([1, 2, 3, 4, 5, -6])
    expect(runKernel(reshape, node('RESHAPE', [tensor('FLOAT32', [2, 2], [0.5, 1, 1.5, 2]), tensor('INT32', [1], [4])], [tensor('FLOAT32', [4], null)]))).toEqual([0.5, 1, 1.5, 2])
  })

  it('refuses a shape with a different element count', () => {
    expect(() => reshape(node('RESHAPE', [tensor('FLOAT32', [2, 2], [1, 2, 3, 4])], [tensor('FLOAT32', [3], null)]))).toThrow(/4 values into 3/)
  })
})
