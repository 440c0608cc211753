/**
 * `npm run bench -- m4`: Microforge's C runtime against TensorFlow Lite Micro (reference kernels and
 * CMSIS-NN, release archives from the SDK folder in MICROFORGE_TFLM) on an emulated
 * Cortex-M4F, for every preset (PTQ and structured-pruned), hello_world and a micro_speech-shaped
 * model. Also the C runtime with its reference kernels only ('c-before', the generator's output
 * before the fast kernels), built and counted the same way.
 *
 * Instructions: QEMU 7.2 mps2-an386 with `-icount shift=0` (virtual time advances 1 ns per executed
 * instruction) read through the CMSDK timer at 25 MHz: 40 instructions per tick, so every count is
 * a multiple of 40, minus the measured cost of the per-operator marker (bench/m4/bench_hooks.h).
 * One run gives the total and every operator. Flash: arm-none-eabi-size text + data minus an image
 * with the same start-up code and no model. Arena: the C runtime's static arena; TFLM's
 * arena_used_bytes() on the target. Stack: deepest use below main during the inference (painted).
 * Results: bench/results/m4.json, bench/results/m4.md, and the per-operator measurements the
 * latency cost models are fitted to (test/fixtures/latency/m4-ops.json).
 * Float32 (bench/m4/float.ts): the presets as float32 and the 1D sweep as float32 on TFLM reference
 * and TFLM + CMSIS-NN (the C runtime runs int8 only), counted the same way; per-operator
 * measurements in test/fixtures/latency/m4-float-ops.json. `node --import tsx bench/m4.ts --float`
 * measures the float32 part alone and replaces it in m4.json (instruction counts are exact, so the
 * int8 part stays valid while its code is unchanged).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { generateCRuntimeModel } from '../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../src/main/core/codegen/graph'
import { generateOpResolver } from '../src/main/core/codegen/op-resolver'
import { Interpreter } from '../src/main/core/quant/interpreter'
import { parseTflite } from '../src/main/core/tflite/reader'
import { markerInstructions, repoRoot, runC, runTflm, sdkDir, type RunResult, type Runtime } from './m4/build'
import type { ModelResult } from './m4/model-result'
import { markdown } from './m4/report'
import { benchModels } from './m4/models'
import { opFacts } from './m4/ops'
import { toMeasured, writeCostModels } from './m4/fit'
import { sweepModels } from './m4/sweep'
import { floatBenchModels, floatSweepModels } from './m4/float'

const RUNTIMES: Runtime[] = ['c', 'c-before', 'tflm-reference', 'tflm-cmsis-nn']
const FLOAT_RUNTIMES: Runtime[] = ['tflm-reference', 'tflm-cmsis-nn']
/** Largest float32 output difference (outputs are softmax probabilities) accepted as the same result. */
const FLOAT_TOLERANCE = 1e-5

/** The values c_main.c and tflm_main.cc write into the input; float32 inputs get them divided by 8. */
function benchInput(type: string, count: number): Int8Array | Float32Array {
  const v = (i: number): number => ((i * 37) % 23) - 11
  return type === 'float32' ? Float32Array.from({ length: count }, (_, i) => v(i) / 8) : Int8Array.from({ length: count }, (_, i) => v(i))
}

