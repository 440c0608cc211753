/**
 * The live oracle: every variant the Optimize step makes, for the three presets, briefly trained
 * with a fixed seed on the real MPU6050 windows (the point is numerics, not accuracy). Each variant
 * TFLM can load runs on 200 random inputs and every dataset window through TensorFlow Lite Micro,
 * the TypeScript interpreter and (int8) the generated C runtime: all outputs identical. The variants
 * TFLM refuses (dynamic range, float16) must be refused (AllocateTensors fails), as inspect says.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { buildVariant, type BuiltVariant } from '../../src/main/core/optimize/variants'
import { inspectTflite } from '../../src/main/core/inspect/inspect-model'
import { initTrainingBackend } from '../../src/main/core/train/backend'
import { layersModelToIR } from '../../src/main/core/train/model-ir-convert'
import { presetSpec } from '../../src/main/core/train/presets'
import { trainLoop } from '../../src/main/core/train/train-loop'
import { VARIANT_KINDS } from '../../src/shared/optimize'
import type { PresetId } from '../../src/shared/training'
import { loadGestureData, type GestureData } from '../helpers/optimize-data'
import { compareThreeWay, modelInputs } from './helpers/three-way'
import { tflmLoads } from './helpers/tflm-loads'

const RANDOM_INPUTS = 200
const PRESETS: PresetId[] = ['dense', 'cnn1d', 'dscnn']
/** The Optimize step's pruning sweep makes 50%, 70% (the default kind) and 90% sparse variants. */
const EXTRA_SPARSITIES = [0.5, 0.9]

const d: GestureData = loadGestureData(7, 0.25)
const per = d.inputShape[0] * d.inputShape[1]
const allWindows = [d.train, d.test].flatMap((set) => set.y.map((_, i) => set.x.slice(i * per, (i + 1) * per)))

interface Tally {
  preset: string
  variant: string
  inputs: number
  values: number
  runtimes: string
  arena: number
}
const tallies: Tally[] = []
const refused: string[] = []

afterAll(() => {
  // The numbers the closing note quotes.
  const total = tallies.reduce(
    (a, t) => ({ inputs: a.inputs + t.inputs, values: a.values + t.values, pairs: a.pairs + t.values * (t.runtimes.includes('C') ? 2 : 1), float: a.float + (t.runtimes.includes('C') ? 0 : t.values) }),
    { inputs: 0, values: 0, pairs: 0, float: 0 }
  )
  console.log(tallies.map((t) => `${t.preset.padEnd(6)} ${t.variant.padEnd(18)} ${String(t.inputs).padStart(4)} inputs ${String(t.values).padStart(5)} values  ${t.runtimes.padEnd(26)} TFLM host arena ${t.arena} B`).join('\n'))
  console.log(`refused by TFLM (and flagged by inspect): ${refused.join(', ')}`)
  console.log(`oracle: ${tallies.length} variants, ${total.inputs} inputs, ${total.values} output values, ${total.pairs} value comparisons against TFLM; all identical bit for bit, ${total.float} of them float32`)
})

async function trainPreset(preset: PresetId): Promise<ModelIR> {
  const r = await trainLoop(
    { spec: presetSpec(preset), inputShape: d.inputShape, classes: d.classes, epochs: 6, batchSize: 16, learningRate: 0.002, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
    d.train,
    null,
    { cancelled: () => false, onEpoch: () => undefined }
  )
  try {
    return layersModelToIR(r.model, d.classes, 'float')
  } finally {
    r.model.dispose()
  }
}

beforeAll(async () => {
  await initTrainingBackend('wasm')
})

describe.each(PRESETS)('%s preset: every Optimize variant', (preset) => {
  const built = new Map<string, BuiltVariant>()

  beforeAll(async () => {
    const float = await trainPreset(preset)
    const options = { epochs: 2, studentEpochs: 4, seed: 42 }
    for (const kind of VARIANT_KINDS) built.set(kind, await buildVariant(kind, float, d.train, options))
    for (const s of EXTRA_SPARSITIES) built.set(`prune@${s}`, await buildVariant('prune', float, d.train, { ...options, sparsity: s }))
  }, 600_000)

  const names: string[] = [...VARIANT_KINDS, ...EXTRA_SPARSITIES.map((s) => `prune@${s}`)]

  it.each(names)('%s: inspect agrees with TFLM on loading it; if TFLM loads it, TFLM, the interpreter and the C runtime give identical outputs', (name) => {
    const v = built.get(name)!
    const loads = tflmLoads(v.bytes)
    const summary = inspectTflite(v.bytes)
    expect(summary.tflmSupported, `${summary.problems.map((p) => p.message).join(' ')} / TFLM: ${loads.stderr}`).toBe(loads.loads)
    if (!loads.loads) {
      // Only the formats TFLM has no kernels for: hybrid (dynamic range) and float16 weights.
      expect(['dynamic', 'fp16']).toContain(v.format)
      expect(loads.status).toBe(3)
      expect(summary.problems.map((p) => p.kind)).toContain(v.format === 'fp16' ? 'float16' : 'hybrid')
      refused.push(`${preset}/${name}`)
      return
    }
    const result = compareThreeWay(v.bytes, modelInputs(v.bytes, allWindows, RANDOM_INPUTS, 1000 + names.indexOf(name)))
    // Float models too, bit for bit (three-way.ts says why there is no ulp allowance).
    expect(result.mismatches).toEqual([])
    expect(result.inputs).toBe(RANDOM_INPUTS + allWindows.length)
    expect(result.cRuntime).toBe(v.format === 'int8')
    tallies.push({ preset, variant: name, inputs: result.inputs, values: result.values, runtimes: result.cRuntime ? 'TFLM = interpreter = C' : 'TFLM = interpreter (float)', arena: result.arenaUsedBytes })
  })
})
