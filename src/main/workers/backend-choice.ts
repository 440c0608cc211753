import { chooseTrainingBackend, type BackendChoice, type TrainingBackend } from '../core/train/backend'

/**
 * The training backend for a worker (train, search, evaluate, optimize): one choice, so every path
 * that trains reports a wasm -> cpu fallback with its reason. MICROFORGE_WASM_DIR names another
 * folder holding tfjs-backend-wasm's .wasm files (a packaged app; a test that needs wasm to fail).
 */
export function workerBackend(preferred: 'auto' | TrainingBackend): Promise<BackendChoice> {
  const wasmDir = process.env.MICROFORGE_WASM_DIR
  return wasmDir ? chooseTrainingBackend(preferred, wasmDir) : chooseTrainingBackend(preferred)
}
