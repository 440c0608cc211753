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

async function tryWasm(): Promise<boolean> {
  try {
    if (!wasmPathsSet) {
      setWasmPaths(wasmDistDir())
      wasmPathsSet = true
    }
    registerWasmGradKernels()
    return await tf.setBackend('wasm')
  } catch {
    return false
  }
}

/**
 * Picks the training backend: tfjs-node when it loads, else wasm, else the pure JavaScript cpu
 * backend (slow but always there). An explicit choice that cannot load is an error, not a silent
 * fallback, so benchmarks never measure the wrong thing.
 */
export async function initTrainingBackend(preferred: 'auto' | TrainingBackend = 'auto'): Promise<TrainingBackend> {
  // PROD skips per-op debug checks and the "install tfjs-node" console banner.
  tf.env().set('PROD', true)
  const order: TrainingBackend[] = preferred === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [preferred]
  for (const name of order) {
    if (tf.getBackend() === name && tf.findBackend(name)) return name
    const ok = name === 'tensorflow' ? await tryTensorflow() : name === 'wasm' ? await tryWasm() : await tf.setBackend('cpu')
    if (ok) {
      await tf.ready()
      return name
    }
  }
  throw new MicroforgeError(
    'UNSUPPORTED',
    `The training backend "${preferred}" cannot load on this computer.`,
    preferred === 'tensorflow' ? 'Install @tensorflow/tfjs-node, or choose the wasm backend.' : 'Choose the automatic backend.'
  )
}

export { tf }
