import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** /work/shared sits next to the repository; its converter models are fixtures made by the real TFLite converter. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const sharedModelsDir = path.resolve(repoRoot, '..', 'shared', 'models', 'converter')

export type SharedModel = 'hello_world_int8' | 'gesture_dense_float32' | 'gesture_dense_dynamic_range_int8' | 'gesture_dense_float16'

export function sharedModel(name: SharedModel): Uint8Array {
  return new Uint8Array(readFileSync(path.join(sharedModelsDir, `${name}.tflite`)))
}
