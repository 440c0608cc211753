import { describe, expect, it } from 'vitest'
import { formatSearch, type SearchOutput } from '../../../../src/cli/commands/train-search'

const output: SearchOutput = {
  search: true,
  board: 'nano33ble',
  budgetSeconds: 5,
  elapsedSeconds: 11,
  overBudgetSeconds: 6,
  bestId: 'cnn1d-w1-lr0.002-zscore',
  reason: 'The search took 6.0 s longer than its budget to train one model: …',
  testAccuracy: 0.95,
  baseline: null,
  modelPath: '/p/models/float/model.json',
  skipped: 13,
  candidates: [
    { id: 'cnn1d-w1-lr0.002-zscore', preset: 'cnn1d', width: 1, learningRate: 0.002, preprocessing: 'zscore', valAccuracy: 1, testAccuracy: 0.95, epochsRun: 10, params: 8000, flashBytes: 8200, ramBytes: 900, latencyMs: 1.4, fits: true, collapsed: false }
  ]
}

describe('train --search output', () => {
  it('says in its first line how far over the budget the search went, and why in the reason', () => {
    const lines = formatSearch(output).split('\n')
    expect(lines[0]).toBe('Searched 1 model in 11 s (budget 5 s, 6 s over, 13 not tried), ranked by validation accuracy and the nano33ble budget (int8 estimates):')
    expect(lines).toContain(output.reason)
    const within: SearchOutput = { ...output }
    delete within.overBudgetSeconds
    expect(formatSearch(within).split('\n')[0]).toMatch(/^Searched 1 model in 11 s \(budget 5 s, 13 not tried\)/)
  })
})
