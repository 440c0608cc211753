import { readFileSync } from 'node:fs'
import path from 'node:path'
import { repoRoot } from './tmp'

/** Everything the tests read lives here, inside the repository (see the READMEs for sources and licences). */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures')
/** Models written by the real TensorFlow Lite converter. */
export const converterModelsDir = path.join(fixturesDir, 'models')
/** The real MPU6050 punch/flex recordings (MIT). */
export const PUNCH_FLEX_DIR = path.join(fixturesDir, 'datasets', 'mpu6050-punch-flex')

export type ConverterModel = 'hello_world_int8' | 'gesture_dense_float32' | 'gesture_dense_dynamic_range_int8' | 'gesture_dense_float16'

export function converterModel(name: ConverterModel): Uint8Array {
  return new Uint8Array(readFileSync(path.join(converterModelsDir, `${name}.tflite`)))
}

/** A file under test/fixtures, as bytes. */
export function readFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(path.join(fixturesDir, ...parts)))
}
