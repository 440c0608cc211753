import { beforeAll, describe, expect, it } from 'vitest'
import { BOARDS } from '../../../../src/shared/boards'
import type { SearchCandidate } from '../../../../src/shared/search'
import { initTrainingBackend } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { runSearch, type SearchConfig } from '../../../../src/main/core/train/search-run'
import type { WindowSet } from '../../../../src/main/core/train/train-loop'

const T = 8
const C = 2

/** Two classes that differ in the mean of axis 0 by `gap`, with noise: separable but not by every model alike. */
function windows(n: number, gap: number, seed: number, prefix: string): WindowSet {
  const r = mulberry32(seed)
  const y = Array.from({ length: n }, (_, i) => i % 2)
  const x = Float32Array.from({ length: n * T * C }, (_, k) => {
    const w = Math.floor(k / (T * C))
    return (k % C === 0 ? (y[w] ? gap : -gap) : 0) + (r() * 2 - 1)
  })
  return { x, y, ids: y.map((_, i) => `${prefix}${i}`) }
}

const candidates: SearchCandidate[] = [
  { id: 'small', preset: 'dense', width: 0.1, learningRate: 0.02, epochs: 6, batchSize: 8, preprocessing: 'zscore' },
  { id: 'medium', preset: 'dense', width: 0.3, learningRate: 0.01, epochs: 6, batchSize: 8, preprocessing: 'zscore' },
  { id: 'slow-lr', preset: 'dense', width: 0.2, learningRate: 0.002, epochs: 6, batchSize: 8, preprocessing: 'zscore' },
  { id: 'wide', preset: 'dense', width: 0.6, learningRate: 0.02, epochs: 6, batchSize: 8, preprocessing: 'zscore' }
]

async function search(test: WindowSet) {
  const cfg: SearchConfig = {
    candidates,
    sets: { zscore: { train: windows(40, 1.2, 1, 't'), val: windows(10, 1.2, 2, 'v'), test } },
    inputShape: [T, C],
    classes: ['a', 'b'],
    board: BOARDS.nano33ble,
    deadline: Date.now() + 600_000,
    seed: 5,
    patience: 0,
    balanceClasses: true
  }
  const run = await runSearch(cfg, { cancelled: () => false, onCandidate: () => undefined })
  run.best!.model.dispose()
  return run
}

describe('the search never looks at the test split', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  it('chooses, ranks and re-checks the same with the test labels inverted and other test windows', async () => {
    // Noise for a test split: the candidates' test accuracies differ, and inverting the labels
    // turns each a into 1 - a, so any use of them in choosing would change the choice.
    const test = windows(30, 0, 9, 'x')
    const flipped: WindowSet = { ...test, y: test.y.map((c) => 1 - c) }
    const other = windows(30, 0, 10, 'x')
    const a = await search(test)
    const b = await search(flipped)
    const c = await search(other)
    expect(new Set(a.results.map((r) => r.testAccuracy)).size).toBeGreaterThan(1)
    a.results.forEach((r, i) => expect(r.testAccuracy + b.results[i].testAccuracy).toBeCloseTo(1, 6))
    // The leaders were re-checked (the budget is ample), so the re-check is covered too.
    expect(a.results.filter((r) => r.recheck).length).toBeGreaterThanOrEqual(2)
    const selection = (run: typeof a) => ({ best: run.best!.result.id, results: run.results.map(({ testAccuracy: _, trainMs: __, ...rest }) => rest) })
    expect(selection(b)).toEqual(selection(a))
    expect(selection(c)).toEqual(selection(a))
  })
})
