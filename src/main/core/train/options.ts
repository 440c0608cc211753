import { DEFAULT_TRAIN_OPTIONS, type ModelSpec, type TrainOptions, type TrainRequest } from '../../../shared/training'
import { findPreset, presetSpec } from './presets'

/** Fills every option the request leaves out from the project's last choice, then the defaults. */
export function resolveOptions(request: TrainRequest, previous: Partial<TrainOptions> | undefined): TrainOptions {
  // A newly chosen preset brings its own epochs and learning rate; otherwise the last run's.
  const preset = request.preset ? findPreset(request.preset) : null
  const base = { ...DEFAULT_TRAIN_OPTIONS, ...(previous ?? {}), ...(preset?.recommended ?? {}) }
  const spec: ModelSpec = request.spec ?? preset?.spec ?? previous?.spec ?? presetSpec('cnn1d')
  return {
    spec,
    preprocessing: request.preprocessing ?? base.preprocessing,
    epochs: request.epochs ?? base.epochs,
    batchSize: request.batchSize ?? base.batchSize,
    learningRate: request.learningRate ?? base.learningRate,
    optimizer: request.optimizer ?? base.optimizer,
    earlyStoppingPatience: request.earlyStoppingPatience ?? base.earlyStoppingPatience,
    validationSplit: request.validationSplit ?? base.validationSplit,
    seed: request.seed ?? base.seed,
    backend: request.backend ?? base.backend,
    balanceClasses: request.balanceClasses ?? base.balanceClasses
  }
}