function measure(name: string, tflite: Uint8Array, set: ModelResult['set'], runtimes: Runtime[]): ModelResult {
  const graph = cgModelFromTflite(tflite)
  const ops = opFacts(graph)
  const inT = graph.tensors[graph.inputs[0]]
  const input = benchInput(inT.type, inT.shape.reduce((a, b) => a * b, 1))
  const got = new Interpreter(parseTflite(tflite)).invoke([input])[0]
  // The images print the output's raw bytes as signed chars.
  const expected = Array.from(new Int8Array(got.buffer, got.byteOffset, got.byteLength))
  const format = inT.type === 'float32' ? 'float32' : 'int8'
  const result: ModelResult = { name, set, format, macs: ops.reduce((s, o) => s + o.macs, 0), ops, runtimes: {}, bitExact: true }
  const id = name.replace(/[^A-Za-z0-9]+/g, '_')
  for (const rt of runtimes) {
    let r: RunResult
    let modelBytes: number
    if (rt === 'c' || rt === 'c-before') {
      const gen = generateCRuntimeModel(graph, { kernels: rt === 'c' ? 'fast' : 'reference' })
      r = runC(gen.files, `${id}-${rt}`)
      modelBytes = gen.weightBytes
    } else {
      r = runTflm(tflite, generateOpResolver(graph, { requiredBytes: 1024, requiredByKernels: { [rt === 'tflm-reference' ? 'reference' : 'cmsis-nn']: 1024 }, kernels: rt === 'tflm-reference' ? 'reference' : 'cmsis-nn', modelled: true }), rt === 'tflm-reference' ? 'reference' : 'cmsis-nn', id)
      modelBytes = tflite.length
    }
    if (format === 'float32') {
      const a = new Float32Array(Int8Array.from(r.output).buffer)
      const b = new Float32Array(Int8Array.from(expected).buffer)
      const diff = Math.max(...Array.from(a, (v, k) => Math.abs(v - b[k])))
      result.maxFloatDiff = Math.max(result.maxFloatDiff ?? 0, Number.isNaN(diff) ? Infinity : diff)
      if (!(diff <= FLOAT_TOLERANCE) || a.length !== b.length) result.bitExact = false
    } else if (r.output.join(',') !== expected.join(',')) result.bitExact = false
    result.runtimes[rt] = { ...r, codeBytes: r.flashBytes - modelBytes }
    const perMac = result.macs ? ` (${(r.instructions / result.macs).toFixed(1)}/MAC)` : ''
    console.log(`  ${name.padEnd(28)} ${rt.padEnd(15)} ${String(r.instructions).padStart(10)} instr${perMac}, flash ${r.flashBytes} B, arena ${r.arenaBytes} B, stack ${r.stackBytes} B`)
  }
  return result
}

function fixture(results: ModelResult[]): object {
  return { method: METHOD, models: results.map(toMeasured) }
}

const METHOD =
  'QEMU 7.2 mps2-an386 (Cortex-M4F), -icount shift=0: instructions = CMSDK timer ticks x 40 (1 ns per instruction, timer at 25 MHz), minus the per-operator marker; arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mfloat-abi=hard; TFLM release archives (-DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS)'

const sdk = sdkDir()
console.log(`TFLM SDK: ${sdk}; marker cost ${markerInstructions()} instructions`)
const args = process.argv.slice(2)
const floatOnly = args.includes('--float')
const only = args.filter((a) => !a.startsWith('-') && a !== 'm4')
const resultsDir = path.join(repoRoot, 'bench', 'results')
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'latency')
const pick = (name: string): boolean => !only.length || only.some((o) => name.includes(o))
const results: ModelResult[] = []
if (!floatOnly) {
  for (const m of benchModels()) if (pick(m.name)) results.push(measure(m.name, m.tflite, 'bench', RUNTIMES))
  if (!only.length) for (const m of sweepModels()) results.push(measure(m.name, m.tflite, 'sweep', ['c', 'tflm-reference', 'tflm-cmsis-nn']))
}
const floatResults: ModelResult[] = []
for (const m of floatBenchModels()) if (pick(m.name)) floatResults.push(measure(m.name, m.tflite, 'bench', FLOAT_RUNTIMES))
if (!only.length) for (const m of floatSweepModels()) floatResults.push(measure(m.name, m.tflite, 'sweep', FLOAT_RUNTIMES))

const previous = floatOnly ? (JSON.parse(readFileSync(path.join(resultsDir, 'm4.json'), 'utf8')) as { date: string; models: ModelResult[] }) : null
const out = {
  method: METHOD,
  markerInstructions: markerInstructions(),
  date: previous?.date ?? new Date().toISOString(),
  models: previous?.models ?? results,
  float: { date: new Date().toISOString(), models: floatResults }
}
mkdirSync(resultsDir, { recursive: true })
writeFileSync(path.join(resultsDir, 'm4.json'), `${JSON.stringify(out, null, 1)}\n`)
const md = markdown(out.models, floatResults)
writeFileSync(path.join(resultsDir, 'm4.md'), md)
console.log(`\n${md}`)
if (!only.length) {
  mkdirSync(fixtures, { recursive: true })
  if (!floatOnly) writeFileSync(path.join(fixtures, 'm4-ops.json'), `${JSON.stringify(fixture(results), null, 1)}\n`)
  writeFileSync(path.join(fixtures, 'm4-float-ops.json'), `${JSON.stringify(fixture(floatResults), null, 1)}\n`)
  writeCostModels()
  console.log('Cost models refitted to the sweep: src/main/core/cost/m4-cost-model.ts')
}
if ([...results, ...floatResults].some((r) => !r.bitExact)) {
  console.error('A runtime gave an output different from the interpreter (see m4.json, bitExact).')
  process.exit(1)
}
