import type { VariantIndex } from '../../../shared/optimize'

/**
 * Every variant's accuracy change is measured from the float model: the float32 row when there is
 * one, else the float accuracy the index already holds, else the one training reported.
 */
export function withAccuracyDeltas(index: VariantIndex, trainedAccuracy: number | null = null): VariantIndex {
  const float = index.variants.find((v) => v.kind === 'float32')?.accuracy ?? index.floatAccuracy ?? trainedAccuracy
  return { ...index, floatAccuracy: float, variants: index.variants.map((v) => ({ ...v, accuracyDelta: float === null ? 0 : v.accuracy - float })) }
}
