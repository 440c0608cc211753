import { DEFAULT_TRAIN_OPTIONS, type PreprocessingChoice, type TrainOptions } from '../../../shared/training'

/** What the Train form holds. */
export type TrainDraft = Omit<TrainOptions, 'backend' | 'preprocessing' | 'balanceClasses'> & { method: NonNullable<PreprocessingChoice['method']>; earlyStopping: boolean }

/** The Train form as a running job's settings fill it (a tab opened mid-training shows what is running). */
export function draftFromSettings(settings: unknown): TrainDraft | null {
  const o = settings as Partial<TrainOptions> | null
  if (!o || typeof o !== 'object' || !o.spec || typeof o.epochs !== 'number') return null
  const d = DEFAULT_TRAIN_OPTIONS
  return {
    spec: o.spec,
    epochs: o.epochs,
    batchSize: o.batchSize ?? d.batchSize,
    learningRate: o.learningRate ?? d.learningRate,
    optimizer: o.optimizer ?? d.optimizer,
    earlyStoppingPatience: o.earlyStoppingPatience || d.earlyStoppingPatience,
    earlyStopping: (o.earlyStoppingPatience ?? 1) > 0,
    validationSplit: o.validationSplit ?? d.validationSplit,
    seed: o.seed ?? d.seed,
    method: o.preprocessing?.method ?? 'auto'
  }
}
