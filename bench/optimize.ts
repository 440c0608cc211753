/**
 * `npm run bench -- optimize`: the benchmark table of the quantization lesson
 * (the quantization seed lesson, "Step 5: Benchmark Comparison") for float32, PTQ, QAT,
 * pruned and distilled variants of the 1D CNN on the real punch/flex recordings: .tflite size,
 * gzip size, tensor arena, test accuracy from the int8 interpreter, estimated latency per board,
 * and the time each job took. Two tables: the model as trained, and a constructed case where PTQ
 * loses accuracy (one outlier filter, per-tensor weight scales) so QAT has something to recover.
 * Also the magnitude-pruning sweep (50/70/90%). Writes bench/results/optimize.json.
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import type { ModelIR } from '../src/main/core/model/model-ir'
import { measureVariant } from '../src/main/core/optimize/measure'
import { buildVariant, type TechniqueOptions } from '../src/main/core/optimize/variants'
import { initTrainingBackend } from '../src/main/core/train/backend'
import { layersModelToIR } from '../src/main/core/train/model-ir-convert'
import { presetSpec } from '../src/main/core/train/presets'
import { trainLoop } from '../src/main/core/train/train-loop'
import type { VariantKind } from '../src/shared/optimize'
import { loadGestureData, type GestureData } from '../test/helpers/optimize-data'

interface Row {
  variant: string
  kind: VariantKind
  accuracy: number
  accuracyDeltaPoints: number
  tfliteBytes: number
  gzipBytes: number
  arenaBytes: number
  params: number
  macs: number
  /** Estimated ms per inference by board. */
  latencyMs: Record<string, number>
  hostLatencyMs: number
  sparsity: number
  /** Technique + export + measurement, in this process (the app adds a worker start). */
  jobMs: number
  baselineAccuracy?: number
}

