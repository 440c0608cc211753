import type { ErrorData } from '../../shared/errors'
import type { CandidateResult } from '../../shared/search'
import type { BaselineResult, EpochMetrics, EvaluationResult } from '../../shared/training'
import type { SearchConfig } from '../core/train/search-run'
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
      kind: 'search'
      backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'
      config: SearchConfig
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
  /** Why training fell back to the cpu backend (wasm failed to load), when it did. */
  backendFallback?: string
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

/** The search's candidates and its best model, ready to save like a training result. */
export interface SearchWorkerResult extends TrainWorkerResult {
  candidates: CandidateResult[]
  skipped: number
  bestId: string
  /** Cancelled by the user after some candidates finished: this is the best of those. */
  stoppedByUser: boolean
}

export interface EvaluateWorkerResult {
  backend: string
  test: EvaluationResult
  leakedTensors: number
}

export type WorkerOut =
  | { type: 'epoch'; metrics: EpochMetrics }
  | { type: 'candidate'; result: CandidateResult; tried: number; elapsedMs: number }
  | { type: 'result'; result: TrainWorkerResult | SearchWorkerResult | EvaluateWorkerResult }
  | { type: 'error'; error: ErrorData }

export type WorkerIn = { type: 'cancel' }
