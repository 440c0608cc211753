import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelJson } from '../../src/main/core/train/artifacts'
import type { Services } from '../../src/main/services'
import { ProjectService } from '../../src/main/services/project-service'
import type { GenerateResult } from '../../src/shared/contract/deploy'
import { currentLineage, dataFingerprint } from '../../src/main/storage/lineage'
import { readWindowHeads } from '../../src/main/storage/samples'
import { writeModelFolder } from '../../src/main/storage/model-io'
import { converterModelsDir } from './fixtures'

export const HELLO_WORLD_TFLITE = join(converterModelsDir, 'hello_world_int8.tflite')

/**
 * Makes a project Deploy can generate firmware for from TensorFlow Lite Micro's hello_world int8
 * model: one class, a one-sample window of one axis (aX), no normalization, and the model as the
 * variant `hello_int8`. Input 1.5708 quantizes to -64, which the model maps to 126 (sin(pi/2) = 1).
 */
export async function prepareHelloProject(projects: ProjectService, dir: string): Promise<void> {
  await projects.update(dir, {
    classes: [{ name: 'sine', color: '#4e79a7' }],
    signal: {
      axes: ['aX'],
      sampleRateHz: 50,
      rateSource: 'user',
      sensor: { baud: 115200, port: null },
      windowLength: 1,
      preprocessing: { method: 'none', axes: ['aX'], windowLength: 1, offset: [0], scale: [1] }
    }
  })
  mkdirSync(join(dir, 'models', 'variants'), { recursive: true })
  copyFileSync(HELLO_WORLD_TFLITE, join(dir, 'models', 'variants', 'hello_int8.tflite'))
}

/** A one-value aX window as the Capture step stores it. */
export function writeSampleWindow(projectDir: string, id: string, aX: number, split: 'train' | 'test' = 'test'): void {
  mkdirSync(join(projectDir, 'samples'), { recursive: true })
  writeFileSync(
    join(projectDir, 'samples', `${id}.json`),
    JSON.stringify({ format: 'microforge-sample', version: 1, id, label: 'sine', split, axes: ['aX'], rateHz: 50, values: [[aX]], source: 'test', createdAt: new Date().toISOString() })
  )
}

/** A model.json with one float32 weight `w` in weights.bin, and the given metadata. */
export function oneWeightModelJson(userDefinedMetadata: ModelJson['userDefinedMetadata']): ModelJson {
  return {
    format: 'layers-model',
    generatedBy: 'test',
    convertedBy: null,
    modelTopology: {},
    weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [1], dtype: 'float32' }] }],
    userDefinedMetadata
  }
}

/**
 * A float model as Train writes it, fingerprinted with the project's current samples; its one
 * weight tells two trainings apart. Returns the model's lineage id.
 */
export async function writeTrainedFloatModel(dir: string, weight: number): Promise<string> {
  const modelJson = oneWeightModelJson({ dataFingerprint: dataFingerprint((await readWindowHeads(dir)).heads) })
  await writeModelFolder(join(dir, 'models', 'float'), modelJson, new Float32Array([weight]).buffer)
  return (await currentLineage(dir)).model as string
}

/** Classify firmware of hello_int8 for a Nano 33 BLE (C runtime, PlatformIO), over any earlier one; allowStale builds it from an earlier model. */
export function generateHelloClassify(services: Services, dir: string, allowStale = false): Promise<GenerateResult> {
  return services.api.deploy.generate({ projectDir: dir, variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'classify', kind: 'platformio', overwrite: true, ...(allowStale ? { allowStale } : {}) })
}

/** models/variants/index.json listing the hello_int8 variant as made from the float model `sourceModel`. */
export function writeHelloVariantIndex(dir: string, sourceModel: string): void {
  writeFileSync(join(dir, 'models', 'variants', 'index.json'), JSON.stringify({ version: 1, floatAccuracy: null, variants: [{ name: 'hello_int8', sourceModel, latency: [] }], sweeps: [] }))
}

/**
 * The generated firmware's input quantization in TypeScript (mf_infer_c.cpp): float32 division by
 * the float32 scale, lroundf (half away from zero), plus the zero point, clamped to int8.
 */
export function quantizeLikeFirmware(x: number, scale: number, zeroPoint: number): number {
  const v = Math.fround(Math.fround(x) / Math.fround(scale))
  const r = Math.sign(v) * Math.round(Math.abs(v))
  return Math.min(127, Math.max(-128, r + zeroPoint))
}

/** The firmware's classify line prints dequantized scores with three decimals (print_float). */
export function scoreLikeFirmware(q: number, scale: number, zeroPoint: number): number {
  const v = Math.fround(Math.fround(scale) * Math.fround(q - zeroPoint))
  const scaled = Math.trunc(Math.fround(Math.fround(v * 1000) + (v < 0 ? -0.5 : 0.5)))
  return scaled / 1000
}
