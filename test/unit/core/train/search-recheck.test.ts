import { describe, expect, it } from 'vitest'
import type { CandidateResult } from '../../../../src/shared/search'
import { contenders, MAX_CONTENDERS, recheckFolds } from '../../../../src/main/core/train/search-recheck'
import { rankCandidates } from '../../../../src/main/core/train/search-space'
import type { WindowSet } from '../../../../src/main/core/train/train-loop'

const cand = (over: Partial<CandidateResult>): CandidateResult => ({
  id: 'x', preset: 'cnn1d', width: 1, learningRate: 0.002, epochs: 60, batchSize: 32, preprocessing: 'zscore',
  valAccuracy: 0.9, valLoss: 0.3, testAccuracy: 0.9, epochsRun: 10, params: 1000, macs: 1000, flashBytes: 1000, ramBytes: 500,
  latencyMs: 1, fits: true, misfit: null, trainMs: 1, collapsed: false, cutShort: false, ...over
})

/** n windows of 2 values each; x holds the window's number so a copy can be traced. */
function set(prefix: string, labels: number[]): WindowSet {
  return { x: Float32Array.from(labels.flatMap((_, i) => [i, i + 0.5])), y: labels, ids: labels.map((_, i) => `${prefix}${i}`) }
}

describe('search re-check folds', () => {
  const train = set('t', [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
  const val = set('v', [0, 0, 1, 1, 2, 2])

  it('deals the training and validation windows to stratified, disjoint folds with their own values', () => {
    const folds = recheckFolds(train, val, 2, 5, 3)
    expect(folds).toHaveLength(5)
    const pool = [...train.ids, ...val.ids].sort()
    const held = folds.flatMap((f) => f.val.ids)
    expect([...held].sort()).toEqual(pool)
    for (const f of folds) {
      expect([...f.train.ids, ...f.val.ids].sort()).toEqual(pool)
      // 10 / 8 / 12 windows per class over 5 folds: every class's share, to a window.
      expect([0, 1, 2].map((c) => f.val.y.filter((y) => y === c).length)).toEqual([2, expect.toSatisfy((n: number) => n === 1 || n === 2), expect.toSatisfy((n: number) => n === 2 || n === 3)])
      f.val.ids.forEach((id, i) => {
        const src = id.startsWith('t') ? train : val
        const j = src.ids.indexOf(id)
        expect([f.val.x[2 * i], f.val.x[2 * i + 1], f.val.y[i]]).toEqual([src.x[2 * j], src.x[2 * j + 1], src.y[j]])
      })
    }
    // Fold sizes differ by at most one window (30 windows: 6 each).
    expect(folds.map((f) => f.val.y.length)).toEqual([6, 6, 6, 6, 6])
    expect(recheckFolds(train, val, 2, 5, 4).map((f) => f.val.ids)).not.toEqual(folds.map((f) => f.val.ids))
  })

  it('leaves out a fold that is exactly the search\'s own validation split', () => {
    // Two folds of a pool where the validation split is half of it: one fold may equal it.
    const a = set('t', [0, 1])
    const b = set('v', [0, 1])
    const seen = new Set<string>()
    for (let seed = 0; seed < 20; seed++) {
      const folds = recheckFolds(a, b, 2, 2, seed)
      for (const f of folds) expect([...f.val.ids].sort()).not.toEqual(['v0', 'v1'])
      seen.add(String(folds.length))
    }
    expect(seen).toEqual(new Set(['1', '2']))
  })

  it('picks the leaders within one validation window of the best that learnt and fit', () => {
    const ranked = rankCandidates(
      [
        cand({ id: 'a', valAccuracy: 1 }),
        cand({ id: 'b', valAccuracy: 0.9 }),
        cand({ id: 'c', valAccuracy: 0.8 }),
        cand({ id: 'misfit', valAccuracy: 1, fits: false }),
        cand({ id: 'collapsed', valAccuracy: 1, collapsed: true })
      ],
      10
    )
    expect(contenders(ranked, 10).map((c) => c.id)).toEqual(['a', 'b'])
    expect(contenders(ranked, 20).map((c) => c.id)).toEqual([])
    const many = rankCandidates(Array.from({ length: 9 }, (_, i) => cand({ id: `t${i}`, valAccuracy: 1, valLoss: i })), 10)
    expect(contenders(many, 10).map((c) => c.id)).toEqual(many.slice(0, MAX_CONTENDERS).map((c) => c.id))
  })

  it('takes the leaders preset by preset, so the most confident preset cannot fill the re-check alone', () => {
    const ranked = rankCandidates(
      [
        cand({ id: 'ds1', preset: 'dscnn', valAccuracy: 1, valLoss: 0.001 }),
        cand({ id: 'ds2', preset: 'dscnn', valAccuracy: 1, valLoss: 0.002 }),
        cand({ id: 'ds3', preset: 'dscnn', valAccuracy: 1, valLoss: 0.003 }),
        cand({ id: 'cnn1', preset: 'cnn1d', valAccuracy: 1, valLoss: 0.02 }),
        cand({ id: 'dense1', preset: 'dense', valAccuracy: 1, valLoss: 0.05 }),
        cand({ id: 'cnn2', preset: 'cnn1d', valAccuracy: 1, valLoss: 0.06 })
      ],
      10
    )
    expect(contenders(ranked, 10).map((c) => c.id)).toEqual(['ds1', 'cnn1', 'dense1', 'ds2', 'cnn2', 'ds3'])
  })

  it('ranks re-checked leaders by their pooled score, before the candidates not re-checked', () => {
    const recheck = (accuracy: number, loss: number) => ({ folds: 6, windows: 60, accuracy, loss })
    const ranked = rankCandidates(
      [
        cand({ id: 'low-val-loss', valAccuracy: 1, valLoss: 0.001, recheck: recheck(0.95, 0.1) }),
        cand({ id: 'robust', valAccuracy: 1, valLoss: 0.05, recheck: recheck(1, 0.03) }),
        cand({ id: 'robust-slower', valAccuracy: 1, valLoss: 0.02, latencyMs: 5, recheck: recheck(1, 0.0305) }),
        cand({ id: 'not-rechecked', valAccuracy: 1, valLoss: 0.0001 }),
        cand({ id: 'misfit', valAccuracy: 1, fits: false })
      ],
      10
    )
    expect(ranked.map((c) => c.id)).toEqual(['robust', 'robust-slower', 'low-val-loss', 'not-rechecked', 'misfit'])
  })
})
