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
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { generateCRuntimeModel } from '../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../src/main/core/codegen/graph'
import { generateOpResolver } from '../src/main/core/codegen/op-resolver'
import { Interpreter } from '../src/main/core/quant/interpreter'
import { parseTflite } from '../src/main/core/tflite/reader'
import { markerInstructions, repoRoot, runC, runTflm, sdkDir, type RunResult, type Runtime } from './m4/build'
import { markdown } from './m4/report'
import { benchModels } from './m4/models'
import { opFacts, type OpFacts } from './m4/ops'
import { writeCostModels } from './m4/fit'
import { sweepModels } from './m4/sweep'

export interface ModelResult {
  name: string
  set: 'bench' | 'sweep'
  macs: number
  ops: OpFacts[]
  runtimes: Partial<Record<Runtime, RunResult & { codeBytes: number }>>
  /** Every runtime gave the interpreter's int8 output for the bench input. */
  bitExact: boolean
}

const RUNTIMES: Runtime[] = ['c', 'c-before', 'tflm-reference', 'tflm-cmsis-nn']

function measure(name: string, tflite: Uint8Array, set: ModelResult['set'], runtimes: Runtime[]): ModelResult {
  const graph = cgModelFromTflite(tflite)
  const ops = opFacts(graph)
  const input = Int8Array.from({ length: graph.tensors[graph.inputs[0]].shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 37) % 23) - 11)
  const expected = Array.from(new Interpreter(parseTflite(tflite)).invoke([input])[0] as Int8Array)
  const result: ModelResult = { name, set, macs: ops.reduce((s, o) => s + o.macs, 0), ops, runtimes: {}, bitExact: true }
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
    if (r.output.join(',') !== expected.join(',')) result.bitExact = false
    result.runtimes[rt] = { ...r, codeBytes: r.flashBytes - modelBytes }
    const perMac = result.macs ? ` (${(r.instructions / result.macs).toFixed(1)}/MAC)` : ''
    console.log(`  ${name.padEnd(28)} ${rt.padEnd(15)} ${String(r.instructions).padStart(10)} instr${perMac}, flash ${r.flashBytes} B, arena ${r.arenaBytes} B, stack ${r.stackBytes} B`)
  }
  return result
}

const sdk = sdkDir()
console.log(`TFLM SDK: ${sdk}; marker cost ${markerInstructions()} instructions`)
const only = process.argv.slice(2).filter((a) => !a.startsWith('-') && a !== 'm4')
const results: ModelResult[] = []
for (const m of benchModels()) if (!only.length || only.some((o) => m.name.includes(o))) results.push(measure(m.name, m.tflite, 'bench', RUNTIMES))
if (!only.length) for (const m of sweepModels()) results.push(measure(m.name, m.tflite, 'sweep', ['c', 'tflm-reference', 'tflm-cmsis-nn']))

const out = {
  method:
    'QEMU 7.2 mps2-an386 (Cortex-M4F), -icount shift=0: instructions = CMSDK timer ticks x 40 (1 ns per instruction, timer at 25 MHz), minus the per-operator marker; arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mfloat-abi=hard; TFLM release archives (-DNDEBUG -DTF_LITE_STRIP_ERROR_STRINGS)',
  markerInstructions: markerInstructions(),
  date: new Date().toISOString(),
  models: results
}
const resultsDir = path.join(repoRoot, 'bench', 'results')
mkdirSync(resultsDir, { recursive: true })
writeFileSync(path.join(resultsDir, 'm4.json'), `${JSON.stringify(out, null, 1)}\n`)
const md = markdown(results)
writeFileSync(path.join(resultsDir, 'm4.md'), md)
console.log(`\n${md}`)
if (!only.length) {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'latency')
  mkdirSync(fixtures, { recursive: true })
  const ops = results.map((r) => ({
    model: r.name,
    set: r.set,
    ops: r.ops.map((o, i) => ({ ...o, instructions: Object.fromEntries(Object.entries(r.runtimes).map(([rt, v]) => [rt, v.opInstructions[i] ?? null])) })),
    totals: Object.fromEntries(Object.entries(r.runtimes).map(([rt, v]) => [rt, v.instructions]))
  }))
  writeFileSync(path.join(fixtures, 'm4-ops.json'), `${JSON.stringify({ method: out.method, models: ops }, null, 1)}\n`)
  writeCostModels()
  console.log('Cost models refitted to the sweep: src/main/core/optimize/m4-cost-model.ts')
}
if (results.some((r) => !r.bitExact)) {
  console.error('A runtime gave an output different from the interpreter (see m4.json, bitExact).')
  process.exit(1)
}
