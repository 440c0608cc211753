import type { ErrorData } from '../../shared/errors'
import type { TargetId, VariantFormat, VariantKind } from '../../shared/optimize'
import type { ModelIR } from '../core/model/model-ir'
import type { EpochReport } from '../core/optimize/finetune'
import type { VariantMetrics } from '../core/optimize/measure'
import type { TechniqueOptions } from '../core/optimize/variants'
import type { ModelJson } from '../core/train/artifacts'
import type { WindowSet } from '../core/train/train-loop'

/** Messages between the optimize service and optimize-worker.ts. Everything is structured-clone data. */
export interface OptimizeWorkerRequest {
  kind: VariantKind
  /** The project's float model (models/float), read by the service. */
  modelJson: ModelJson
  weights: ArrayBuffer
  classes: string[]
  backend: 'auto' | 'tensorflow' | 'wasm' | 'cpu'
  train: WindowSet
  test: WindowSet
  options: Partial<TechniqueOptions>
  corrections: Partial<Record<TargetId, number>>
  /** Shared flag [0] = 1 when cancelled: seen between batches without waiting for the event loop. */
  cancelFlag: Int32Array
}

export interface OptimizeWorkerResult {
  backend: string
  /** Set when wasm failed to load and the fine-tuning ran on cpu: the reason. */
  backendFallback?: string
  kind: VariantKind
  format: VariantFormat
  /** The exported .tflite, transferred. */
  bytes: ArrayBuffer
  metrics: VariantMetrics
  settings: Record<string, unknown>
  /** The exported model's layers and widths (structured pruning and students differ from the float model). */
  model: Pick<ModelIR, 'name' | 'inputShape' | 'classes'> & { layers: Array<{ name: string; type: string }> }
  warnings: string[]
  /** Distillation: the same student trained from scratch, exported and measured the same way. */
  baseline?: { accuracy: number; tfliteBytes: number }
  ms: number
}

export type OptimizeWorkerOut =
  | { type: 'epoch'; report: EpochReport }
  | { type: 'stage'; message: string }
  | { type: 'result'; result: OptimizeWorkerResult }
  | { type: 'error'; error: ErrorData }
