/**
 * `npm run golden`: builds every golden model (exported.ts, built.ts), runs each on edge and random
 * inputs through TensorFlow Lite Micro's reference kernels (the SDK's bin/run_tflite, from
 * MICROFORGE_TFLM), and writes model, inputs, TFLM's outputs and TFLM's arena
 * bytes to test/fixtures/golden. A maintainer runs it after changing the exporter or adding an
 * operator; `npm test` only reads what it wrote.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { quantizeArray } from '../../src/main/core/quant/quantize'
import { mulberry32 } from '../../src/main/core/util/random'
import { parseTflite, type ParsedTensor } from '../../src/main/core/tflite/reader'
import { rawBytes, runTflite } from '../helpers/run-tflite'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { BUILT_GOLDENS } from './built'
import { EXPORTED_GOLDENS, type GoldenSpec } from './exported'
import { GOLDEN_DIR, formatGolden, typedValues, type GoldenCase, type GoldenFile, type GoldenTensor } from './golden-file'

const RANDOM_CASES = 4

function seedOf(name: string): number {
  let h = 2166136261
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619)
  return h >>> 0
}

function describe(t: ParsedTensor): GoldenTensor {
  if (t.type !== 'INT8' && t.type !== 'FLOAT32') throw new Error(`golden: ${t.name} is ${t.type}; goldens use int8 or float32 I/O`)
  const q = t.quantization
  return { type: t.type, shape: t.shape, scale: t.type === 'INT8' ? (q?.scale[0] ?? 0) : 0, zeroPoint: t.type === 'INT8' ? (q?.zeroPoint[0] ?? 0) : 0 }
}

/** Edges first (the clamps and the zero point), then seeded random inputs. */
function inputsFor(spec: GoldenSpec, t: GoldenTensor): { label: string; input: number[] }[] {
  const name = spec.name
  const n = t.shape.reduce((a, b) => a * b, 1)
  const r = mulberry32(seedOf(name))
  const fill = (f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i))
  const out: { label: string; input: number[] }[] = []
  if (t.type === 'INT8') {
    out.push({ label: 'all -128', input: fill(() => -128) }, { label: 'all 127', input: fill(() => 127) })
    out.push({ label: 'all zero point', input: fill(() => t.zeroPoint) }, { label: 'alternating -128/127', input: fill((i) => (i % 2 ? 127 : -128)) })
    for (let k = 1; k <= RANDOM_CASES; k++) out.push({ label: `random ${k}`, input: fill(() => Math.floor(r() * 256) - 128) })
  } else {
    // Multiples of 1/256 are exact in float32 and short in JSON; +-1000 saturates every int8 QUANTIZE.
    out.push({ label: 'zeros', input: fill(() => 0) }, { label: 'all 1000', input: fill(() => 1000) })
    out.push({ label: 'all -1000', input: fill(() => -1000) }, { label: 'alternating -3/3', input: fill((i) => (i % 2 ? 3 : -3)) })
    for (let k = 1; k <= RANDOM_CASES; k++) out.push({ label: `random ${k}`, input: fill(() => Math.round((r() + r() + r() - 1.5) * 2 * 256) / 256) })
  }
  for (const w of spec.realWindows?.() ?? []) {
    const input = t.type === 'INT8' ? Array.from(quantizeArray(w.values, t)) : Array.from(w.values, (v) => Math.round(v * 256) / 256)
    out.push({ label: w.label, input })
  }
  out.push(...(spec.extraInputs?.() ?? []))
  return out
}

function makeGolden(spec: GoldenSpec, revision: string): GoldenFile {
  const bytes = spec.build()
  const modelPath = path.join(GOLDEN_DIR, `${spec.name}.tflite`)
  writeFileSync(modelPath, bytes)
  const sg = parseTflite(bytes).subgraphs[0]
  const input = describe(sg.tensors[sg.inputs[0]])
  const output = describe(sg.tensors[sg.outputs[0]])
  const inputs = inputsFor(spec, input)
  const results = runTflite(modelPath, inputs.map((c) => [rawBytes(typedValues(input.type, c.input))]))
  const cases: GoldenCase[] = []
  let ops: string[] = []
  let arena = -1
  results.forEach((res, k) => {
    if (!res.ok) throw new Error(`golden ${spec.name}: TFLM refused it (status ${res.refusal.status}):\n${res.refusal.stderr}`)
    const out = res.run.outputs[0]
    if (out.type !== output.type) throw new Error(`golden ${spec.name}: TFLM says the output is ${out.type}, our reader ${output.type}`)
    ops = res.run.ops
    arena = res.run.arenaUsedBytes
    cases.push({ label: inputs[k].label, input: inputs[k].input, output: out.values })
  })
  return { name: spec.name, about: spec.about, source: spec.source, ops, tflm: { revision, hostArenaUsedBytes: arena }, input, output, cases }
}

function tflmRevision(sdk: string): string {
  const notice = readFileSync(path.join(sdk, 'LICENSES', 'NOTICE'), 'utf8')
  return /tflite-micro\)\s*\|\s*([0-9a-f]{40})/.exec(notice)?.[1] ?? 'unknown'
}

const sdk = tflmSdkDir()
const revision = tflmRevision(sdk)
mkdirSync(GOLDEN_DIR, { recursive: true })
const specs = [...EXPORTED_GOLDENS, ...BUILT_GOLDENS]
const keep = new Set(specs.flatMap((s) => [`${s.name}.tflite`, `${s.name}.json`, 'README.md']))
for (const f of readdirSync(GOLDEN_DIR)) if (!keep.has(f)) rmSync(path.join(GOLDEN_DIR, f))
for (const spec of specs) {
  const g = makeGolden(spec, revision)
  writeFileSync(path.join(GOLDEN_DIR, `${spec.name}.json`), formatGolden(g))
  console.log(`${spec.name.padEnd(34)} ${g.ops.join(' ').padEnd(90)} arena ${g.tflm.hostArenaUsedBytes} B, ${g.cases.length} cases`)
}
const total = readdirSync(GOLDEN_DIR).reduce((s, f) => s + statSync(path.join(GOLDEN_DIR, f)).size, 0)
console.log(`${specs.length} goldens, ${(total / 1024).toFixed(1)} KB in ${path.relative(process.cwd(), GOLDEN_DIR)}`)
