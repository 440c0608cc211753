/**
 * One default training run of a preset on a prepared bench dataset, as the training service runs
 * it, scored on the test split: shared by the quality and quality-batch benches.
 */
import type { PreparedData } from '../../src/main/core/train/prepare'
import { findPreset } from '../../src/main/core/train/presets'
import { balancedClassWeights, evaluateModel, trainLoop } from '../../src/main/core/train/train-loop'
import { DEFAULT_TRAIN_OPTIONS, type PresetId } from '../../src/shared/training'

export const PRESETS: PresetId[] = ['dense', 'cnn1d', 'dscnn']
/** The preset defaults before issue #18. */
export const BEFORE: Record<PresetId, { epochs: number; learningRate: number }> = { dense: { epochs: 60, learningRate: 0.002 }, cnn1d: { epochs: 60, learningRate: 0.002 }, dscnn: { epochs: 100, learningRate: 0.005 } }

export interface TrainOutcome {
  acc: number
  /** Validation accuracy at the end (best weights restored), null without a validation split. */
  valAcc: number | null
  epochsRun: number
  bestEpoch: number
  stoppedEarly: boolean
  ms: number
}

export async function trainOne(data: PreparedData, preset: PresetId, config: 'before' | 'after', opts: { batchSize?: number; seed?: number } = {}): Promise<TrainOutcome> {
  const p = findPreset(preset)
  const hp = config === 'before' ? BEFORE[preset] : p.recommended
  const started = performance.now()
  const result = await trainLoop(
    {
      spec: p.spec,
      inputShape: data.inputShape,
      classes: data.classes,
      epochs: hp.epochs,
      batchSize: opts.batchSize ?? (config === 'before' ? 16 : p.recommended.batchSize),
      learningRate: hp.learningRate,
      optimizer: 'adam',
      earlyStoppingPatience: DEFAULT_TRAIN_OPTIONS.earlyStoppingPatience,
      seed: opts.seed ?? DEFAULT_TRAIN_OPTIONS.seed,
      classWeights: config === 'after' ? balancedClassWeights(data.train.y, data.classes.length) : undefined
    },
    data.train,
    data.val,
    { cancelled: () => false, onEpoch: () => undefined }
  )
  const acc = evaluateModel(result.model, data.test, data.inputShape, data.classes).accuracy
  const valAcc = data.val ? evaluateModel(result.model, data.val, data.inputShape, data.classes).accuracy : null
  result.model.dispose()
  return { acc, valAcc, epochsRun: result.history.length, bestEpoch: result.bestEpoch, stoppedEarly: result.stoppedEarly, ms: performance.now() - started }
}
