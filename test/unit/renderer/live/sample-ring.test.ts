import { describe, expect, it } from 'vitest'
import { decimateMinMax, lowerBound, SampleRing, stableRange } from '../../../../src/renderer/src/live/sample-ring'

describe('SampleRing', () => {
  it('keeps the newest samples contiguous across the wrap', () => {
    const ring = new SampleRing(4)
    ring.reset(['x', 'y'])
    for (let i = 0; i < 7; i++) ring.push([i * 10], [[i, -i]])
    expect(ring.length).toBe(4)
    const s = ring.start
    expect(Array.from(ring.times.subarray(s, s + 4))).toEqual([30, 40, 50, 60])
    expect(Array.from(ring.values[1].subarray(s, s + 4))).toEqual([-3, -4, -5, -6])
    expect(ring.latestTime()).toBe(60)
  })

  it('finds the first sample of the visible span', () => {
    const t = Float64Array.from([0, 10, 20, 30, 40])
    expect(lowerBound(t, 0, 5, 15)).toBe(2)
    expect(lowerBound(t, 0, 5, -1)).toBe(0)
    expect(lowerBound(t, 0, 5, 99)).toBe(5)
  })
})

describe('decimateMinMax', () => {
  it('keeps a one-sample spike that shares a bucket with thousands of others', () => {
    const n = 10_000
    const times = new Float64Array(n)
    const values = new Float32Array(n)
    for (let i = 0; i < n; i++) times[i] = i
    values[4321] = 5
    const out = new Float64Array(400)
    const points = decimateMinMax(times, values, 0, n, 0, n - 1, 100, out)
    expect(points).toBeLessThanOrEqual(200)
    const ys = Array.from({ length: points }, (_, k) => out[2 * k + 1])
    expect(Math.max(...ys)).toBe(5)
    // x is in seconds relative to the end.
    expect(out[0]).toBeCloseTo(-(n - 1) / 1000)
  })

  it('passes few samples through unchanged', () => {
    const out = new Float64Array(40)
    const n = decimateMinMax(Float64Array.from([0, 1000, 2000]), Float32Array.from([1, 2, 3]), 0, 3, 0, 2000, 10, out)
    expect(Array.from(out.subarray(0, 2 * n))).toEqual([-2, 1, -1, 2, 0, 3])
  })
})

describe('stableRange', () => {
  it('does not move while the data stay inside and use a fair part of it', () => {
    const r = stableRange(null, -1, 1)
    expect(r.min).toBeLessThanOrEqual(-1)
    expect(r.max).toBeGreaterThanOrEqual(1)
    expect(stableRange(r, -0.9, 0.8)).toBe(r)
    expect(stableRange(r, -3, 1).min).toBeLessThanOrEqual(-3)
    expect(stableRange(r, 0, 0.01)).not.toBe(r)
  })
})
