import { beforeAll, describe, expect, it } from 'vitest'
import { initTrainingBackend } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { balancedClassWeights, evaluateModel, trainLoop, type WindowSet } from '../../../../src/main/core/train/train-loop'

const T = 8
const C = 2

/** Noise windows with random labels: a dense net memorises the training ones, so validation loss soon rises. */
function noise(n: number, seed: number): WindowSet {
  const r = mulberry32(seed)
  return { x: Float32Array.from({ length: n * T * C }, () => r() * 2 - 1), y: Array.from({ length: n }, () => (r() < 0.5 ? 0 : 1)), ids: Array.from({ length: n }, (_, i) => `w${i}`) }
}

describe('training that does not silently go wrong', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  it('early stopping ends the run and keeps the weights of the best validation epoch', async () => {
    const cfg = {
      spec: { preset: 'custom' as const, layers: [{ type: 'flatten' as const }, { type: 'dense' as const, units: 64, activation: 'relu' as const }] },
      inputShape: [T, C] as [number, number],
      classes: ['a', 'b'],
      epochs: 200,
      batchSize: 8,
      learningRate: 0.01,
      optimizer: 'adam' as const,
      earlyStoppingPatience: 5,
      seed: 3
    }
    const val = noise(40, 2)
    const r = await trainLoop(cfg, noise(40, 1), val, { cancelled: () => false, onEpoch: () => undefined })
    expect(r.stoppedEarly).toBe(true)
    expect(r.history.length).toBe(r.bestEpoch + 5)
    const best = Math.min(...r.history.map((m) => m.valLoss!))
    expect(r.history[r.bestEpoch - 1].valLoss).toBe(best)
    // The returned model is the best epoch's, not the last one's.
    expect(evaluateModel(r.model, val, cfg.inputShape, cfg.classes).loss).toBeCloseTo(best, 4)
    expect(r.history.at(-1)!.valLoss!).toBeGreaterThan(best)
    r.model.dispose()
  })

  it('class weights keep a rare class from being ignored', async () => {
    // 90% class a; class b differs only slightly. Unweighted, the cheapest answer is "always a".
    const r = mulberry32(5)
    const make = (n: number): WindowSet => {
      const y = Array.from({ length: n }, (_, i) => (i % 10 === 0 ? 1 : 0))
      const x = new Float32Array(n * T * C)
      y.forEach((c, i) => {
        for (let k = 0; k < T * C; k++) x[i * T * C + k] = (r() - 0.5) + (c ? 0.08 : 0)
      })
      return { x, y, ids: y.map((_, i) => `w${i}`) }
    }
    const train = make(200)
    const test = make(200)
    const recallOfB = async (classWeights?: number[]): Promise<number> => {
      const cfg = { spec: { preset: 'custom' as const, layers: [{ type: 'flatten' as const }] }, inputShape: [T, C] as [number, number], classes: ['a', 'b'], epochs: 30, batchSize: 16, learningRate: 0.01, optimizer: 'adam' as const, earlyStoppingPatience: 0, seed: 1, classWeights }
      const out = await trainLoop(cfg, train, null, { cancelled: () => false, onEpoch: () => undefined })
      const e = evaluateModel(out.model, test, cfg.inputShape, cfg.classes)
      out.model.dispose()
      return e.perClass[1].recall
    }
    const plain = await recallOfB()
    const weighted = await recallOfB(balancedClassWeights(train.y, 2))
    expect(weighted, `recall of the rare class: ${plain} unweighted, ${weighted} weighted`).toBeGreaterThan(plain + 0.3)
  })
})
