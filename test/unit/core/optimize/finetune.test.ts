import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import * as tf from '@tensorflow/tfjs'
import { initTrainingBackend } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import type { WindowSet } from '../../../../src/main/core/train/train-loop'
import { clusterFineTune, distill, fineTune, logitsOf, predict, pruneFineTune, qatFineTune } from '../../../../src/main/core/optimize/finetune'
import { uniqueValues } from '../../../../src/main/core/optimize/clustering'
import { scheduleForSteps, sparsityReport } from '../../../../src/main/core/optimize/pruning'
import { fakeQuantActivation, fakeQuantWeights, IrGraph } from '../../../../src/main/core/optimize/tf-graph'
import { asymmetricParams } from '../../../../src/main/core/quant/quantize'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { conv1d, dense } from '../export/models'
import { cnnModel, dscnnModel, randomWeights, referenceForward } from './fixtures'

/** Three classes told apart by which axis carries a bump: learnable in a few epochs. */
function toyData(n: number, seed: number, T = 30, C = 6): WindowSet {
  const r = mulberry32(seed)
  const x = new Float32Array(n * T * C)
  const y: number[] = []
  for (let i = 0; i < n; i++) {
    const c = i % 3
    y.push(c)
    for (let t = 0; t < T; t++) for (let a = 0; a < C; a++) x[(i * T + t) * C + a] = (r() - 0.5) * 0.4 + (a === c * 2 && t > 8 && t < 20 ? 1 : 0)
  }
  return { x, y, ids: y.map((_, i) => `w${i}`) }
}

const accuracy = (probs: Float32Array, y: number[]): number => y.filter((c, i) => {
  const row = Array.from(probs.subarray(i * 3, i * 3 + 3))
  return row.indexOf(Math.max(...row)) === c
}).length / y.length

beforeAll(async () => {
  await initTrainingBackend('wasm')
})

describe('IrGraph', () => {
  it('computes what the reference forward pass computes (conv, depthwise, batch norm, pooling, flatten)', () => {
    for (const model of [cnnModel(), dscnnModel()]) {
      const g = new IrGraph(model, false)
      const x = randomWeights(2 * 30 * 6, mulberry32(4), 1)
      const out = tf.tidy(() => g.forward(tf.tensor(x, [2, 30, 6]), { training: false }).dataSync() as Float32Array).slice()
      const ref = [referenceForward(model, x.subarray(0, 180)), referenceForward(model, x.subarray(180))]
      for (let i = 0; i < 6; i++) expect(out[i]).toBeCloseTo(ref[Math.floor(i / 3)][i % 3], 4)
      g.dispose()
    }
  })

  it('fake-quantizes weights per channel to at most 255 levels and activations onto the exporter grid', () => {
    const w = tf.tensor(randomWeights(5 * 6 * 4, mulberry32(1)), [5, 6, 4])
    const q = fakeQuantWeights(w, true, false)
    const v = q.dataSync() as Float32Array
    const col0 = v.filter((_, i) => i % 4 === 0)
    const scale = Math.max(...Array.from(w.dataSync()).filter((_, i) => i % 4 === 0).map(Math.abs)) / 127
    for (const x of col0) expect(Math.abs(x / scale - Math.round(x / scale))).toBeLessThan(1e-3)
    const a = tf.tensor1d([-1, 0, 0.3, 2.5, 9])
    const p = asymmetricParams(-1, 2.5)
    const fq = fakeQuantActivation(a, { min: -1, max: 2.5 }).dataSync()
    expect(fq[0]).toBeCloseTo(-1, 2)
    expect(fq[1]).toBe(0)
    expect(Math.abs(fq[2] - 0.3)).toBeLessThanOrEqual(p.scale / 2 + 1e-7)
    expect(fq[4]).toBeCloseTo((127 - p.zeroPoint) * p.scale, 5)
    tf.dispose([w, q, a])
  })

  it('simulates a standalone ReLU6 on its input\'s grid, as the exporter writes it for TFLM; a standalone ReLU gets its own range', () => {
    const r = mulberry32(9)
    const model: ModelIR = {
      name: 'standalone',
      inputShape: [30, 6],
      classes: ['a', 'b'],
      layers: [
        conv1d(r, 'conv', 6, 4, 3, 'linear', 'same'),
        { type: 'maxPool1d', name: 'pool', poolSize: 2, strides: 2, padding: 'valid' },
        { type: 'activation', name: 'relu6', activation: 'relu6' },
        { type: 'activation', name: 'relu', activation: 'relu' },
        { type: 'flatten', name: 'flatten' },
        dense(r, 'dense', 60, 2, 'softmax')
      ]
    }
    const g = new IrGraph(model)
    g.calibrate(randomWeights(8 * 30 * 6, mulberry32(5), 1), 8)
    expect(Object.keys(g.rangeRecord()).sort()).toEqual(['conv', 'dense', 'input', 'relu'])
    g.dispose()
  })
})

