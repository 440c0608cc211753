import { describe, expect, it } from 'vitest'
import { overBudgetMs, overBudgetNote, overBudgetProgress, searchFailure } from '../../../../src/main/core/train/search-report'
import type { CandidateResult } from '../../../../src/shared/search'

function tried(id: string, over: Partial<CandidateResult> = {}): CandidateResult {
  return {
    id,
    preset: 'cnn1d',
    width: 1,
    learningRate: 0.002,
    epochs: 60,
    batchSize: 16,
    preprocessing: 'zscore',
    valAccuracy: 0.9,
    valLoss: 0.3,
    testAccuracy: 0.9,
    epochsRun: 12,
    params: 1000,
    macs: 10000,
    flashBytes: 1200,
    ramBytes: 800,
    latencyMs: 1.5,
    fits: true,
    misfit: null,
    trainMs: 4000,
    collapsed: false,
    cutShort: true,
    ...over
  }
}

describe('what a search says about its budget', () => {
  it('counts the time over the budget only when the first model ran past it for its minimum', () => {
    const first = tried('a', { overtimeMs: 3000 })
    expect(overBudgetMs([first], 7400, 5000)).toBe(2400)
    // The time kept back for saving absorbed the overtime: the budget held.
    expect(overBudgetMs([first], 4800, 5000)).toBe(0)
    // Over without the minimum (the last epoch and saving): the usual "about one epoch", not this note.
    expect(overBudgetMs([tried('a')], 5300, 5000)).toBe(0)
  })

  it('says how long over and why, with units, in the reason and the progress line', () => {
    const first = tried('a', { overtimeMs: 3000, epochsRun: 12 })
    expect(overBudgetNote(2400, [tried('b'), first])).toBe(
      'The search took 2.4 s longer than its budget to train one model: the first model always trains at least 10 epochs and until it learns (this one trained 12), so a busy computer or a short budget still ends with a model. '
    )
    expect(overBudgetNote(0, [first])).toBe('')
    expect(overBudgetProgress(2400)).toBe(' (2.4 s over the budget: the first model always trains at least 10 epochs)')
    expect(overBudgetProgress(0)).toBe('')
    // Never "0.0 s over".
    expect(overBudgetProgress(20)).toMatch(/^ \(0\.1 s over/)
  })

  it('fails only when no model learnt, naming the first model when it was the only one', () => {
    expect(searchFailure([tried('a'), tried('b', { collapsed: true })], 0, false)).toBeNull()
    const stopped = searchFailure([tried('a', { collapsed: true, epochsRun: 60 })], 13, true)
    expect(stopped?.message).toBe('The first model did not learn: its training loss did not fall below chance (or it diverged) in the 60 epochs it trained, and you stopped the search before the other 13. Nothing was saved.')
    expect(searchFailure([tried('a', { collapsed: true, epochsRun: 60 })], 0, false)?.message).toBe('The first model did not learn: its training loss did not fall below chance (or it diverged) in the 60 epochs it trained. Nothing was saved.')
    const all = searchFailure([tried('a', { collapsed: true }), tried('b', { collapsed: true })], 12, false)
    expect(all?.code).toBe('MODEL_ERROR')
    expect(all?.message).toMatch(/^None of the 2 models tried learnt/)
    expect(all?.hint).toMatch(/record more windows/)
  })
})
