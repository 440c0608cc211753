import { describe, expect, it } from 'vitest'
import { withAccuracyDeltas } from '../../../../src/main/core/optimize/variant-index'
import type { VariantIndex, VariantKind, VariantRecord } from '../../../../src/shared/optimize'

const row = (name: string, kind: VariantKind, accuracy: number): VariantRecord => ({ name, kind, accuracy, accuracyDelta: 99 }) as unknown as VariantRecord
const index = (variants: VariantRecord[], floatAccuracy: number | null = null): VariantIndex => ({ version: 1, floatAccuracy, variants, sweeps: [] })
const deltas = (idx: VariantIndex): number[] => idx.variants.map((v) => Math.round(v.accuracyDelta * 1e6) / 1e6)

describe('accuracy changes in the variant index', () => {
  it('are measured from the float32 row', () => {
    const out = withAccuracyDeltas(index([row('float32', 'float32', 0.9), row('ptq', 'ptq', 0.85), row('prune', 'prune', 0.875)], 0.5), 0.6)
    expect(out.floatAccuracy).toBe(0.9)
    expect(deltas(out)).toEqual([0, -0.05, -0.025])
  })

  it('without a float32 row, from the index, then from training', () => {
    expect(deltas(withAccuracyDeltas(index([row('ptq', 'ptq', 0.85)], 0.8), 0.6))).toEqual([0.05])
    const fromTraining = withAccuracyDeltas(index([row('ptq', 'ptq', 0.85)]), 0.7)
    expect(fromTraining.floatAccuracy).toBe(0.7)
    expect(deltas(fromTraining)).toEqual([0.15])
  })

  it('are 0 when no float accuracy is known at all', () => {
    const out = withAccuracyDeltas(index([row('ptq', 'ptq', 0.85)]))
    expect(out.floatAccuracy).toBeNull()
    expect(deltas(out)).toEqual([0])
  })
})
