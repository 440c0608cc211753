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

/** The project's saved training settings over the form's draft (its model too when they name one). */
export function settingsOverDraft(d: TrainDraft, s: Partial<TrainOptions>): TrainDraft {
  const patience = s.earlyStoppingPatience
  return {
    ...d,
    ...(s.spec ? { spec: s.spec } : {}),
    ...(s.epochs ? { epochs: s.epochs } : {}),
    ...(s.batchSize ? { batchSize: s.batchSize } : {}),
    ...(s.learningRate ? { learningRate: s.learningRate } : {}),
    ...(s.optimizer ? { optimizer: s.optimizer } : {}),
    ...(patience !== undefined ? { earlyStopping: patience > 0, ...(patience > 0 ? { earlyStoppingPatience: patience } : {}) } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.validationSplit !== undefined ? { validationSplit: s.validationSplit } : {}),
    ...(s.preprocessing?.method ? { method: s.preprocessing.method } : {})
  }
}

/** `next`, except the fields the user changed from `before` to `edited` (while a read was on its way), which stay theirs. */
export function keepEdits(before: TrainDraft, edited: TrainDraft, next: TrainDraft): TrainDraft {
  const out: Record<string, unknown> = { ...next }
  for (const k of Object.keys(next) as Array<keyof TrainDraft>) if (JSON.stringify(edited[k]) !== JSON.stringify(before[k])) out[k] = edited[k]
  return out as TrainDraft
}

/**
 * Whether the form takes the default preset's model once the presets arrive: when neither the form
 * (a draft, a running job's settings) nor the project's saved settings name a model. A draft left
 * before the presets replied (or after their read failed) has no layers: it names none, so it must
 * not keep the model empty on every later visit.
 */
export function needsDefaultModel(known: TrainDraft | null, saved: Partial<TrainOptions> | undefined): boolean {
  return !saved?.spec && (!known || known.spec.layers.length === 0)
}
