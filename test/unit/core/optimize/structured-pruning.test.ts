import { describe, expect, it } from 'vitest'
import type { Layer, ModelIR } from '../../../../src/main/core/model/model-ir'
import { modelCost } from '../../../../src/main/core/cost/model-cost'
import { pruneStructured, topUnits, unitL1Norms } from '../../../../src/main/core/optimize/structured-pruning'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { cnnModel, dscnnModel, randomWeights, referenceForward } from './fixtures'

/**
 * The unpruned model with the removed units silenced: their weights and biases zeroed, and the
 * per-channel offsets downstream (depthwise bias, batch-norm shift) zeroed until the next layer
 * that mixes channels. Its outputs must equal the pruned model's.
 */
function silenced(model: ModelIR, removed: Map<string, Set<number>>): ModelIR {
  const layers: Layer[] = []
  let gone: Set<number> | null = null
  for (const l of model.layers) {
    if (l.type === 'conv1d' || l.type === 'dense') {
      const units = l.type === 'conv1d' ? l.filters : l.units
      const r = removed.get(l.name)
      gone = r ?? null
      if (!r) {
        layers.push(l)
        continue
      }
      const kernel = l.kernel.map((w, i) => (r.has(i % units) ? 0 : w))
      const bias = l.bias ? l.bias.map((b, i) => (r.has(i) ? 0 : b)) : null
      layers.push({ ...l, kernel, bias })
    } else if (l.type === 'depthwiseConv1d' && gone) {
      const m = l.depthMultiplier
      const g = gone
      const bias = l.bias ? l.bias.map((b, o) => (g.has(Math.floor(o / m)) ? 0 : b)) : null
      gone = new Set([...g].flatMap((c) => Array.from({ length: m }, (_, j) => c * m + j)))
      layers.push({ ...l, bias })
    } else if (l.type === 'batchNorm' && gone) {
      const g = gone
      layers.push({ ...l, beta: l.beta.map((b, c) => (g.has(c) ? 0 : b)), movingMean: l.movingMean.map((b, c) => (g.has(c) ? 0 : b)) })
    } else layers.push(l)
  }
  return { ...model, layers }
}

function removedSets(model: ModelIR, changes: { name: string; kept: number[]; before: number }[]): Map<string, Set<number>> {
  void model
  return new Map(changes.map((c) => [c.name, new Set(Array.from({ length: c.before }, (_, i) => i).filter((i) => !c.kept.includes(i)))]))
}

function expectClose(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length)
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5)
}

describe('L1 unit ranking', () => {
  it('sums absolute weights per output unit and keeps the largest, in order', () => {
    // kernel [2 inputs, 3 units]
    const k = Float32Array.from([1, -2, 0.5, -1, 0.1, 0.5])
    expect(Array.from(unitL1Norms(k, 3))).toEqual([2, expect.closeTo(2.1, 5), 1])
    expect(topUnits(unitL1Norms(k, 3), 2)).toEqual([0, 1])
    expect(topUnits(Float32Array.from([1, 1, 1]), 2)).toEqual([0, 1])
  })
})

describe('pruneStructured', () => {
  it('halves the conv filters and dense neurons of the CNN, slicing the flattened dense rows per time step', () => {
    const model = cnnModel()
    const { model: pruned, changes } = pruneStructured(model, { fraction: 0.5 })
    expect(changes.map((c) => [c.name, c.before, c.after])).toEqual([
      ['conv1d_1', 16, 8],
      ['conv1d_2', 32, 16],
      ['dense_1', 32, 16]
    ])
    const before = modelCost(model)
    const after = modelCost(pruned)
    // conv1d_2 loses half its inputs and half its filters; the flatten dense loses 3/4 of its weights.
    expect(after.totalMacs).toBeLessThan(before.totalMacs * 0.4)
    expect(after.totalParams).toBeLessThan(before.totalParams * 0.4)
    const dense = pruned.layers.find((l) => l.name === 'dense_1')!
    expect(dense.type === 'dense' && dense.kernel.length).toBe(5 * 16 * 16)
    const random = mulberry32(9)
    const ref = silenced(model, removedSets(model, changes))
    for (let i = 0; i < 5; i++) {
      const x = randomWeights(30 * 6, random, 1)
      expectClose(referenceForward(pruned, x), referenceForward(ref, x))
    }
  })

  it('keeps depthwise channels, depth multipliers and batch norm aligned with the pruned filters', () => {
    const model = dscnnModel()
    const { model: pruned, changes } = pruneStructured(model, { fraction: 0.25 })
    expect(changes.map((c) => c.name)).toEqual(['conv1d_1', 'conv1d_2', 'conv1d_3'])
    const dw2 = pruned.layers.find((l) => l.name === 'depthwise_conv1d_2')!
    expect(dw2.type === 'depthwiseConv1d' && dw2.bias!.length).toBe(24 * 2)
    const bn = pruned.layers.find((l) => l.name === 'bn_1')!
    expect(bn.type === 'batchNorm' && bn.gamma.length).toBe(12)
    expect(modelCost(pruned).totalMacs).toBeLessThan(modelCost(model).totalMacs)
    const random = mulberry32(3)
    const ref = silenced(model, removedSets(model, changes))
    for (let i = 0; i < 5; i++) {
      const x = randomWeights(30 * 6, random, 1)
      expectClose(referenceForward(pruned, x), referenceForward(ref, x))
    }
  })

  it('never prunes the output layer and honours per-layer shares', () => {
    const model = cnnModel()
    const { model: pruned, changes } = pruneStructured(model, { fraction: 0, perLayer: { dense_1: 0.75, output: 0.9 } })
    expect(changes.map((c) => [c.name, c.after])).toEqual([['dense_1', 8]])
    const out = pruned.layers[pruned.layers.length - 1]
    expect(out.type === 'dense' && out.units).toBe(3)
  })

  it('removes the weakest filters: a filter of zeros goes first', () => {
    const model = cnnModel()
    const conv = model.layers[0]
    if (conv.type !== 'conv1d') throw new Error('fixture')
    for (let i = 0; i < conv.kernel.length; i++) if (i % 16 === 7) conv.kernel[i] = 0
    const { changes } = pruneStructured(model, { fraction: 1 / 16, perLayer: { conv1d_2: 0, dense_1: 0 } })
    expect(changes[0].kept).not.toContain(7)
    expect(changes[0].kept).toHaveLength(15)
  })

  it('rejects a share of 1 or more with a next step', () => {
    expect(() => pruneStructured(cnnModel(), { fraction: 1 })).toThrow(/below 1/)
  })
})