async function trainFloat(d: GestureData): Promise<{ model: ModelIR; ms: number }> {
  const t0 = performance.now()
  const r = await trainLoop(
    { spec: presetSpec('cnn1d'), inputShape: d.inputShape, classes: d.classes, epochs: 40, batchSize: 16, learningRate: 0.002, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
    d.train,
    null,
    { cancelled: () => false, onEpoch: () => undefined }
  )
  const model = layersModelToIR(r.model, d.classes, 'float')
  r.model.dispose()
  return { model, ms: performance.now() - t0 }
}

/** The outlier-filter construction of test/integration/optimize-techniques.test.ts. */
function withOutlierFilter(m: ModelIR, k: number): ModelIR {
  const layers = m.layers.map((l) => ({ ...l })) as ModelIR['layers']
  const c1 = layers[0]
  const c2 = layers[2]
  if (c1.type !== 'conv1d' || c2.type !== 'conv1d') throw new Error('expected the cnn1d preset')
  const F = c1.filters
  c1.kernel = c1.kernel.map((w, i) => (i % F === 0 ? w * k : w))
  c1.bias = c1.bias!.map((b, i) => (i === 0 ? b * k : b))
  c2.kernel = c2.kernel.map((w, i) => (Math.floor(i / c2.filters) % F === 0 ? w / k : w))
  return { ...m, layers }
}

async function row(name: string, kind: VariantKind, float: ModelIR, d: GestureData, options: Partial<TechniqueOptions>, floatAccuracy: number | null): Promise<Row> {
  const t0 = performance.now()
  const v = await buildVariant(kind, float, d.train, options)
  const m = measureVariant(v.model, v.bytes, v.format, d.test, {})
  const baseline = v.baseline ? measureVariant(v.baseline.model, v.baseline.bytes, 'int8', d.test, {}).accuracy : undefined
  const jobMs = performance.now() - t0
  return {
    variant: name,
    kind,
    accuracy: m.accuracy,
    accuracyDeltaPoints: floatAccuracy === null ? 0 : +((m.accuracy - floatAccuracy) * 100).toFixed(2),
    tfliteBytes: m.tfliteBytes,
    gzipBytes: m.gzipBytes,
    arenaBytes: m.arenaBytes,
    params: m.params,
    macs: m.macs,
    latencyMs: Object.fromEntries(m.latency.map((l) => [l.target, +l.ms.toFixed(3)])),
    hostLatencyMs: +m.hostLatencyMs.toFixed(4),
    sparsity: +m.sparsity.toFixed(3),
    jobMs: Math.round(jobMs),
    ...(baseline !== undefined ? { baselineAccuracy: baseline } : {})
  }
}

async function table(float: ModelIR, d: GestureData, variants: Array<[string, VariantKind, Partial<TechniqueOptions>]>, floatAccuracy: number | null = null): Promise<Row[]> {
  const rows: Row[] = []
  for (const [name, kind, options] of variants) {
    const r = await row(name, kind, float, d, options, floatAccuracy)
    if (kind === 'float32') floatAccuracy = r.accuracy
    rows.push(r)
    process.stdout.write('.')
  }
  process.stdout.write('\n')
  return rows
}

function print(title: string, rows: Row[]): void {
  const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`
  const head = ['variant', 'accuracy', 'change', '.tflite', 'gzip', 'arena', 'MACs', 'nRF52840', 'ESP32', 'STM32F4', 'RP2040', 'job']
  const cells = rows.map((r) => [
    r.variant,
    `${(r.accuracy * 100).toFixed(1)}%`,
    `${r.accuracyDeltaPoints >= 0 ? '+' : ''}${r.accuracyDeltaPoints.toFixed(1)} pt`,
    kb(r.tfliteBytes),
    kb(r.gzipBytes),
    kb(r.arenaBytes),
    r.macs.toLocaleString('en-US'),
    `${r.latencyMs.nano33ble.toFixed(2)} ms`,
    `${r.latencyMs.esp32.toFixed(2)} ms`,
    `${r.latencyMs.stm32f4.toFixed(2)} ms`,
    `${r.latencyMs.pico.toFixed(2)} ms`,
    `${(r.jobMs / 1000).toFixed(1)} s`
  ])
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const line = (c: string[]): string => c.map((x, i) => (i === 0 ? x.padEnd(w[i]) : x.padStart(w[i]))).join('  ')
  console.log(`\n${title}\n${line(head)}\n${rows.map((r, i) => line(cells[i])).join('\n')}`)
}

await initTrainingBackend('wasm')
const data = loadGestureData(7, 0.5)
const fine = { epochs: 15 }
const trained = await trainFloat(data)
console.log(`punch/flex: ${data.train.y.length} training windows, ${data.test.y.length} test windows of ${data.inputShape.join(' x ')}; float training ${(trained.ms / 1000).toFixed(1)} s`)

const asTrained = await table(trained.model, data, [
  ['float32', 'float32', {}],
  ['ptq', 'ptq', {}],
  ['qat', 'qat', fine],
  ['prune-70', 'prune', { ...fine, sparsity: 0.7 }],
  ['prune-structured-50', 'prune-structured', { ...fine, structuredFraction: 0.5 }],
  ['distill', 'distill', {}],
  ['cluster-16', 'cluster', fine]
])
print('As trained (1D CNN preset):', asTrained)

const outlier = withOutlierFilter(trained.model, 100)
const constructed = await table(outlier, data, [
  ['float32', 'float32', {}],
  ['ptq-per-tensor', 'ptq-per-tensor', {}],
  ['ptq-per-channel', 'ptq', {}],
  ['qat-per-tensor', 'qat', { ...fine, perChannel: false }]
])
print('Constructed: one filter x100 (its consumer /100), per-tensor weight scales:', constructed)

const sweep = await table(
  trained.model,
  data,
  [0.5, 0.7, 0.9].map((s) => [`prune-${s * 100}`, 'prune', { ...fine, sparsity: s }] as [string, VariantKind, Partial<TechniqueOptions>]),
  asTrained[0].accuracy
)
print('Magnitude-pruning sweep (+ int8, gzip):', sweep)

const result = {
  generatedAt: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
  dataset: { name: 'mpu6050-punch-flex', trainWindows: data.train.y.length, testWindows: data.test.y.length, inputShape: data.inputShape },
  floatTrainingMs: Math.round(trained.ms),
  notes: [
    'Accuracy: the exported .tflite run by the TypeScript interpreter (bit-exact with TFLite Micro for int8) on the test windows.',
    'Latency: estimates from the cycles-per-MAC model in src/main/core/cost/latency.ts (no correction factor).',
    'Arena: TFLM greedy plan plus its bookkeeping estimate (src/main/core/arena/arena-planner.ts).',
    'jobMs: technique + export + measurement in this process; the app adds a worker start (a few seconds).'
  ],
  asTrained,
  constructed,
  sweep: sweep.map((r) => ({ sparsity: r.sparsity, accuracy: r.accuracy, tfliteBytes: r.tfliteBytes, gzipBytes: r.gzipBytes }))
}
const out = join(import.meta.dirname, 'results', 'optimize.json')
writeFileSync(out, JSON.stringify(result, null, 2) + '\n')
console.log(`\nWrote ${out}`)
