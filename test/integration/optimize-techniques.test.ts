/**
 * Every optimization technique on the real MPU6050 punch/flex recordings: each yields a .tflite
 * that our interpreter runs and the real TFLite runtime (LiteRT) agrees with; a constructed case
 * where post-training quantization loses accuracy and QAT recovers it; structured pruning that
 * really shrinks the model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { measureVariant, runTflite } from '../../src/main/core/optimize/measure'
import { buildVariant, type BuiltVariant } from '../../src/main/core/optimize/variants'
import { quantizeArray } from '../../src/main/core/quant/quantize'
import { initTrainingBackend } from '../../src/main/core/train/backend'
import { layersModelToIR } from '../../src/main/core/train/model-ir-convert'
import { presetSpec } from '../../src/main/core/train/presets'
import { trainLoop } from '../../src/main/core/train/train-loop'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { VARIANT_KINDS, type VariantKind } from '../../src/shared/optimize'
import { createLiteRtRunner, type LiteRtRunner } from '../helpers/litert'
import { loadGestureData, type GestureData } from '../helpers/optimize-data'

const runners: LiteRtRunner[] = []
afterAll(() => runners.forEach((r) => r.delete()))

async function trainFloat(d: GestureData, epochs = 40): Promise<ModelIR> {
  const r = await trainLoop(
    { spec: presetSpec('cnn1d'), inputShape: d.inputShape, classes: d.classes, epochs, batchSize: 16, learningRate: 0.002, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
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

function argmax(v: ArrayLike<number>): number {
  let b = 0
  for (let i = 1; i < v.length; i++) if (v[i] > v[b]) b = i
  return b
}

/** Our interpreter and LiteRT on every test window: same class, outputs within a few int8 steps. */
async function compareWithLiteRt(v: BuiltVariant, d: GestureData): Promise<{ agree: number; worst: number }> {
  const runner = await createLiteRtRunner(v.bytes)
  runners.push(runner)
  const per = d.inputShape[0] * d.inputShape[1]
  const n = d.test.y.length
  let agree = 0
  let worst = 0
  const ours = new Interpreter(parseTflite(v.bytes))
  for (let i = 0; i < n; i++) {
    const w = d.test.x.slice(i * per, (i + 1) * per)
    const inT = ours.inputs[0]
    const input = inT.type === 'INT8' ? quantizeArray(w, { scale: inT.quantization!.scale[0], zeroPoint: inT.quantization!.zeroPoint[0] }) : w
    const [theirs] = await runner.run([input])
    const mine = Array.from(ours.invoke([input])[0] as ArrayLike<number>)
    if (argmax(mine) === argmax(theirs)) agree++
    for (let k = 0; k < mine.length; k++) worst = Math.max(worst, Math.abs(mine[k] - theirs[k]))
  }
  return { agree: agree / n, worst }
}

