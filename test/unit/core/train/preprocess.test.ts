import { describe, expect, it } from 'vitest'
import { evaluatePredictions } from '../../../../src/main/core/train/metrics'
import { applyPreprocessing, axisKind, fitPreprocessing, suggestRanges } from '../../../../src/main/core/train/preprocess'
import { mulberry32, stratifiedSplit } from '../../../../src/main/core/train/rng'

const axes = ['aX', 'aY', 'gZ']
const win = (rows: number[][]): number[][] => rows

describe('preprocessing', () => {
  it('recognises accelerometer and gyro axis names', () => {
    expect(['aX', 'accY', 'ax', 'gZ', 'gyroX', 'temp'].map(axisKind)).toEqual(['accel', 'accel', 'accel', 'gyro', 'gyro', 'other'])
  })

  it('picks the smallest standard full scale that holds the data', () => {
    const w = [win([[1.5, -3.9, 400], [0, 0, -600]])]
    expect(suggestRanges(axes, w)).toEqual([
      { min: -2, max: 2 },
      { min: -4, max: 4 },
      { min: -1000, max: 1000 }
    ])
  })

  it('fixed-range maps the sensor range to 0..1 with offset and scale firmware can repeat', () => {
    const p = fitPreprocessing({ method: 'fixed-range', ranges: [{ min: -4, max: 4 }, { min: -4, max: 4 }, { min: -2000, max: 2000 }] }, axes, [], 2)
    expect(p.offset).toEqual([-4, -4, -2000])
    expect(p.scale).toEqual([1 / 8, 1 / 8, 1 / 4000])
    const x = Array.from(applyPreprocessing(p, axes, [win([[4, -4, 0], [0, 2, 1000]])]))
    // float32 arithmetic, as firmware does it: 1/4000 is not exact there.
    ;[1, 0, 0.5, 0.5, 0.75, 0.75].forEach((v, i) => expect(x[i]).toBeCloseTo(v, 6))
  })

  it('z-score uses the training windows only, and a constant axis stays finite', () => {
    const train = [win([[1, 5, 7], [3, 5, 7]])]
    const p = fitPreprocessing({ method: 'zscore' }, axes, train, 2)
    expect(p.mean).toEqual([2, 5, 7])
    expect(p.std).toEqual([1, 1, 1])
    expect(Array.from(applyPreprocessing(p, axes, train))).toEqual([-1, 0, 0, 1, 0, 0])
  })

  it('selects and reorders axes, cuts long windows and edge-pads short ones', () => {
    const p = fitPreprocessing({ method: 'none', axes: ['gZ', 'aX'], windowLength: 3 }, axes, [], 30)
    const x = applyPreprocessing(p, axes, [win([[1, 2, 3], [4, 5, 6]]), win([[1, 1, 1], [2, 2, 2], [3, 3, 3], [9, 9, 9]])])
    expect(Array.from(x)).toEqual([3, 1, 6, 4, 6, 4, 1, 1, 2, 2, 3, 3])
  })

  it('rejects unknown axes and empty ranges with a next step', () => {
    expect(() => fitPreprocessing({ axes: ['mX'] }, axes, [], 2)).toThrow(/no axis mX/)
    expect(() => fitPreprocessing({ method: 'fixed-range', ranges: [{ min: 1, max: 1 }, { min: 0, max: 1 }, { min: 0, max: 1 }] }, axes, [], 2)).toThrow(/empty/)
  })
})

describe('seeded split and metrics', () => {
  it('splits every class in proportion, the same way for the same seed', () => {
    const labels = [...Array(17).fill('punch'), ...Array(43).fill('flex')]
    const a = stratifiedSplit(labels, 0.2, 42)
    expect(stratifiedSplit(labels, 0.2, 42)).toEqual(a)
    expect(a.held.filter((i) => labels[i] === 'punch')).toHaveLength(3)
    expect(a.held.filter((i) => labels[i] === 'flex')).toHaveLength(9)
    expect(new Set([...a.keep, ...a.held]).size).toBe(60)
    expect(stratifiedSplit(labels, 0.2, 43).held).not.toEqual(a.held)
    expect(mulberry32(1)()).toBe(mulberry32(1)())
  })

  it('computes confusion, per-class precision/recall and misclassified ids', () => {
    const probs = new Float32Array([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7])
    const r = evaluatePredictions(probs, [0, 1, 1, 1], ['punch', 'flex'], ['a', 'b', 'c', 'd'], 0.5)
    expect(r.accuracy).toBe(0.75)
    expect(r.confusion).toEqual([[1, 0], [1, 2]])
    expect(r.perClass).toEqual([
      { label: 'punch', precision: 0.5, recall: 1, support: 1 },
      { label: 'flex', precision: 1, recall: 2 / 3, support: 3 }
    ])
    expect(r.misclassified).toEqual([{ id: 'c', label: 'flex', predicted: 'punch', confidence: expect.closeTo(0.6, 5) }])
  })
})
