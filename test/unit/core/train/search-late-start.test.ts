import { beforeAll, describe, expect, it } from 'vitest'
import { BOARDS } from '../../../../src/shared/boards'
import { FIRST_MODEL_MIN_EPOCHS, type SearchCandidate } from '../../../../src/shared/search'
import type { EpochMetrics } from '../../../../src/shared/training'
import { initTrainingBackend } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { searchFailure } from '../../../../src/main/core/train/search-report'
import { firstModelReady, runSearch, type SearchConfig } from '../../../../src/main/core/train/search-run'
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

/** Windows that carry no class at all: every x is 0, so no model can do better than chance. */
function blank(n: number): WindowSet {
  const y = Array.from({ length: n }, (_, i) => i % 2)
  return { x: new Float32Array(n * T * C), y, ids: y.map((_, i) => `b${i}`) }
}

function spent(list: SearchCandidate[], sets: SearchConfig['sets']): SearchConfig {
  // The deadline has passed before the search starts, as when a loaded machine starts the worker late.
  return { candidates: list, sets, inputShape: [T, C], classes: ['a', 'b'], board: BOARDS.nano33ble, deadline: 0, seed: 1, patience: 0, balanceClasses: true }
}

describe('a search keeps to its deadline', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  // The test's clock is already past the deadline and moves 1 ms per reading, whatever the machine's
  // speed: what the search does depends only on its rules.
  const lateClock = (): (() => number) => {
    let t = 1000
    return () => t++
  }

  it('with the budget already spent, still trains the first candidate its minimum epochs, says how long it ran over, and skips the rest', async () => {
    const long = candidates.map((c) => ({ ...c, epochs: 40 }))
    const run = await runSearch(spent(long, { zscore: { train: windows(24, 1), val: windows(8, 2), test: windows(8, 3) } }), { cancelled: () => false, onCandidate: () => undefined, now: lateClock() })
    expect(run.best?.result.id).toBe('first')
    expect(run.results.map((r) => r.id)).toEqual(['first'])
    expect(run.skipped).toBe(1)
    const first = run.results[0]
    // At least the minimum, and no more than needed once it learnt: the budget still ends it early.
    expect(first.epochsRun).toBeGreaterThanOrEqual(FIRST_MODEL_MIN_EPOCHS)
    expect(first.epochsRun).toBeLessThan(40)
    expect(first.collapsed).toBe(false)
    expect(first.valAccuracy).toBeGreaterThanOrEqual(0.75)
    expect(first.cutShort).toBe(true)
    expect(first.overtimeMs).toBeGreaterThan(0)
    expect(first.overtimeMs).toBe(first.trainMs)
    run.best!.model.dispose()
  })

  it('a first candidate with fewer epochs than the minimum trains them all; the one after it still keeps to the deadline', async () => {
    const run = await runSearch(spent(candidates, { zscore: { train: windows(24, 1), val: windows(8, 2), test: windows(8, 3) } }), { cancelled: () => false, onCandidate: () => undefined, now: lateClock() })
    expect(run.results.map((r) => [r.id, r.epochsRun, r.cutShort])).toEqual([['first', 5, false]])
    expect(run.skipped).toBe(1)
    run.best!.model.dispose()
  })

  it('a first candidate that cannot learn trains all its epochs past the deadline, and the search reports that model\'s failure, not the budget', async () => {
    const few = candidates.map((c) => ({ ...c, epochs: FIRST_MODEL_MIN_EPOCHS + 4 }))
    const run = await runSearch(spent(few, { zscore: { train: blank(24), val: blank(8), test: blank(8) } }), { cancelled: () => false, onCandidate: () => undefined, now: lateClock() })
    expect(run.results.map((r) => [r.id, r.epochsRun, r.collapsed, r.cutShort])).toEqual([['first', FIRST_MODEL_MIN_EPOCHS + 4, true, false]])
    const err = searchFailure(run.results, run.skipped, false)
    expect(err?.code).toBe('MODEL_ERROR')
    expect(err?.message).toBe(`The first model did not learn: its training loss did not fall below chance (or it diverged) in the ${FIRST_MODEL_MIN_EPOCHS + 4} epochs it trained, and the budget left no time for the other 1. Nothing was saved.`)
    expect(err?.hint).toMatch(/Capture step/)
    run.best!.model.dispose()
  })

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
  })
})

describe('when the first model may stop past the deadline', () => {
  const chance = Math.log(2)
  const epochs = (losses: number[]): EpochMetrics[] => losses.map((loss, i) => ({ epoch: i + 1, epochs: 60, loss, acc: 0.5, valLoss: null, valAcc: null, ms: 10, windowsPerSecond: 100 }))

  it('after its minimum epochs once its loss is below chance; at once when the loss is not a number', () => {
    const learning = Array.from({ length: FIRST_MODEL_MIN_EPOCHS }, (_, i) => 0.7 - 0.05 * i)
    expect(firstModelReady(epochs(learning.slice(0, -1)), chance)).toBe(false)
    expect(firstModelReady(epochs(learning), chance)).toBe(true)
    // Still at chance after the minimum: it trains on.
    expect(firstModelReady(epochs(new Array<number>(FIRST_MODEL_MIN_EPOCHS + 5).fill(0.69)), chance)).toBe(false)
    // Diverged: more epochs will not help, and the search reports that model's failure.
    expect(firstModelReady(epochs([0.7, 0.9, Number.NaN]), chance)).toBe(true)
    expect(firstModelReady(epochs([0.7, Number.POSITIVE_INFINITY]), chance)).toBe(true)
  })
})
