import { describe, expect, it } from 'vitest'
import {
  applyMasks,
  magnitudeMask,
  magnitudeMasks,
  pruneByMagnitude,
  scheduledSparsity,
  scheduleForSteps,
  shouldUpdateMask,
  sparsityReport,
  validateSchedule,
  type PruningSchedule
} from '../../../../src/main/core/optimize/pruning'
import { cnnModel } from './fixtures'

const seed: PruningSchedule = { initialSparsity: 0.3, finalSparsity: 0.7, beginStep: 0, endStep: 1000, power: 3, frequency: 100 }

describe('polynomial-decay schedule (tfmot PolynomialDecay)', () => {
  it('goes from the initial to the final sparsity with power 3', () => {
    expect(scheduledSparsity(seed, 0)).toBeCloseTo(0.3, 10)
    // final + (initial - final) * (1 - 0.5)^3 = 0.7 - 0.4 / 8
    expect(scheduledSparsity(seed, 500)).toBeCloseTo(0.65, 10)
    expect(scheduledSparsity(seed, 100)).toBeCloseTo(0.7 - 0.4 * 0.729, 10)
    expect(scheduledSparsity(seed, 1000)).toBeCloseTo(0.7, 10)
    expect(scheduledSparsity(seed, 5000)).toBeCloseTo(0.7, 10)
    expect(scheduledSparsity({ ...seed, beginStep: 200 }, 100)).toBeCloseTo(0.3, 10)
  })

  it('updates masks every `frequency` steps between begin and end', () => {
    const steps = Array.from({ length: 1201 }, (_, i) => i).filter((s) => shouldUpdateMask(seed, s))
    expect(steps).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000])
  })

  it('fits a schedule to a short fine-tune', () => {
    const s = scheduleForSteps(200, 0.9)
    expect(s).toMatchObject({ endStep: 150, frequency: 15, finalSparsity: 0.9, power: 3 })
    expect(() => validateSchedule(s)).not.toThrow()
    expect(() => validateSchedule({ ...s, endStep: 0 })).toThrow(/end step/)
    expect(() => validateSchedule({ ...s, finalSparsity: 1 })).toThrow(/final sparsity/)
  })
})

describe('magnitude masks', () => {
  it('zeroes exactly round(n * sparsity) of the smallest magnitudes, ties by position', () => {
    const w = Float32Array.from([0.5, -0.1, 0.2, -0.9, 0.1, 0.0])
    expect(Array.from(magnitudeMask(w, 0.5))).toEqual([1, 0, 1, 1, 0, 0])
    expect(Array.from(magnitudeMask(w, 0))).toEqual([1, 1, 1, 1, 1, 1])
    expect(Array.from(magnitudeMask(Float32Array.from([1, 1, 1, 1]), 0.5))).toEqual([0, 0, 1, 1])
  })

  it('gives every kernel the scheduled sparsity and leaves biases alone', () => {
    const model = cnnModel()
    for (const step of [0, 250, 500, 1000]) {
      const target = scheduledSparsity(seed, step)
      const pruned = applyMasks(model, magnitudeMasks(model, target))
      const report = sparsityReport(pruned)
      for (const l of report.layers) expect(Math.abs(l.sparsity - target)).toBeLessThanOrEqual(0.5 / l.weights + 1e-9)
      expect(report.sparsity).toBeCloseTo(target, 2)
    }
    const pruned = pruneByMagnitude(model, 0.9, ['output'])
    const report = sparsityReport(pruned)
    expect(report.layers.find((l) => l.name === 'output')!.zeros).toBe(0)
    const dense = pruned.layers.find((l) => l.name === 'dense_1')!
    expect(dense.type === 'dense' && Array.from(dense.bias!).every((b) => b !== 0)).toBe(true)
    // The source model is untouched.
    expect(sparsityReport(model).zeros).toBe(0)
  })
})
