import { existsSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './tmp'

/**
 * The TensorFlow Lite Micro SDK used as the oracle by `npm run test:tflm`, `npm run golden` and the m4 bench:
 * `MICROFORGE_TFLM` when set, else the `tflm/` folder of a `shared/` checkout beside the repository.
 * `npm test` never calls this; the oracle suite fails (never skips) when the SDK is missing.
 */
export function tflmSdkDir(): string {
  const dir = process.env.MICROFORGE_TFLM ? path.resolve(process.env.MICROFORGE_TFLM) : path.resolve(repoRoot, '..', 'shared', 'tflm')
  if (!existsSync(path.join(dir, 'bin', 'run_tflite'))) {
    throw new Error(
      `TensorFlow Lite Micro SDK not found at ${dir} (no bin/run_tflite). ` +
        'Set MICROFORGE_TFLM to the folder that holds bin/run_tflite, host/libtflm.a, cortex-m4/ and include/.'
    )
  }
  return dir
}
