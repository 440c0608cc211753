import type { ErrorData } from '../../shared/errors'
import type { BaselineResult, EpochMetrics, EvaluationResult } from '../../shared/training'
import type { ModelJson } from '../core/train/artifacts'
import type { TrainLoopConfig, WindowSet } from '../core/train/train-loop'

/** Messages between the training service and train-worker.ts. Everything is structured-clone data. */
export type TrainWorkerRequest =
  | {
      kind: 'train'
      backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'
      config: TrainLoopConfig
      train: WindowSet
      val: WindowSet | null
      test: WindowSet
      /** Shared flag [0] = 1 when cancelled: seen between batches without waiting for the event loop. */
      cancelFlag: Int32Array
    }
  | {
      kind: 'evaluate'
      backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'
      /** The project's float model (models/float), read by the service. */
      modelJson: ModelJson
      weights: ArrayBuffer
      inputShape: [number, number]
      classes: string[]
      test: WindowSet
    }

export interface TrainWorkerResult {
  backend: string
  history: EpochMetrics[]
  stoppedEarly: boolean
  bestEpoch: number
  test: EvaluationResult
  /** Nearest-neighbour accuracy on the same test windows. */
  baseline: BaselineResult
  modelJson: ModelJson
  /** Transferred, not copied. */
  weights: ArrayBuffer
  /** tf.memory().numTensors after the job minus before it: 0 unless something leaked. */
  leakedTensors: number
}

export interface EvaluateWorkerResult {
  backend: string
  test: EvaluationResult
  leakedTensors: number
}

export type WorkerOut =
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'result'; result: TrainWorkerResult | EvaluateWorkerResult }
  | { type: 'error'; error: ErrorData }

export type WorkerIn = { type: 'cancel' }
