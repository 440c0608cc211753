import { describe, expect, it } from 'vitest'
import { LineParser, type StreamItem } from '../../../../src/main/core/serial/line-parser'
import { splitBlocks, WindowSplitter } from '../../../../src/main/core/serial/window-splitter'
import { WindowRecorder } from '../../../../src/main/core/serial/window-recorder'

const s = (v: number): StreamItem => ({ type: 'sample', sample: { values: [v], t: null } })
const gap: StreamItem = { type: 'gap' }

describe('WindowSplitter', () => {
  it('makes one window per blank-line separated block, any length', () => {
    const p = new LineParser()
    const items: StreamItem[] = []
    for (const l of ['aX,aY,aZ', '1,2,3', '4,5,6', '', '', '7,8,9', '']) p.push(l, items)
    const blocks = splitBlocks(items)
    expect(blocks.map((b) => b.map((x) => x.values))).toEqual([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9]]])
  })

  it('streams blocks and bounds a block that never ends', () => {
    const sp = new WindowSplitter(3)
    expect(sp.push([s(1), s(2)])).toEqual([])
    expect(sp.push([gap]).map((b) => b.length)).toEqual([2])
    expect(sp.push([s(1), s(2), s(3), s(4)]).map((b) => b.length)).toEqual([3])
    expect(sp.flush()?.length).toBe(1)
  })
})

describe('WindowRecorder', () => {
  const sample = (...values: number[]) => ({ values, t: null })

  it('manual: the next N samples', () => {
    const r = new WindowRecorder({ trigger: 'manual', samples: 3, count: 1 })
    expect(r.push(sample(1))).toBeNull()
    expect(r.push(sample(2))).toBeNull()
    expect(r.push(sample(3))).toEqual([[1], [2], [3]])
    expect(r.state).toBe('done')
    expect(r.push(sample(4))).toBeNull()
  })

  it('continuous: back-to-back windows until the count', () => {
    const r = new WindowRecorder({ trigger: 'continuous', samples: 2, count: 3 })
    const got = [1, 2, 3, 4, 5, 6, 7].map((v) => r.push(sample(v))).filter((w) => w !== null)
    expect(got).toEqual([[[1], [2]], [[3], [4]], [[5], [6]]])
  })

  it('motion: waits for |aX|+|aY|+|aZ| over the threshold, keeps pre-trigger samples, re-arms', () => {
    const r = new WindowRecorder({ trigger: 'motion', samples: 3, count: 2, threshold: 2.5, preSamples: 1 })
    const rest = sample(0, 0, 1)
    const hit = sample(2, -1, 0.5)
    expect(r.push(rest)).toBeNull()
    expect(r.state).toBe('armed')
    expect(r.push(hit)).toBeNull()
    expect(r.state).toBe('recording')
    expect(r.push(rest)).toEqual([[0, 0, 1], [2, -1, 0.5], [0, 0, 1]])
    expect(r.state).toBe('armed')
    r.push(hit)
    r.push(rest)
    expect(r.push(rest)).toHaveLength(3)
    expect(r.state).toBe('done')
  })

  it('board: blank-line blocks, rejecting blocks of another length', () => {
    const r = new WindowRecorder({ trigger: 'board', samples: 2, count: 5 })
    r.push(sample(1))
    expect(r.gap()).toBeNull()
    expect(r.rejectedBlocks).toBe(1)
    r.push(sample(1))
    r.push(sample(2))
    expect(r.gap()).toEqual([[1], [2]])
  })

  it('stop drops only the window in progress', () => {
    const r = new WindowRecorder({ trigger: 'continuous', samples: 2, count: 10 })
    r.push(sample(1))
    r.push(sample(2))
    r.push(sample(3))
    expect(r.stop()).toBe(1)
    expect(r.recorded).toBe(1)
    expect(r.state).toBe('done')
  })
})
