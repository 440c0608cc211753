import type { BaselineResult, EpochMetrics } from '../../../shared/training'
import { accuracyOf, nearestClassMeanPredict, nearestNeighbourPredict } from './neighbours'
import type { WindowSet } from './train-loop'

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * The baseline a trained model should beat, on the same split and the same preprocessed windows:
 * every test window gets the class of its nearest training (or validation) window, and of the
 * nearest class mean. No training, no tuning, so it shows what the data allows.
 */
export function computeBaseline(train: WindowSet, val: WindowSet | null, test: WindowSet, dim: number, classes: number): BaselineResult {
  const refX = val ? concat(train.x, val.x) : train.x
  const refY = val ? [...train.y, ...val.y] : train.y
  return {
    nearestNeighbour: accuracyOf(nearestNeighbourPredict(refX, refY, test.x, dim), test.y),
    nearestClassMean: accuracyOf(nearestClassMeanPredict(refX, refY, test.x, dim, classes), test.y),
    windows: test.y.length
  }
}

/** The loss of a model that has learnt nothing: guessing the class frequencies (uniform, ln K, when classes are weighted). */
export function chanceLoss(trainLabels: number[], classes: number, balanced: boolean): number {
  if (balanced) return Math.log(classes)
  const counts = new Array<number>(classes).fill(0)
  for (const y of trainLabels) counts[y]++
  return counts.reduce((h, n) => (n ? h - (n / trainLabels.length) * Math.log(n / trainLabels.length) : h), 0)
}

/** Training loss never clearly below chance: the model collapsed to one answer (or learnt nothing). */
export function collapsed(history: readonly EpochMetrics[], chance: number): boolean {
  if (history.length === 0) return false
  const best = Math.min(...history.map((m) => m.loss))
  return !(best < 0.9 * chance)
}
