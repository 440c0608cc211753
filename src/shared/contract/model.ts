import { z } from 'zod'
// Type-only: the inspection report is plain data produced by the pure TFLite inspector.
import type { InspectSummary } from '../../main/core/tflite/inspect'
import type { ArgSchemas } from './types'

export type ModelInspection = InspectSummary & { path: string }

export interface ModelFile {
  /** Path relative to the project folder, e.g. models/variants/ptq.tflite. */
  relPath: string
  path: string
  bytes: number
  modifiedAt: string
}

/** Reading models: any .tflite on disk, and the model files a project holds. */
export interface ModelApi {
  /** Reads and inspects a .tflite: operators, tensors, quantization, sizes, arena, TFLM problems. */
  inspect(path: string): Promise<ModelInspection>
  /** Every .tflite under <project>/models, newest first. */
  list(projectDir: string): Promise<ModelFile[]>
}

const path = z.string().min(1).max(4096)

export const modelArgs: ArgSchemas<ModelApi> = {
  inspect: z.tuple([path]),
  list: z.tuple([path])
}
