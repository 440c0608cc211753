import { beforeAll, describe, expect, it } from 'vitest'
import { BOARDS } from '../../../../src/shared/boards'
import type { SearchCandidate } from '../../../../src/shared/search'
import { initTrainingBackend } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { runSearch } from '../../../../src/main/core/train/search-run'
import type { WindowSet } from '../../../../src/main/core/train/train-loop'

const T = 8
const C = 2

function windows(n: number, seed: number): WindowSet {
  const r = mulberry32(seed)
  const y = Array.from({ length: n }, (_, i) => i % 2)
  const x = Float32Array.from({ length: n * T * C }, (_, k) => (k % C === 0 ? (y[Math.floor(k / (T * C))] ? 1 : -1) : 0) + (r() * 2 - 1))
  return { x, y, ids: y.map((_, i) => `w${seed}-${i}`) }
}

const candidates: SearchCandidate[] = [
  { id: 'first', preset: 'dense', width: 0.2, learningRate: 0.02, epochs: 5, batchSize: 8, preprocessing: 'zscore' },
  { id: 'second', preset: 'dense', width: 0.4, learningRate: 0.01, epochs: 5, batchSize: 8, preprocessing: 'zscore' }
]

describe('a search keeps to its deadline', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  it('still trains the first candidate (one epoch) and skips the rest, instead of ending with no model', async () => {
    // A loaded machine can start the worker after the budget the service computed has passed.
    const run = await runSearch(
      {
        candidates,
        sets: { zscore: { train: windows(24, 1), val: windows(8, 2), test: windows(8, 3) } },
        inputShape: [T, C],
        classes: ['a', 'b'],
        board: BOARDS.nano33ble,
        deadline: Date.now() - 1000,
        seed: 1,
        patience: 0,
        balanceClasses: true
      },
      { cancelled: () => false, onCandidate: () => undefined }
    )
    expect(run.best?.result.id).toBe('first')
    expect(run.results.map((r) => r.id)).toEqual(['first'])
    expect(run.skipped).toBe(1)
    expect(run.results[0].cutShort).toBe(true)
    run.best!.model.dispose()
  }, 60_000)

  it('starts no candidate after the deadline (a clock that moves 1 s per finished candidate)', async () => {
    // The clock is the test's: each finished candidate costs exactly 1,000 ms, so which candidates run
    // depends only on the budget rule, not on how busy the machine is.
    let t = 0
    const five = [0, 1, 2, 3, 4].map((i) => ({ ...candidates[i % 2], id: `c${i}` }))
    const run = await runSearch(
      {
        candidates: five,
        sets: { zscore: { train: windows(24, 1), val: windows(8, 2), test: windows(8, 3) } },
        inputShape: [T, C],
        classes: ['a', 'b'],
        board: BOARDS.nano33ble,
        deadline: 2400,
        seed: 1,
        patience: 0,
        balanceClasses: true
      },
      { cancelled: () => false, onCandidate: () => void (t += 1000), now: () => t }
    )
    // Candidates start at 0, 1,000 and 2,000 ms; at 3,000 ms the 2,400 ms deadline has passed: two are skipped.
    expect(run.results.map((r) => r.id).sort()).toEqual(['c0', 'c1', 'c2'])
    expect(run.skipped).toBe(2)
    expect(run.results.every((r) => !r.cutShort)).toBe(true)
    run.best!.model.dispose()
  }, 60_000)
})
