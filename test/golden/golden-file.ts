/**
 * The golden fixture format (test/fixtures/golden/NAME.json beside NAME.tflite): what TensorFlow Lite
 * Micro computed for each input, written by `npm run golden` and read by the golden runner.
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { fixturesDir } from '../helpers/fixtures'

export const GOLDEN_DIR = path.join(fixturesDir, 'golden')

export interface GoldenTensor {
  type: 'INT8' | 'FLOAT32'
  shape: number[]
  /** 0 for float32 tensors, as TFLM prints them. */
  scale: number
  zeroPoint: number
}

export interface GoldenCase {
  label: string
  /** Input values (int8 integers, or float32 values exactly representable). */
  input: number[]
  /** TFLM's output values: int8 integers or exact float32 values. */
  output: number[]
}

export interface GoldenFile {
  name: string
  about: string
  source: 'exporter' | 'builder'
  ops: string[]
  tflm: {
    revision: string
    /** MicroInterpreter::arena_used_bytes() of the host (x86-64) reference build; a 32-bit target uses less. */
    hostArenaUsedBytes: number
  }
  input: GoldenTensor
  output: GoldenTensor
  cases: GoldenCase[]
}

export interface LoadedGolden extends GoldenFile {
  tflite: Uint8Array
}

export function loadGoldens(dir = GOLDEN_DIR): LoadedGolden[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const g = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as GoldenFile
      return { ...g, tflite: new Uint8Array(readFileSync(path.join(dir, `${g.name}.tflite`))) }
    })
}

/** One case per line, so a diff shows which input changed. */
export function formatGolden(g: GoldenFile): string {
  const { cases, ...head } = g
  const top = JSON.stringify(head, null, 2).replace(/\n}$/, '')
  const lines = cases.map((c) => `    ${JSON.stringify(c)}`)
  return `${top},\n  "cases": [\n${lines.join(',\n')}\n  ]\n}\n`
}

/** Typed arrays for the interpreter and the C harness. */
export function typedValues(type: GoldenTensor['type'], values: number[]): Int8Array | Float32Array {
  return type === 'FLOAT32' ? Float32Array.from(values) : Int8Array.from(values)
}
