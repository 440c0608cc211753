import { z } from 'zod'
import type { ArgSchemas } from './types'

/** What the model inspector reports about a .tflite: plain data, produced in core, shown by the UI and the CLI. */
export interface TensorSummary {
  index: number
  name: string
  /** TFLite tensor type name, e.g. INT8, FLOAT32. */
  type: string
  shape: number[]
  bytes: number
  isConstant: boolean
  /** Per-tensor scale, or the first channel's; null when not quantized. */
  scale: number | null
  zeroPoint: number | null
  /** Present for per-channel quantization. */
  scales?: number[]
  zeroPoints?: number[]
  quantizedDimension?: number
}

export interface OperatorSummary {
  index: number
  op: string
  version: number
  inputs: number[]
  outputs: number[]
  options: Record<string, unknown>
}

export type ProblemKind = 'hybrid' | 'float16' | 'unsupported-op' | 'custom-op' | 'unsupported-type' | 'sparse' | 'quantization'

export interface Problem {
  kind: ProblemKind
  /** Operator index, or null for a problem with a tensor or the whole model. */
  operator: number | null
  message: string
}

export interface InspectSummary {
  schemaVersion: number
  description: string
  subgraphs: number
  /** Builtin names of the main graph's operators, in execution order. */
  ops: string[]
  operators: OperatorSummary[]
  inputs: TensorSummary[]
  outputs: TensorSummary[]
  tensors: TensorSummary[]
  /** Whether TensorFlow Lite Micro can run this model (no problems found). */
  tflmSupported: boolean
  problems: Problem[]
  /** Whether Microforge's own interpreter can run it (it also runs hybrid and float16 models). */
  microforgeRunnable: boolean
  microforgeProblem: string | null
  sizes: {
    fileBytes: number
    constantBytes: number
    /** Sum of all activation tensors (no reuse). */
    activationBytes: number
    /** RAM: TFLM's arena (planned activations + estimated bookkeeping) and our C runtime's (activations only). */
    arena: { tflmEstimateBytes: number; tflmPlannedBytes: number; runtimeBytes: number }
  }
}

export type ModelInspection = InspectSummary & { path: string }

export interface ModelFile {
  /** Path relative to the project folder, e.g. models/variants/ptq.tflite. */
  relPath: string
  path: string
  bytes: number
  modifiedAt: string
}

/** One run of a .tflite: each output tensor's values, type and shape. */
export interface ModelRunResult {
  outputs: number[][]
  types: string[]
  shapes: number[][]
}

/** Reading models: any .tflite on disk, and the model files a project holds. */
export interface ModelApi {
  /** Reads and inspects a .tflite: operators, tensors, quantization, sizes, arena, TFLM problems. */
  inspect(path: string): Promise<ModelInspection>
  /**
   * Runs a .tflite once with Microforge's interpreter (TensorFlow Lite Micro arithmetic). One input
   * file per input tensor: raw bytes in the tensor's type, or numbers as .json, .txt or .csv.
   */
  run(path: string, inputFiles: string[]): Promise<ModelRunResult>
  /** Every .tflite under <project>/models, newest first. */
  list(projectDir: string): Promise<ModelFile[]>
}

const path = z.string().min(1).max(4096)

export const modelArgs: ArgSchemas<ModelApi> = {
  inspect: z.tuple([path]),
  run: z.tuple([path, z.array(path).max(64)]),
  list: z.tuple([path])
}
