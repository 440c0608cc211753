import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runTflite } from '../../helpers/run-tflite'

export interface TflmLoad {
  /** AllocateTensors succeeded (run_tflite exits 0, or 4 when only Invoke failed). */
  loads: boolean
  status: number
  stderr: string
}

/** Whether TensorFlow Lite Micro's AllocateTensors accepts the model (one zero-filled run). */
export function tflmLoads(bytes: Uint8Array): TflmLoad {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-tflm-load-'))
  try {
    const file = path.join(dir, 'model.tflite')
    writeFileSync(file, bytes)
    const [r] = runTflite(file)
    if (r.ok) return { loads: true, status: 0, stderr: '' }
    return { loads: r.refusal.status === 4, status: r.refusal.status, stderr: r.refusal.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
