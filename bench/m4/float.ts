/**
 * The float32 models of `npm run bench -- m4`: the presets and their structured-pruned forms
 * exported as float32 at the bench window (held out: the float cost models are checked on them),
 * the committed trained float32 gesture model, and the 1D sweep models exported as float32 (the
 * float cost models are fitted to these only). Microforge's C runtime runs int8 models only, so
 * float32 runs on TFLM: reference kernels, and the CMSIS-NN library, whose float32 operators are
 * the reference kernels too.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { exportModel } from '../../src/main/core/export/export-model'
import { repoRoot } from './build'
import { presetBenchModels, type BenchModel } from './models'
import { sweepIrs } from './sweep'

const float32 = (ir: Parameters<typeof exportModel>[0]): Uint8Array => exportModel(ir, { mode: 'float32' }).bytes

export function floatBenchModels(): BenchModel[] {
  const out = presetBenchModels(float32, { plain: (t) => `${t} float32`, pruned: (t) => `${t} structured-pruned float32` })
  out.push({ name: 'gesture dense float32 (trained)', tflite: new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'models', 'gesture_dense_float32.tflite'))) })
  return out
}

export function floatSweepModels(): BenchModel[] {
  return sweepIrs().map(({ ir }) => ({ name: `${ir.name} float32`, tflite: float32(ir) }))
}