describe('every technique on punch/flex', () => {
  const d = loadGestureData(7, 0.25)
  let float: ModelIR
  const built = new Map<VariantKind, BuiltVariant>()

  beforeAll(async () => {
    await initTrainingBackend('wasm')
    float = await trainFloat(d)
    for (const kind of VARIANT_KINDS) built.set(kind, await buildVariant(kind, float, d.train, { epochs: 4, studentEpochs: 25 }))
  }, 150_000)

  it.each(VARIANT_KINDS.filter((k) => k !== 'dynamic'))('%s: the interpreter runs it and LiteRT agrees', async (kind) => {
    const v = built.get(kind)!
    const m = measureVariant(v.model, v.bytes, v.format, d.test, {})
    expect(m.accuracySource).toBe('interpreter')
    expect(m.accuracy).toBeGreaterThanOrEqual(0.7)
    const { agree, worst } = await compareWithLiteRt(v, d)
    expect(agree).toBe(1)
    // int8: XNNPack requantizes with its own rounding, one step per op at most, magnified by
    // softmax (export-punch-flex.test.ts measured 3 steps); float: summation order only.
    expect(worst).toBeLessThanOrEqual(v.format === 'int8' ? 4 : 1e-4)
  })

  it('dynamic: LiteRT runs the hybrid model; accuracy comes from the int8-rounded float pass', async () => {
    const v = built.get('dynamic')!
    const m = measureVariant(v.model, v.bytes, v.format, d.test, {})
    expect(m.accuracySource).toBe('float-forward')
    const runner = await createLiteRtRunner(v.bytes)
    runners.push(runner)
    const per = d.inputShape[0] * d.inputShape[1]
    let agree = 0
    for (let i = 0; i < d.test.y.length; i++) {
      const [out] = await runner.run([d.test.x.slice(i * per, (i + 1) * per)])
      if (argmax(out) === m.predictions[i]) agree++
    }
    expect(agree / d.test.y.length).toBeGreaterThanOrEqual(0.9)
  })

  it('pruning and clustering show in the gzip size; structured pruning shrinks MACs, .tflite and arena', () => {
    const m = (k: VariantKind) => measureVariant(built.get(k)!.model, built.get(k)!.bytes, built.get(k)!.format, d.test, {})
    const ptq = m('ptq')
    const prune = m('prune')
    const structured = m('prune-structured')
    const cluster = m('cluster')
    expect(prune.sparsity).toBeGreaterThan(0.69)
    expect(prune.gzipBytes).toBeLessThan(ptq.gzipBytes * 0.75)
    expect(cluster.gzipBytes).toBeLessThan(ptq.gzipBytes * 0.9)
    expect(structured.macs).toBeLessThan(ptq.macs * 0.5)
    expect(structured.params).toBeLessThan(ptq.params * 0.5)
    expect(structured.tfliteBytes).toBeLessThan(ptq.tfliteBytes * 0.7)
    expect(structured.arenaBytes).toBeLessThan(ptq.arenaBytes)
    console.log(
      `structured pruning 50%: MACs ${ptq.macs} -> ${structured.macs}, params ${ptq.params} -> ${structured.params}, ` +
        `.tflite ${ptq.tfliteBytes} -> ${structured.tfliteBytes} B, arena ${ptq.arenaBytes} -> ${structured.arenaBytes} B, accuracy ${ptq.accuracy.toFixed(3)} -> ${structured.accuracy.toFixed(3)}`
    )
    console.log(`magnitude pruning 70%: gzip ${ptq.gzipBytes} -> ${prune.gzipBytes} B; clustering 16: gzip ${cluster.gzipBytes} B`)
  })
})

/**
 * One conv filter scaled by 100 and its consumer's weights by 1/100: the float function is the
 * same (ReLU commutes with a positive scale), but with one weight scale per tensor the other
 * filters keep only a few int8 levels. QAT fine-tunes with that quantization in the loop.
 */
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

describe('a case where PTQ loses accuracy and QAT recovers it', () => {
  const d = loadGestureData(7, 0.5)

  it('per-tensor int8 weights with an outlier filter', async () => {
    await initTrainingBackend('wasm')
    const float = withOutlierFilter(await trainFloat(d), 100)
    const acc = async (kind: VariantKind, opts = {}) => runTflite((await buildVariant(kind, float, d.train, opts)).bytes, d.test).accuracy
    const floatAcc = await acc('float32')
    const ptqPerTensor = await acc('ptq-per-tensor')
    const ptqPerChannel = await acc('ptq')
    const qat = await acc('qat', { perChannel: false, epochs: 15 })
    console.log(`float32 ${floatAcc.toFixed(3)}, PTQ per-tensor ${ptqPerTensor.toFixed(3)}, PTQ per-channel ${ptqPerChannel.toFixed(3)}, QAT per-tensor ${qat.toFixed(3)} (${d.test.y.length} test windows)`)
    expect(floatAcc - ptqPerTensor).toBeGreaterThanOrEqual(0.02)
    // "Most of it": QAT gets back at least half of what PTQ lost.
    expect(qat - ptqPerTensor).toBeGreaterThanOrEqual((floatAcc - ptqPerTensor) / 2)
  })
})
