import { existsSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './tmp'

/**
 * The TensorFlow Lite Micro SDK used as the oracle by `npm run test:tflm`, `npm run golden` and the m4 bench:
 * the folder named by `MICROFORGE_TFLM` (`.ci/run` sets it). Nothing in the repository assumes where it lives.
 * `npm test` never calls this; the oracle suite fails (never skips) when the SDK is missing.
 */
export function tflmSdkDir(): string {
  const given = process.env.MICROFORGE_TFLM
  if (!given) {
    throw new Error(
      'MICROFORGE_TFLM is not set. The TFLM oracle needs TensorFlow Lite Micro built on this machine: ' +
        'set MICROFORGE_TFLM to the folder that holds bin/run_tflite, host/libtflm.a, cortex-m4/ and include/ (`npm test` does not need it).'
    )
  }
  const dir = path.resolve(repoRoot, given)
  if (!existsSync(path.join(dir, 'bin', 'run_tflite'))) {
    throw new Error(
      `TensorFlow Lite Micro SDK not found at ${dir} (no bin/run_tflite). ` +
        'Set MICROFORGE_TFLM to the folder that holds bin/run_tflite, host/libtflm.a, cortex-m4/ and include/.'
    )
  }
  return dir
}
