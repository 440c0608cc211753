import type { BaselineResult, EpochMetrics, ModelSpec, Preprocessing, TrainAdvice, TrainRequest } from '../../../shared/training'

export interface AdviceInput {
  testAccuracy: number
  baseline: BaselineResult
  preprocessing: Preprocessing
  spec: ModelSpec
  epochs: number
  history: EpochMetrics[]
  bestEpoch: number
  stoppedEarly: boolean
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/**
 * When the trained model is below the nearest-neighbour baseline on the same test windows (by at
 * least one window), says so, lists the likely causes in the order they matter, and builds one
 * training request that addresses all of them. null when the model is at or above the baseline.
 */
export function adviseOnResult(r: AdviceInput): TrainAdvice | null {
  const { nearestNeighbour, windows } = r.baseline
  if (windows === 0 || r.testAccuracy + 0.5 / windows >= nearestNeighbour) return null
  const causes: string[] = []
  const fix: TrainRequest = {}
  const labels: string[] = []
  if (r.preprocessing.method === 'fixed-range' || r.preprocessing.method === 'none') {
    causes.push(`The preprocessing (${r.preprocessing.method}) keeps each axis's offset, such as 1 g of gravity, so small motions become tiny changes the model barely sees.`)
    fix.preprocessing = { method: 'auto' }
    labels.push('preprocessing fitted to the data')
  }
  // Still improving in the last tenth of the run: it ran out of epochs, not out of things to learn.
  const stillLearning = !r.stoppedEarly && r.bestEpoch > r.history.length * 0.9
  if (stillLearning) {
    causes.push(`Too few epochs: the validation loss was still falling at epoch ${r.history.length}.`)
    fix.epochs = Math.min(1000, r.epochs * 2)
    labels.push(`${fix.epochs} epochs`)
  }
  if (r.spec.preset === 'dense' || r.spec.preset === 'dscnn' || causes.length === 0) {
    causes.push('The model may be too small or unsuited to the signal; the 1D CNN learns motion shapes anywhere in the window.')
    if (r.spec.preset !== 'cnn1d') {
      fix.preset = 'cnn1d'
      labels.push('the 1D CNN')
    }
  }
  if (labels.length === 0) {
    fix.epochs = Math.min(1000, r.epochs * 2)
    fix.learningRate = 0.001
    labels.push(`${fix.epochs} epochs at a learning rate of 0.001`)
  }
  return {
    message: `The model reaches ${pct(r.testAccuracy)} on the test windows, below the ${pct(nearestNeighbour)} of a nearest-neighbour baseline that needs no training. Quantizing it would keep a model that does not work.`,
    causes,
    fixLabel: `Train again with ${labels.join(', ')}`,
    fix
  }
}
