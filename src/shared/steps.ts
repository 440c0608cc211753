/** The six steps and whether each is done, ready, or blocked (and why). Pure, shared by UI and CLI. */
import { formatNoun } from './format'
export const STEP_IDS = ['connect', 'capture', 'train', 'optimize', 'deploy', 'profile'] as const
export type StepId = (typeof STEP_IDS)[number]

export const STEP_TITLES: Record<StepId, string> = {
  connect: 'Connect',
  capture: 'Capture',
  train: 'Train',
  optimize: 'Optimize',
  deploy: 'Deploy',
  profile: 'Profile'
}

export type StepState = 'done' | 'ready' | 'blocked'

export interface StepStatus {
  id: StepId
  title: string
  state: StepState
  /** Why it is blocked, or what "done" means here. */
  detail: string
}

export interface StepFacts {
  sensorKnown: boolean
  /** The signal spec's sample rate is known (measured, read from timestamps, or given). */
  rateKnown?: boolean
  sampleCount: number
  /** Window files that cannot be read: Train refuses until they are deleted or restored. */
  damagedWindowCount?: number
  classesWithSamples: number
  hasFloatModel: boolean
  /** The trained model's files are damaged: the message that says so and what to do. */
  floatModelProblem?: string | null
  variantCount: number
  firmwareCount: number
  /** Firmware that runs a model (classify, profile); capture firmware is not a deployed model. */
  modelFirmwareCount: number
  profileCount: number
  /** Windows changed since the float model was trained. */
  dataChangedSinceTraining?: boolean
  /** Variants and model firmware made from an earlier model (or before the data changed). */
  staleVariantCount?: number
  staleModelFirmwareCount?: number
  /** Profiling sessions that measured an earlier model. */
  staleProfileCount?: number
}

export function computeSteps(f: StepFacts): StepStatus[] {
  const s = (id: StepId, state: StepState, detail: string): StepStatus => ({ id, title: STEP_TITLES[id], state, detail })
  const enoughData = f.classesWithSamples >= 2
  return [
    f.sensorKnown && f.rateKnown === false
      ? s('connect', 'ready', 'The sample rate is unknown: connect the board to measure it, or set it (Capture asks; microforge project set --rate HZ).')
      : f.sensorKnown
        ? s('connect', 'done', 'Sensor columns and rate are known.')
        : s('connect', 'ready', 'Connect a board, or import data in Capture.'),
    f.damagedWindowCount
      ? s('capture', 'ready', `${f.damagedWindowCount} window file${f.damagedWindowCount === 1 ? ' is' : 's are'} damaged: delete ${f.damagedWindowCount === 1 ? 'it' : 'them'} in Capture (or restore from a backup); Train refuses until then.`)
      : enoughData
      ? s('capture', 'done', `${f.sampleCount} windows in ${f.classesWithSamples} classes.`)
      : s('capture', 'ready', 'Record or import windows for at least 2 classes.'),
    f.floatModelProblem
      ? s('train', 'ready', f.floatModelProblem)
      : f.hasFloatModel && f.dataChangedSinceTraining
      ? s('train', 'ready', 'The windows changed since the model was trained: train again.')
      : f.hasFloatModel
      ? s('train', 'done', 'A float32 model is trained.')
      : enoughData
        ? s('train', 'ready', 'Train a float32 model.')
        : s('train', 'blocked', 'Needs windows for at least 2 classes (Capture).'),
    f.floatModelProblem
      ? s('optimize', 'blocked', "Needs a trained model whose files can be read: the trained model's files are damaged (Train).")
      : f.variantCount > 0 && f.variantCount <= (f.staleVariantCount ?? 0)
      ? s('optimize', 'ready', 'Every variant is of an earlier model: optimize the current one.')
      : f.variantCount > 0
      ? s('optimize', 'done', `${f.variantCount} optimized variants.`)
      : f.hasFloatModel
        ? s('optimize', 'ready', 'Quantize and compress the trained model.')
        : s('optimize', 'blocked', 'Needs a trained float32 model (Train).'),
    f.modelFirmwareCount > 0 && f.modelFirmwareCount <= (f.staleModelFirmwareCount ?? 0)
      ? s('deploy', 'ready', 'The firmware runs an earlier model, or samples by an earlier signal (rate, window, axes, units): generate it again.')
      : f.modelFirmwareCount > 0
      ? s('deploy', 'done', `${formatNoun(f.modelFirmwareCount, 'firmware project')} with a model generated.`)
      : f.hasFloatModel
        ? s('deploy', 'ready', 'Generate firmware for your board.')
        : s('deploy', 'blocked', 'Needs a trained model (Train), ideally optimized (Optimize).'),
    f.profileCount > 0 && (f.profileCount <= (f.staleProfileCount ?? 0) || (f.modelFirmwareCount > 0 && f.modelFirmwareCount <= (f.staleModelFirmwareCount ?? 0)))
      ? s('profile', 'ready', 'The profiles measured an earlier model: profile the new firmware.')
      : f.profileCount > 0
      ? s('profile', 'done', `${f.profileCount} profiling sessions saved${f.staleProfileCount ? `, ${f.staleProfileCount} of an earlier model` : ''}.`)
      : f.modelFirmwareCount > 0
        ? s('profile', 'ready', 'Flash the profile firmware and measure.')
        : s('profile', 'blocked', f.firmwareCount > 0 ? 'Capture firmware runs no model: generate classify or profile firmware (Deploy).' : 'Needs a firmware project (Deploy).')
  ]
}
