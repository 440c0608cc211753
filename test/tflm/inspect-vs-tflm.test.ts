/**
 * inspect's tflmSupported against TensorFlow Lite Micro itself: for every .tflite fixture in the
 * repository, recurrent models (LSTM, SVDF) and int8 models on the edge of what TFLM's kernels
 * accept, tflmSupported is true exactly when TFLM's AllocateTensors succeeds. (The Optimize
 * variants get the same check in optimize-variants.test.ts.)
 */
import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { inspectTflite } from '../../src/main/core/inspect/inspect-model'
import { fixturesDir } from '../helpers/fixtures'
import { int8Lstm, int8Svdf } from '../helpers/recurrent-models'
import { TFLM_EDGE_MODELS } from '../helpers/tflm-edge-models'
import { compareThreeWay } from './helpers/three-way'
import { tflmLoads } from './helpers/tflm-loads'

function tflites(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? tflites(p) : e.name.endsWith('.tflite') ? [p] : []
  })
}

const fixtures = tflites(fixturesDir).map((f) => ({ name: path.relative(fixturesDir, f), bytes: () => new Uint8Array(readFileSync(f)) }))
const models = [...fixtures, { name: 'int8 UNIDIRECTIONAL_SEQUENCE_LSTM', bytes: () => int8Lstm() }, { name: 'int8 SVDF', bytes: () => int8Svdf() }, { name: 'hybrid LSTM (float activations, int8 weights)', bytes: () => int8Lstm(31, 'FLOAT32') }, ...TFLM_EDGE_MODELS]

describe('inspect says what TFLM says', () => {
  it('has every fixture .tflite, the recurrent models and the edge models', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20)
  })

  it.each(models.map((m) => [m.name, m] as const))('%s', (_name, m) => {
    const bytes = m.bytes()
    const tflm = tflmLoads(bytes)
    const summary = inspectTflite(bytes)
    const said = summary.problems.map((p) => p.message).join(' ')
    expect(summary.tflmSupported, `inspect: ${said || 'no problems'}; TFLM status ${tflm.status}: ${tflm.stderr.trim()}`).toBe(tflm.loads)
  })

  it('TFLM loads and runs the int8 LSTM and SVDF models, and inspect accepts them', () => {
    for (const bytes of [int8Lstm(), int8Svdf()]) {
      expect(inspectTflite(bytes).tflmSupported).toBe(true)
      expect(tflmLoads(bytes)).toEqual({ loads: true, status: 0, stderr: '' })
    }
  })
})

describe('the interpreter on the converter models TFLM runs', () => {
  it.each(['hello_world_int8', 'gesture_dense_float32'])('%s: identical to TFLM on 50 inputs', (name) => {
    const bytes = new Uint8Array(readFileSync(path.join(fixturesDir, 'models', `${name}.tflite`)))
    const n = name === 'hello_world_int8' ? 1 : 180
    const inputs = Array.from({ length: 50 }, (_, k) => (name === 'hello_world_int8' ? Int8Array.from({ length: n }, () => (k * 5) % 256 - 128) : Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.1 + k))))
    const r = compareThreeWay(bytes, inputs)
    expect(r.mismatches).toEqual([])
  })
})
