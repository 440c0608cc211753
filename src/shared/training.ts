/**
 * Training data types shared by the services, the renderer and the CLI: model specs (what the user
 * edits before training), the preprocessing recipe (stored in project.json so firmware repeats it
 * exactly), training options and results. Plain JSON only.
 */
import { z } from 'zod'

export type SpecActivation = 'linear' | 'relu' | 'relu6'
export type SpecPadding = 'valid' | 'same'

/** One hidden layer. The output Dense(classes, softmax) is always appended by the builder. */
export type LayerSpec =
  | { type: 'conv1d'; filters: number; kernelSize: number; strides?: number; padding?: SpecPadding; activation: SpecActivation }
  | { type: 'depthwiseConv1d'; kernelSize: number; depthMultiplier?: number; strides?: number; padding?: SpecPadding; activation: SpecActivation }
  | { type: 'maxPool1d'; poolSize: number }
  | { type: 'avgPool1d'; poolSize: number }
  | { type: 'globalAvgPool1d' }
  | { type: 'flatten' }
  | { type: 'dense'; units: number; activation: SpecActivation }
  | { type: 'dropout'; rate: number }

/** Each layer type's Keras class name: the summary's "(type)" column and the layer picker. */
export const KERAS_CLASS: Record<LayerSpec['type'], string> = {
  conv1d: 'Conv1D',
  depthwiseConv1d: 'DepthwiseConv1D',
  maxPool1d: 'MaxPooling1D',
  avgPool1d: 'AveragePooling1D',
  globalAvgPool1d: 'GlobalAveragePooling1D',
  flatten: 'Flatten',
  dense: 'Dense',
  dropout: 'Dropout'
}

export type PresetId = 'dense' | 'cnn1d' | 'dscnn'

export interface ModelSpec {
  /** The preset it started from; the layers may have been edited since. */
  preset: PresetId | 'custom'
  layers: LayerSpec[]
}

export interface ModelPreset {
  id: PresetId
  title: string
  description: string
  spec: ModelSpec
  /**
   * Training settings that suit this architecture (small models need more steps). The batch size
   * is per preset: 32 for the 1D CNN (half the per-step cost of 16 on wasm, accuracy not worse on
   * the quality bench's hard datasets), 16 where 32 measured worse (bench/results/quality-batch.md).
   */
  recommended: { epochs: number; learningRate: number; batchSize: number }
}

const activation = z.enum(['linear', 'relu', 'relu6'])
const padding = z.enum(['valid', 'same'])
const size = (max: number) => z.number().int().min(1).max(max)

export const layerSpecSchema: z.ZodType<LayerSpec> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conv1d'), filters: size(1024), kernelSize: size(256), strides: size(64).optional(), padding: padding.optional(), activation }).strict(),
  z
    .object({
      type: z.literal('depthwiseConv1d'),
      kernelSize: size(256),
      depthMultiplier: size(16).optional(),
      strides: size(64).optional(),
      padding: padding.optional(),
      activation
    })
    .strict(),
  z.object({ type: z.literal('maxPool1d'), poolSize: size(64) }).strict(),
  z.object({ type: z.literal('avgPool1d'), poolSize: size(64) }).strict(),
  z.object({ type: z.literal('globalAvgPool1d') }).strict(),
  z.object({ type: z.literal('flatten') }).strict(),
  z.object({ type: z.literal('dense'), units: size(4096), activation }).strict(),
  z.object({ type: z.literal('dropout'), rate: z.number().min(0).max(0.95) }).strict()
])

export const modelSpecSchema: z.ZodType<ModelSpec> = z
  .object({ preset: z.enum(['dense', 'cnn1d', 'dscnn', 'custom']), layers: z.array(layerSpecSchema).max(64) })
  .strict()

/** Preprocessing methods; 'auto' (only as a choice) picks one from the training split. */
export type PreprocessingMethod = 'fixed-range' | 'zscore' | 'window-offset' | 'none'

