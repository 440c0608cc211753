import { describe, expect, it } from 'vitest'
import { resolveOptions } from '../../../../src/main/core/train/options'

describe('resolveOptions', () => {
  it('a chosen preset brings its recommended epochs and learning rate; explicit values win', () => {
    expect(resolveOptions({ preset: 'dscnn' }, undefined)).toMatchObject({ epochs: 100, learningRate: 0.005, batchSize: 16, seed: 42, spec: { preset: 'dscnn' } })
    expect(resolveOptions({ preset: 'dscnn', epochs: 7 }, undefined).epochs).toBe(7)
    const previous = resolveOptions({ preset: 'dense', seed: 9, batchSize: 8 }, undefined)
    expect(resolveOptions({}, previous)).toMatchObject({ seed: 9, batchSize: 8, spec: { preset: 'dense' } })
  })

  it('the batch size is the preset\'s: 32 for the 1D CNN (also with no preset named), 16 for dense and DS-CNN', () => {
    expect(resolveOptions({}, undefined)).toMatchObject({ batchSize: 32, spec: { preset: 'cnn1d' } })
    expect(resolveOptions({ preset: 'cnn1d' }, resolveOptions({ preset: 'dense' }, undefined)).batchSize).toBe(32)
    expect(resolveOptions({ preset: 'dense' }, undefined).batchSize).toBe(16)
    expect(resolveOptions({ preset: 'cnn1d', batchSize: 8 }, undefined).batchSize).toBe(8)
  })
})
