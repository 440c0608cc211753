import { createRequire } from 'node:module'
import { dirname, sep } from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { MicroforgeError } from '../../../shared/errors'
import { registerWasmGradKernels } from './wasm-grad-kernels'

export type TrainingBackend = 'tensorflow' | 'wasm' | 'cpu'

// Not named `require`: electron-vite injects a `require` shim into ESM bundles.
const requireHere = createRequire(import.meta.url)
// A variable keeps bundlers and tsc from resolving the optional native package at build time.
const TFJS_NODE = '@tensorflow/tfjs-node'
let wasmPathsSet = false

/**
 * The folder of the .wasm binaries inside the installed package: offline, no fetch. In a packaged
 * app electron-builder.yml's asarUnpack puts them beside app.asar, in app.asar.unpacked, where a
 * plain file read works; the mapping is a string rule so this module needs no file system.
 */
export function wasmDistDir(packageEntry: string = requireHere.resolve('@tensorflow/tfjs-backend-wasm')): string {
  return (dirname(packageEntry) + sep).replace(`app.asar${sep}`, `app.asar.unpacked${sep}`)
}

async function tryTensorflow(): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ TFJS_NODE)
    return await tf.setBackend('tensorflow')
  } catch {
    // Not installed (it is optional: a native addon with no offline prebuild) or failed to load.
    return false
  }
}

/** Loads the wasm backend; on failure, why (the reason is shown, never swallowed). */
async function tryWasm(wasmDir: string): Promise<string | null> {
  try {
    if (!wasmPathsSet) {
      setWasmPaths(wasmDir)
      wasmPathsSet = true
    }
    registerWasmGradKernels()
    return (await tf.setBackend('wasm')) ? null : `tfjs could not initialise it from ${wasmDir}`
  } catch (err) {
    return (err as Error)?.message ?? String(err)
  }
}

export interface BackendChoice {
  backend: TrainingBackend
  /** Set when the automatic choice fell back to the slow cpu backend because wasm failed: the reason, for the user. */
  fallback: string | null
}

/**
 * Picks the training backend: tfjs-node when it loads, else wasm, else the pure JavaScript cpu
 * backend (slow but always there). An explicit choice that cannot load is an error, not a silent
 * fallback, so benchmarks never measure the wrong thing.
 */
export async function initTrainingBackend(preferred: 'auto' | TrainingBackend = 'auto'): Promise<TrainingBackend> {
  return (await chooseTrainingBackend(preferred)).backend
}

/** initTrainingBackend, also saying why it fell back to cpu when it did. */
export async function chooseTrainingBackend(preferred: 'auto' | TrainingBackend = 'auto', wasmDir: string = wasmDistDir()): Promise<BackendChoice> {
  // PROD skips per-op debug checks and the "install tfjs-node" console banner.
  tf.env().set('PROD', true)
  const order: TrainingBackend[] = preferred === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preferred]
  let wasmFailure: string | null = null
  for (const name of order) {
    if (tf.getBackend() === name && tf.findBackend(name)) return { backend: name, fallback: null }
    let ok: boolean
    if (name === 'wasm') {
      wasmFailure = await tryWasm(wasmDir)
      ok = wasmFailure === null
    } else ok = name === 'tensorflow' ? await tryTensorflow() : await tf.setBackend('cpu')
    if (ok) {
      await tf.ready()
      const fallback = name === 'cpu' && wasmFailure !== null ? `The wasm training backend did not load (${wasmFailure}), so this runs on the much slower cpu backend. Reinstall Microforge (npm ci) to restore it.` : null
      return { backend: name, fallback }
    }
  }
  throw new MicroforgeError(
    'UNSUPPORTED',
    `The training backend "${preferred}" cannot load on this computer.`,
    preferred === 'tensorflow' ? 'Install @tensorflow/tfjs-node, or choose the wasm backend.' : 'Choose the automatic backend.'
  )
}

export { tf }
