import { describe, expect, it } from 'vitest'
import { BOARDS } from '../../../../src/shared/boards'
import type { CandidateResult } from '../../../../src/shared/search'
import { fitOnBoard, int8Costs, rankCandidates, scaledSpec, searchCandidates } from '../../../../src/main/core/train/search-space'

const cand = (over: Partial<CandidateResult>): CandidateResult => ({
  id: 'x', preset: 'cnn1d', width: 1, learningRate: 0.002, epochs: 60, batchSize: 32, preprocessing: 'zscore',
  valAccuracy: 0.9, valLoss: 0.3, testAccuracy: 0.9, epochsRun: 10, params: 1000, macs: 1000, flashBytes: 1000, ramBytes: 500,
  latencyMs: 1, fits: true, misfit: null, trainMs: 1, collapsed: false, cutShort: false, ...over
})

describe('search space', () => {
  it('tries every preset with its defaults first, then variations, each once', () => {
    const list = searchCandidates('window-offset', 'zscore')
    expect(list.slice(0, 3).map((c) => `${c.preset}/${c.width}/${c.preprocessing}`)).toEqual(['cnn1d/1/window-offset', 'dscnn/1/window-offset', 'dense/1/window-offset'])
    expect(new Set(list.map((c) => c.id)).size).toBe(list.length)
    expect(list.some((c) => c.preprocessing === 'zscore')).toBe(true)
    // Each candidate trains with its preset's batch size.
    expect(new Set(list.filter((c) => c.preset === 'cnn1d').map((c) => c.batchSize))).toEqual(new Set([32]))
    expect(new Set(list.filter((c) => c.preset !== 'cnn1d').map((c) => c.batchSize))).toEqual(new Set([16]))
  })

  it('scales hidden widths, not kernels or the output', () => {
    const spec = scaledSpec('cnn1d', 2)
    expect(spec.layers.filter((l) => l.type === 'conv1d').map((l) => (l.type === 'conv1d' ? [l.filters, l.kernelSize] : []))).toEqual([[32, 5], [64, 3]])
    expect(scaledSpec('dense', 0.1).layers.filter((l) => l.type === 'dense').map((l) => (l.type === 'dense' ? l.units : 0))).toEqual([5, 4])
  })

  it('int8 costs: a byte per weight, and the largest activation pair in RAM', () => {
    const c = int8Costs({ preset: 'custom', layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'relu' }] }, [20, 3], 2)
    expect(c.params).toBe(60 * 10 + 10 + 10 * 2 + 2)
    expect(c.ramBytes).toBe(60 + 60)
    expect(c.flashBytes).toBe(c.params + 3 * (10 + 2))
  })

  it('says which limit a model breaks on a board', () => {
    expect(fitOnBoard({ flashBytes: 10_000, ramBytes: 1000 }, BOARDS.nano33ble)).toBeNull()
    expect(fitOnBoard({ flashBytes: 10_000_000, ramBytes: 1000 }, BOARDS.nano33ble)).toMatch(/flash/)
    expect(fitOnBoard({ flashBytes: 1000, ramBytes: 10_000_000 }, BOARDS.nano33ble)).toMatch(/RAM/)
  })

  it('ranks by validation accuracy, puts misfits and collapsed models last, and breaks ties by loss then speed', () => {
    const ranked = rankCandidates(
      [
        cand({ id: 'collapsed', valAccuracy: 0.99, collapsed: true }),
        cand({ id: 'misfit', valAccuracy: 0.98, fits: false }),
        cand({ id: 'good-slow', valAccuracy: 0.95, latencyMs: 9 }),
        cand({ id: 'good-fast', valAccuracy: 0.95, latencyMs: 2 }),
        cand({ id: 'good-low-loss', valAccuracy: 0.95, valLoss: 0.1, latencyMs: 20 }),
        cand({ id: 'best', valAccuracy: 0.97 })
      ],
      40
    )
    expect(ranked.map((c) => c.id)).toEqual(['best', 'good-low-loss', 'good-fast', 'good-slow', 'misfit', 'collapsed'])
  })
})
