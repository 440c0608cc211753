import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { generateCRuntimeModel } from '../../src/main/core/codegen/c-runtime'
import { generatePreprocessingHeader } from '../../src/main/core/codegen/preprocessing-header'
import { repoRoot, sharedDir } from './tmp'

export const HELLO_WORLD_TFLITE = join(sharedDir, 'models', 'converter', 'hello_world_int8.tflite')

/**
 * A firmware folder laid out as Deploy writes it for the C runtime (mf_model.c/.h, preprocessing.h,
 * mf_runtime.c/.h), generated from TensorFlow Lite Micro's hello_world int8 model with a
 * one-sample, one-axis (aX) window. Input 1.5708 quantizes to -64, which the model maps to 126.
 */
export function writeHelloWorldFirmware(dir: string): string {
  mkdirSync(dir, { recursive: true })
  const g = generateCRuntimeModel(cgModelFromTflite(new Uint8Array(readFileSync(HELLO_WORLD_TFLITE))))
  for (const f of g.files) writeFileSync(join(dir, f.path), f.contents)
  const pre = generatePreprocessingHeader({ axes: ['aX'], windowLength: 1, offset: [0], scale: [1], method: 'none' }, { classes: ['sine'], sampleRateHz: 50 })
  writeFileSync(join(dir, pre.path), pre.contents)
  for (const f of ['mf_runtime.c', 'mf_runtime.h']) copyFileSync(join(repoRoot, 'resources', 'firmware', 'c-runtime', f), join(dir, f))
  return dir
}

/** A one-value aX window as the Capture step stores it. */
export function writeSampleWindow(projectDir: string, id: string, aX: number, split: 'train' | 'test' = 'test'): void {
  mkdirSync(join(projectDir, 'samples'), { recursive: true })
  writeFileSync(
    join(projectDir, 'samples', `${id}.json`),
    JSON.stringify({ format: 'microforge-sample', version: 1, id, label: 'sine', split, axes: ['aX'], rateHz: 50, values: [[aX]], source: 'test', createdAt: new Date().toISOString() })
  )
}

/**
 * The firmware's input quantization in TypeScript (mf_quantize_f32_s8): float32 preprocessing,
 * then round half away from zero of x / scale in double, plus the zero point, clamped to int8.
 */
export function quantizeLikeFirmware(x: number, scale: number, zeroPoint: number): number {
  const v = Math.fround(x) / scale
  const r = Math.trunc(v) + (v - Math.trunc(v) >= 0.5 ? 1 : v - Math.trunc(v) <= -0.5 ? -1 : 0)
  return Math.min(127, Math.max(-128, r + zeroPoint))
}
