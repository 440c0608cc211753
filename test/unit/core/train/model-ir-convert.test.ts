import { beforeAll, describe, expect, it } from 'vitest'
import { initTrainingBackend, tf } from '../../../../src/main/core/train/backend'
import { buildModel } from '../../../../src/main/core/train/build-model'
import { compileFastForward } from '../../../../src/main/core/train/fast-forward'
import { irToLayersModel, layersModelToIR } from '../../../../src/main/core/train/model-ir-convert'
import { presetSpec } from '../../../../src/main/core/train/presets'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { summarizeSpec } from '../../../../src/main/core/train/summary'
import { predictProbs, trainLoop, type WindowSet } from '../../../../src/main/core/train/train-loop'
import { modelFolderIO } from '../../../../src/main/storage/model-io'
import type { PresetId } from '../../../../src/shared/training'
import { tempDir } from '../../../helpers/tmp'

const SHAPE: [number, number] = [30, 6]

function windows(n: number, seed: number): WindowSet {
  const r = mulberry32(seed)
  const y = Array.from({ length: n }, (_, i) => i % 3)
  // Class k has a bump around step 10k on axis k, so the set is learnable.
  const x = new Float32Array(n * SHAPE[0] * SHAPE[1])
  y.forEach((c, i) => {
    for (let t = 0; t < SHAPE[0]; t++) for (let a = 0; a < SHAPE[1]; a++) x[(i * SHAPE[0] + t) * SHAPE[1] + a] = r() * 0.2 + (a === c && Math.abs(t - 10 * c - 5) < 4 ? 1 : 0)
  })
  return { x, y, ids: y.map((_, i) => `w${i}`) }
}

describe('tfjs model <-> ModelIR', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  for (const preset of ['dense', 'cnn1d', 'dscnn'] as PresetId[]) {
    it(`${preset}: IR has the spec's layers and weights, and converting back predicts identically`, () => {
      const model = buildModel(presetSpec(preset), SHAPE, 3, 5)
      const ir = layersModelToIR(model, ['a', 'b', 'c'])
      const summary = summarizeSpec(presetSpec(preset), SHAPE, 3)
      expect(ir.inputShape).toEqual(SHAPE)
      expect(ir.layers.map((l) => l.name)).toEqual(summary.layers.map((l) => l.name))
      const irParams = ir.layers.reduce((a, l) => a + ('kernel' in l ? l.kernel.length + (l.bias?.length ?? 0) : 0), 0)
      expect(irParams).toBe(summary.totalParams)
      expect(model.countParams()).toBe(summary.totalParams)

      const back = irToLayersModel(ir)
      const data = windows(9, 1)
      expect(Array.from(predictProbs(back, data.x, 9, SHAPE))).toEqual(Array.from(predictProbs(model, data.x, 9, SHAPE)))
      expect(layersModelToIR(back, ['a', 'b', 'c'])).toEqual(ir)
      model.dispose()
      back.dispose()
    })
  }

  it('saves through the folder IOHandler and loads back with the same predictions', async () => {
    const { dir, cleanup } = tempDir()
    try {
      const model = buildModel(presetSpec('dscnn'), SHAPE, 3, 9)
      await model.save(modelFolderIO(dir))
      const loaded = await tf.loadLayersModel(modelFolderIO(dir))
      const data = windows(6, 2)
      expect(Array.from(predictProbs(loaded, data.x, 6, SHAPE))).toEqual(Array.from(predictProbs(model, data.x, 6, SHAPE)))
      model.dispose()
      loaded.dispose()
    } finally {
      cleanup()
    }
  })

  it('trains, is repeatable with a seed, and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors
    const cfg = { spec: presetSpec('cnn1d'), inputShape: SHAPE, classes: ['a', 'b', 'c'], epochs: 4, batchSize: 8, learningRate: 0.01, optimizer: 'adam' as const, earlyStoppingPatience: 0, seed: 3 }
    const hooks = { cancelled: () => false, onEpoch: () => undefined }
    const a = await trainLoop(cfg, windows(48, 1), windows(12, 2), hooks)
    const b = await trainLoop(cfg, windows(48, 1), windows(12, 2), hooks)
    expect(a.history.map((h) => h.loss)).toEqual(b.history.map((h) => h.loss))
    expect(a.history[3].loss).toBeLessThan(a.history[0].loss)
    a.model.dispose()
    b.model.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('a cancelled run stops inside the epoch and frees everything', async () => {
    const before = tf.memory().numTensors
    let batches = 0
    const cfg = { spec: presetSpec('dense'), inputShape: SHAPE, classes: ['a', 'b', 'c'], epochs: 50, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' as const, earlyStoppingPatience: 0, seed: 1 }
    await expect(trainLoop(cfg, windows(40, 1), null, { cancelled: () => ++batches > 3, onEpoch: () => undefined })).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(batches).toBe(4)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('fast training forward pass', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  for (const preset of ['dense', 'cnn1d', 'dscnn'] as PresetId[]) {
    it(`${preset}: computes exactly what the tfjs-layers model computes`, () => {
      const model = buildModel(presetSpec(preset), SHAPE, 3, 2)
      const fast = compileFastForward(model)
      expect(fast).not.toBeNull()
      const data = windows(8, 3)
      tf.tidy(() => {
        const x = tf.tensor3d(data.x, [8, ...SHAPE])
        expect(Array.from(fast!(x, false).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()))
      })
      model.dispose()
    })
  }

  it('declines layers it does not cover, so the caller falls back to model.apply', () => {
    const model = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: SHAPE, filters: 2, kernelSize: 3, activation: 'tanh' }), tf.layers.flatten(), tf.layers.dense({ units: 2 })] })
    expect(compileFastForward(model)).toBeNull()
    model.dispose()
  })
})