/** How one candidate method scored when 'auto' chose (leave-one-out nearest neighbour on the training split). */
export interface PreprocessingCandidate {
  method: PreprocessingMethod
  /** Fraction of training windows whose nearest other training window has the same class. */
  score: number
}

/**
 * How raw sensor values become model inputs: x' = (x - offset[a]) * scale[a] for each selected axis,
 * after cutting or edge-padding the window to windowLength samples; with removeWindowMean, each
 * window's own per-axis mean of x' is then subtracted (orientation and sensor offsets cancel). All
 * arithmetic is float32 in the order firmware uses, so both give the same bits. offset and scale
 * are always stored, whatever the method, so firmware needs only these numbers.
 */
export interface Preprocessing {
  version: 1
  /** Selected axes in model-input order (names from the samples). */
  axes: string[]
  windowLength: number
  method: PreprocessingMethod
  /** fixed-range: the sensor's full scale per axis, mapped to [0, 1]. */
  ranges?: Array<{ min: number; max: number }>
  /** zscore, window-offset: statistics of the training split. */
  mean?: number[]
  std?: number[]
  offset: number[]
  scale: number[]
  /** window-offset: subtract each window's per-axis mean after scaling. */
  removeWindowMean?: boolean
  /** Why this method: chosen by the user, or fitted to the training split (with the scores). */
  chosen?: { by: 'user' | 'auto'; reason: string; candidates?: PreprocessingCandidate[] }
}

const methodSchema = z.enum(['fixed-range', 'zscore', 'window-offset', 'none'])

export const preprocessingSchema: z.ZodType<Preprocessing> = z
  .object({
    version: z.literal(1),
    axes: z.array(z.string().min(1).max(32)).min(1).max(32),
    windowLength: z.number().int().min(1).max(100_000),
    method: methodSchema,
    ranges: z.array(z.object({ min: z.number(), max: z.number() })).optional(),
    mean: z.array(z.number()).optional(),
    std: z.array(z.number()).optional(),
    offset: z.array(z.number()),
    scale: z.array(z.number()),
    removeWindowMean: z.boolean().optional(),
    chosen: z
      .object({
        by: z.enum(['user', 'auto']),
        reason: z.string().max(1000),
        candidates: z.array(z.object({ method: methodSchema, score: z.number() })).max(8).optional()
      })
      .optional()
  })
  .strict()

/** What the user chooses for preprocessing; the service derives the full recipe from the data. */
export interface PreprocessingChoice {
  /** Default 'auto': the method that separates the training windows best. */
  method?: PreprocessingMethod | 'auto'
  /** Default: every axis of the samples. */
  axes?: string[]
  /** Default: the project's window length. */
  windowLength?: number
  /** fixed-range only; default: the smallest standard sensor range that holds the data. */
  ranges?: Array<{ min: number; max: number }>
}

export const preprocessingChoiceSchema: z.ZodType<PreprocessingChoice> = z
  .object({
    method: z.enum(['auto', 'fixed-range', 'zscore', 'window-offset', 'none']).optional(),
    axes: z.array(z.string().min(1).max(32)).min(1).max(32).optional(),
    windowLength: z.number().int().min(1).max(100_000).optional(),
    ranges: z.array(z.object({ min: z.number(), max: z.number() })).optional()
  })
  .strict()

export type OptimizerName = 'adam' | 'sgd' | 'rmsprop'

export interface TrainOptions {
  spec: ModelSpec
  preprocessing: PreprocessingChoice
  epochs: number
  batchSize: number
  learningRate: number
  optimizer: OptimizerName
  /** Stop after this many epochs without a better validation loss (0: never); the best weights are kept. */
  earlyStoppingPatience: number
  /** Fraction of the training windows held out for validation (stratified). */
  validationSplit: number
  /** Seeds weight initialisation, dropout and shuffling: same seed, same data, same model. */
  seed: number
  /** 'auto': tfjs-node when it loads, else wasm, else cpu. */
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'
  /** Weigh each class's loss by how rare it is, so a large class cannot drown a small one. */
  balanceClasses: boolean
}

