import { describe, expect, it } from 'vitest'
import { prepareData } from '../../../../src/main/core/train/prepare'
import type { SampleWindow } from '../../../../src/shared/dataset'

function sample(id: string, label: string, split: 'train' | 'test', value: number, length = 4): SampleWindow {
  return { id, label, split, axes: ['aX', 'gX'], rateHz: null, values: Array.from({ length }, () => [value, value * 100]), source: 'test', createdAt: '' }
}

describe('prepareData', () => {
  const samples = [
    ...Array.from({ length: 10 }, (_, i) => sample(`p${i}`, 'punch', i < 2 ? 'test' : 'train', 1)),
    ...Array.from({ length: 10 }, (_, i) => sample(`f${i}`, 'flex', i < 2 ? 'test' : 'train', -1))
  ]

  it('keeps the stored test split, draws a stratified validation split and orders classes as the project does', () => {
    const d = prepareData(samples, ['flex', 'punch'], {}, 4, 0.25, 1)
    expect(d.classes).toEqual(['flex', 'punch'])
    expect(d.test.ids.sort()).toEqual(['f0', 'f1', 'p0', 'p1'])
    expect(d.val!.y.filter((c) => c === 0)).toHaveLength(2)
    expect(d.val!.y.filter((c) => c === 1)).toHaveLength(2)
    expect(d.train.y).toHaveLength(12)
    expect(d.testDrawn).toBe(false)
    expect(d.inputShape).toEqual([4, 2])
    // Fitted to the training windows only (auto picks a method and says why).
    expect(d.preprocessing.chosen?.by).toBe('auto')
    expect(d.preprocessing.mean).toHaveLength(2)
    // Fixed range when asked: ±2 g and ±125 dps hold 1 g and 100 dps.
    expect(prepareData(samples, ['flex', 'punch'], { method: 'fixed-range' }, 4, 0.25, 1).preprocessing.ranges).toEqual([{ min: -2, max: 2 }, { min: -125, max: 125 }])
  })

  it('draws a seeded, stratified 20% test split when no window is marked test', () => {
    const all = samples.map((s) => ({ ...s, split: 'train' as const }))
    const a = prepareData(all, [], {}, null, 0, 5)
    expect(a.testDrawn).toBe(true)
    expect(a.test.ids).toHaveLength(4)
    expect(prepareData(all, [], {}, null, 0, 5).test.ids).toEqual(a.test.ids)
  })

  it('needs two classes and consistent axes', () => {
    expect(() => prepareData(samples.filter((s) => s.label === 'punch'), [], {}, 4, 0.2, 1)).toThrow(/at least two classes/)
    const odd = [...samples, { ...sample('x', 'flex', 'train', 0), axes: ['aX', 'aY'] }]
    expect(() => prepareData(odd, [], {}, 4, 0.2, 1)).toThrow(/has axes aX, aY/)
  })
})