describe('fine-tuning techniques', () => {
  const train = toyData(60, 1)
  const test = toyData(30, 2)
  const cfg = { epochs: 6, batchSize: 10, learningRate: 0.003, seed: 1 }
  let base = cnnModel(3)

  beforeAll(async () => {
    base = await fineTune(cnnModel(3), train, { ...cfg, epochs: 10 })
  })

  // Every loop disposes what it made: a bench or a long session runs many of them in one thread.
  let tensors = 0
  beforeEach(() => {
    tensors = tf.memory().numTensors
  })
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(tensors)
  })

  it('fine-tunes the float model to fit the toy task', () => {
    expect(accuracy(predict(base, test.x, 30), test.y)).toBeGreaterThan(0.9)
  })

  it('prunes to the final sparsity of the schedule and keeps accuracy', async () => {
    const steps = 6 * 6
    const pruned = await pruneFineTune(base, train, cfg, scheduleForSteps(steps, 0.8))
    const report = sparsityReport(pruned)
    for (const l of report.layers) expect(l.sparsity).toBeCloseTo(0.8, 2)
    expect(accuracy(predict(pruned, test.x, 30), test.y)).toBeGreaterThan(0.85)
  })

  it('keeps at most k values per kernel through clustered fine-tuning', async () => {
    const clustered = await clusterFineTune(base, train, cfg, { clusters: 8 })
    for (const l of clustered.layers) if (l.type === 'dense' || l.type === 'conv1d') expect(uniqueValues(l.kernel)).toBeLessThanOrEqual(8)
    expect(accuracy(predict(clustered, test.x, 30), test.y)).toBeGreaterThan(0.85)
  })

  it('learns activation ranges with QAT for every int8 tensor', async () => {
    const { model, ranges } = await qatFineTune(base, train, { ...cfg, learningRate: 0.0005 }, { perChannel: true, emaDecay: 0.9 })
    expect(Object.keys(ranges).sort()).toEqual(['conv1d_1', 'conv1d_2', 'dense_1', 'input', 'output'])
    for (const r of Object.values(ranges)) expect(r.max).toBeGreaterThan(r.min)
    expect(accuracy(predict(model, test.x, 30, { options: { perChannel: true, emaDecay: 0.9 }, ranges }), test.y)).toBeGreaterThan(0.85)
  })

  it('distils into a smaller student with soft targets', async () => {
    const teacherLogits = logitsOf(base, train.x, 60)
    expect(teacherLogits.length).toBe(180)
    const small = cnnModel(7)
    const student = await distill(base, small, train, cfg, { temperature: 4, alpha: 0.3 })
    expect(accuracy(predict(student, test.x, 30), test.y)).toBeGreaterThan(0.8)
  })

  it('stops when cancelled', async () => {
    await expect(fineTune(base, train, cfg, { cancelled: () => true, onEpoch: () => undefined })).rejects.toThrow(/Cancelled/)
  })
})
