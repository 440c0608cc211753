/**
 * The models of `npm run bench -- m4`: every preset at the window the issue measured (119 samples
 * x 6 axes, 2 classes; seeded random weights, int8 PTQ calibrated on seeded random windows), each
 * also structured-pruned by half, plus TFLM's hello_world (the converter model in the fixtures)
 * and a micro_speech-shaped model built with the TFLite writer.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { exportModel } from '../../src/main/core/export/export-model'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { mulberry32 } from '../../src/main/core/util/random'
import type { PresetId } from '../../src/shared/training'
import { presetIr, prunedPresetIr } from '../../test/integration/helpers/preset-models'
import { microSpeechShaped } from '../../test/integration/helpers/shaped-models'
import { repoRoot } from './build'

export interface BenchModel {
  name: string
  tflite: Uint8Array
}

const WINDOW = 119
const AXES = 6

function calibration(count: number, seed: number): Float32Array[] {
  const r = mulberry32(seed)
  return Array.from({ length: count }, () => Float32Array.from({ length: WINDOW * AXES }, () => (r() * 2 - 1) * 2))
}

function ptq(ir: ModelIR): Uint8Array {
  return exportModel(ir, { mode: 'int8', representativeData: calibration(16, 5) }).bytes
}

/**
 * Every preset at the bench window (WINDOW x AXES, 2 classes, seed 3), as is and structured-pruned,
 * each encoded by `encode`; `name` gives each model's name from the preset's title.
 */
export function presetBenchModels(encode: (ir: ModelIR) => Uint8Array, name: { plain: (title: string) => string; pruned: (title: string) => string }): BenchModel[] {
  const presets: Array<[PresetId, string]> = [
    ['dense', 'dense'],
    ['cnn1d', '1D CNN'],
    ['dscnn', 'DS-CNN']
  ]
  const out: BenchModel[] = []
  for (const [id, title] of presets) {
    out.push({ name: name.plain(title), tflite: encode(presetIr(id, WINDOW, AXES, 2, 3)) })
    out.push({ name: name.pruned(title), tflite: encode(prunedPresetIr(id, WINDOW, AXES, 2, 3)) })
  }
  return out
}

export function benchModels(): BenchModel[] {
  const out = presetBenchModels(ptq, { plain: (t) => `${t} PTQ`, pruned: (t) => `${t} structured-pruned` })
  out.push({ name: 'hello_world', tflite: new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'models', 'hello_world_int8.tflite'))) })
  out.push({ name: 'micro_speech (shape)', tflite: microSpeechShaped() })
  return out
}
