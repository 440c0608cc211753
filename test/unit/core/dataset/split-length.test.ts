import { describe, expect, it } from 'vitest'
import { stratifiedSplit } from '../../../../src/main/core/dataset/split'
import { commonLength, fitLength } from '../../../../src/main/core/dataset/window-length'

describe('fitLength', () => {
  it('keeps the first samples, or pads with zeros or the last sample', () => {
    expect(fitLength([[1], [2], [3]], 2)).toEqual([[1], [2]])
    expect(fitLength([[1, 1]], 3)).toEqual([[1, 1], [0, 0], [0, 0]])
    expect(fitLength([[1, 1]], 2, 'repeat-last')).toEqual([[1, 1], [1, 1]])
  })

  it('finds the length most windows share', () => {
    expect(commonLength([[[1]], [[1], [2]], [[1], [2]]])).toBe(2)
    expect(commonLength([])).toBeNull()
  })
})

describe('stratifiedSplit', () => {
  const items = [...Array.from({ length: 17 }, (_, i) => ({ id: `p${i}`, label: 'punch' })), ...Array.from({ length: 43 }, (_, i) => ({ id: `f${i}`, label: 'flex' }))]

  it('keeps each class share and is the same for the same seed, in any input order', () => {
    const a = stratifiedSplit(items, 0.2, 42)
    const b = stratifiedSplit([...items].reverse(), 0.2, 42)
    expect([...a].sort()).toEqual([...b].sort())
    const tests = (label: string): number => items.filter((i) => i.label === label && a.get(i.id) === 'test').length
    expect(tests('punch')).toBe(3)
    expect(tests('flex')).toBe(9)
    const c = stratifiedSplit(items, 0.2, 7)
    expect([...c].sort()).not.toEqual([...a].sort())
  })

  it('puts one window of a small class in each half', () => {
    const s = stratifiedSplit([{ id: 'a', label: 'x' }, { id: 'b', label: 'x' }], 0.1, 1)
    expect(new Set(s.values())).toEqual(new Set(['train', 'test']))
  })
})
