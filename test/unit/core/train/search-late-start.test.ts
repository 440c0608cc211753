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

describe('a search whose worker starts after its deadline', () => {
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
})
