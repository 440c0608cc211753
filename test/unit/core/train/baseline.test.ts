import { describe, expect, it } from 'vitest'
import { adviseOnResult, type AdviceInput } from '../../../../src/main/core/train/advice'
import { chanceLoss, collapsed, computeBaseline } from '../../../../src/main/core/train/baseline'
import { leaveOneOutAccuracy, nearestClassMeanPredict, nearestNeighbourPredict } from '../../../../src/main/core/train/neighbours'
import { presetSpec } from '../../../../src/main/core/train/presets'
import { balancedClassWeights } from '../../../../src/main/core/train/train-loop'
import type { EpochMetrics, Preprocessing } from '../../../../src/shared/training'

const set = (rows: number[][], y: number[]) => ({ x: Float32Array.from(rows.flat()), y, ids: y.map((_, i) => `w${i}`) })

describe('nearest-neighbour baseline', () => {
  it('takes the class of the nearest window, and of the nearest class mean', () => {
    const refX = Float32Array.from([0, 0, 10, 10, 0, 1])
    expect(nearestNeighbourPredict(refX, [0, 1, 0], Float32Array.from([9, 9, 0.2, 0.7]), 2)).toEqual([1, 0])
    // Class 0's mean is (0, 0.5); class 1's (10, 10). (6, 6) is nearer class 1's mean.
    expect(nearestClassMeanPredict(refX, [0, 1, 0], Float32Array.from([6, 6, 3, 3]), 2, 2)).toEqual([1, 0])
  })

  it('leave-one-out never lets a window be its own neighbour', () => {
    // Two tight pairs of different classes: each window's nearest other window is its pair.
    const x = Float32Array.from([0, 0.1, 5, 5.1])
    expect(leaveOneOutAccuracy(x, [0, 0, 1, 1], 1)).toBe(1)
    expect(leaveOneOutAccuracy(x, [0, 1, 0, 1], 1)).toBe(0)
  })

  it('references both training and validation windows, scored on the test windows', () => {
    const train = set([[0], [10]], [0, 1])
    const val = set([[20]], [2])
    const test = set([[1], [19], [11]], [0, 2, 1])
    expect(computeBaseline(train, val, test, 1, 3)).toEqual({ nearestNeighbour: 1, nearestClassMean: 1, windows: 3 })
    expect(computeBaseline(train, null, test, 1, 3).nearestNeighbour).toBeCloseTo(2 / 3)
  })
})

describe('collapse detection and class balance', () => {
  const epochs = (losses: number[]): EpochMetrics[] => losses.map((loss, i) => ({ epoch: i + 1, epochs: losses.length, loss, acc: 0, valLoss: null, valAcc: null, ms: 1, windowsPerSecond: 1 }))

  it('a training loss that never falls clearly below ln K is a collapse', () => {
    const k10 = Math.log(10)
    expect(collapsed(epochs([2.31, 2.303, 2.29, 2.302]), chanceLoss([], 10, true))).toBe(true)
    expect(collapsed(epochs([2.31, 1.9, 1.2]), k10)).toBe(false)
  })

  it('without class weights, chance is the entropy of the class frequencies (always guessing the big class)', () => {
    const labels = [...Array(9).fill(0), 1]
    expect(chanceLoss(labels, 2, false)).toBeCloseTo(-(0.9 * Math.log(0.9) + 0.1 * Math.log(0.1)), 9)
    expect(chanceLoss(labels, 2, true)).toBeCloseTo(Math.log(2), 9)
  })

  it('balanced weights give every class the same total weight', () => {
    const w = balancedClassWeights([0, 0, 0, 1], 2)
    expect(w).toEqual([4 / 6, 2])
    expect(3 * w[0]).toBeCloseTo(1 * w[1])
  })
})

describe('advice when the model is below the baseline', () => {
  const fixedRange: Preprocessing = { version: 1, axes: ['aX'], windowLength: 10, method: 'fixed-range', offset: [-2], scale: [0.25] }
  const history = Array.from({ length: 60 }, (_, i) => ({ epoch: i + 1, epochs: 60, loss: 1, acc: 0.5, valLoss: 1, valAcc: 0.5, ms: 1, windowsPerSecond: 1 }))
  const input = (over: Partial<AdviceInput>): AdviceInput => ({
    testAccuracy: 0.545,
    baseline: { nearestNeighbour: 0.966, nearestClassMean: 0.8, windows: 66 },
    preprocessing: fixedRange,
    spec: presetSpec('cnn1d'),
    epochs: 60,
    history,
    bestEpoch: 60,
    stoppedEarly: false,
    ...over
  })

  it('names the fixed range and the epochs, and the fix does both', () => {
    const a = adviseOnResult(input({}))!
    expect(a.message).toMatch(/54\.5%.*96\.6%/)
    expect(a.causes.join(' ')).toMatch(/fixed-range.*Too few epochs/s)
    expect(a.fix).toEqual({ preprocessing: { method: 'auto' }, epochs: 120 })
  })

  it('suggests the 1D CNN for a dense model that stopped early on fitted preprocessing', () => {
    const a = adviseOnResult(input({ preprocessing: { ...fixedRange, method: 'zscore' }, spec: presetSpec('dense'), stoppedEarly: true, bestEpoch: 20 }))!
    expect(a.fix).toEqual({ preset: 'cnn1d' })
    expect(a.fixLabel).toMatch(/1D CNN/)
  })

  it('is silent at or within one window of the baseline', () => {
    expect(adviseOnResult(input({ testAccuracy: 0.97 }))).toBeNull()
    expect(adviseOnResult(input({ testAccuracy: 0.966 - 0.4 / 66 }))).toBeNull()
  })
})