export const DEFAULT_TRAIN_OPTIONS: Omit<TrainOptions, 'spec'> = {
  preprocessing: {},
  epochs: 60,
  // The default model is the 1D CNN: its preset's recommended settings.
  batchSize: 32,
  learningRate: 0.002,
  optimizer: 'adam',
  earlyStoppingPatience: 15,
  validationSplit: 0.2,
  seed: 42,
  backend: 'auto',
  balanceClasses: true
}

export const trainOptionsSchema = z
  .object({
    spec: modelSpecSchema.optional(),
    preset: z.enum(['dense', 'cnn1d', 'dscnn']).optional(),
    preprocessing: preprocessingChoiceSchema.optional(),
    epochs: z.number().int().min(1).max(10_000).optional(),
    batchSize: z.number().int().min(1).max(4096).optional(),
    learningRate: z.number().positive().max(10).optional(),
    optimizer: z.enum(['adam', 'sgd', 'rmsprop']).optional(),
    earlyStoppingPatience: z.number().int().min(0).max(10_000).optional(),
    validationSplit: z.number().min(0).max(0.5).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).optional(),
    balanceClasses: z.boolean().optional()
  })
  .strict()

/** What training.start accepts: every field optional (a preset name is enough). */
export type TrainRequest = z.infer<typeof trainOptionsSchema>

/** One row of a model summary (computed without tfjs). */
export interface LayerSummary {
  name: string
  /** Keras class name: Conv1D, Dense, ... */
  kind: string
  /** Output shape without the batch dimension. */
  outputShape: number[]
  params: number
  macs: number
}

export interface ModelSummary {
  inputShape: number[]
  classes: number
  layers: LayerSummary[]
  totalParams: number
  totalMacs: number
  /** Weights as float32. */
  float32Bytes: number
  /** Keras-like text table. */
  text: string
}

/** Progress data of one epoch, sent as the job update's data. */
export interface EpochMetrics {
  epoch: number
  epochs: number
  loss: number
  acc: number
  valLoss: number | null
  valAcc: number | null
  ms: number
  windowsPerSecond: number
}

export interface ClassMetrics {
  label: string
  precision: number
  recall: number
  support: number
}

export interface Misclassified {
  id: string
  label: string
  predicted: string
  confidence: number
}

export interface EvaluationResult {
  accuracy: number
  loss: number
  /** confusion[true][predicted], in class order. */
  confusion: number[][]
  classes: string[]
  perClass: ClassMetrics[]
  misclassified: Misclassified[]
  windows: number
}

/** Accuracy on the test windows without any training, on the same split and preprocessing. */
export interface BaselineResult {
  /** Each test window takes the class of its nearest training window. */
  nearestNeighbour: number
  /** Each test window takes the class whose mean training window is nearest. */
  nearestClassMean: number
  windows: number
}

/** What Train says when its model is below the baseline, and the one-click fix. */
export interface TrainAdvice {
  message: string
  causes: string[]
  /** Label of the fix button / CLI hint. */
  fixLabel: string
  /** The training request that applies the fix (training.start with it). */
  fix: TrainRequest
}

/** What a finished training job returns (also saved as models/float/training.json). */
export interface TrainResult {
  backend: string
  /** Set when the wasm backend failed and training ran on cpu: the reason, shown in Train and `train --json`. */
  backendFallback?: string
  modelPath: string
  testAccuracy: number
  test: EvaluationResult
  history: EpochMetrics[]
  stoppedEarly: boolean
  bestEpoch: number
  epochsRun: number
  trainWindows: number
  validationWindows: number
  testWindows: number
  /** Ids of the test windows, so a later evaluation uses the same ones. */
  testIds: string[]
  summary: ModelSummary
  preprocessing: Preprocessing
  options: TrainOptions
  classes: string[]
  /** Missing in results saved before baselines existed. */
  baseline?: BaselineResult
  /** Set when the model is below the baseline. */
  advice?: TrainAdvice | null
  trainMs: number
  finishedAt: string
}
