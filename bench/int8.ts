/**
 * `npm run bench -- int8`: inferences per second of our TFLM-exact TypeScript interpreter against
 * the real TFLite runtime (LiteRT.js 2.5.3, wasm + XNNPack, single thread) on the same models, and
 * how often the two agree. Writes bench/results/int8.json.
 *
 * LiteRT's figure includes its JS tensor wrapping per call (create input tensor, copy output),
 * which is what any caller from JS pays; our figure is Interpreter.invoke on preallocated tensors.
 * The accuracy table per export variant lives in `npm run bench -- export`.
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { Interpreter } from '../src/main/core/quant/interpreter'
import { parseTflite } from '../src/main/core/tflite/reader'
import { createLiteRtRunner, type LiteRtArray } from '../test/helpers/litert'
import { converterModel } from '../test/helpers/fixtures'
import { tinyCnn } from '../test/helpers/tiny-cnn'
import { median } from './lib/results'

interface Row {
  model: string
  oursPerSecond: number
  liteRtPerSecond: number
  ratio: number
  /** Share of output values identical between the two runtimes over the timed inputs. */
  identicalOutputs: number
  /** Largest output difference (int8 steps, or absolute for float outputs). */
  maxDifference: number
}

function random(seed: number): () => number {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296
}

async function measure(name: string, bytes: Uint8Array, makeInput: (r: () => number) => LiteRtArray): Promise<Row> {
  const r = random(1)
  const inputs = Array.from({ length: 256 }, () => makeInput(r))
  const ours = new Interpreter(parseTflite(bytes))
  const theirs = await createLiteRtRunner(bytes)
  let same = 0
  let total = 0
  let maxDifference = 0
  for (const x of inputs) {
    const [a] = ours.invoke([x])
    const [b] = await theirs.run([x])
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) same++
      maxDifference = Math.max(maxDifference, Math.abs(a[i] - (b[i] as number)))
      total++
    }
  }
  const rounds = 5
  const oursRates: number[] = []
  const theirRates: number[] = []
  for (let k = 0; k < rounds; k++) {
    let n = 0
    let t0 = performance.now()
    while (performance.now() - t0 < 300) ours.invoke([inputs[n++ % inputs.length]])
    oursRates.push((n * 1000) / (performance.now() - t0))
    n = 0
    t0 = performance.now()
    while (performance.now() - t0 < 300) await theirs.run([inputs[n++ % inputs.length]])
    theirRates.push((n * 1000) / (performance.now() - t0))
  }
  theirs.delete()
  const oursPerSecond = Math.round(median(oursRates))
  const liteRtPerSecond = Math.round(median(theirRates))
  return { model: name, oursPerSecond, liteRtPerSecond, ratio: +(oursPerSecond / liteRtPerSecond).toFixed(2), identicalOutputs: +(same / total).toFixed(4), maxDifference: +maxDifference.toPrecision(3) }
}

const rows: Row[] = [
  await measure('hello_world_int8 (converter, 3x FULLY_CONNECTED)', converterModel('hello_world_int8'), (r) => Int8Array.from([Math.floor(r() * 256) - 128])),
  await measure('tiny Conv1D classifier int8 (per-channel, 10 ops)', tinyCnn('int8'), (r) => Float32Array.from({ length: 48 }, () => r() * 8 - 4)),
  await measure('gesture_dense_float32 (converter, float)', converterModel('gesture_dense_float32'), (r) => Float32Array.from({ length: 180 }, () => r() * 4 - 2))
]

writeFileSync(join(import.meta.dirname, 'results', 'int8.json'), JSON.stringify({ cpu: cpus()[0]?.model, node: process.version, rows }, null, 2) + '\n')
console.log('model                                                ours inf/s  LiteRT inf/s  ratio  identical  max diff')
for (const r of rows) {
  console.log(
    `${r.model.padEnd(52)} ${String(r.oursPerSecond).padStart(10)} ${String(r.liteRtPerSecond).padStart(13)} ${r.ratio.toFixed(2).padStart(6)} ${(r.identicalOutputs * 100).toFixed(1).padStart(8)} % ${String(r.maxDifference).padStart(9)}`
  )
}
