import { describe, expect, it } from 'vitest'
import { histogram, profileStats, quantileSorted, stageStats, timeline } from '../../../../src/main/core/profile/stage-stats'
import { correctionFactor, measuredOverEstimated } from '../../../../src/main/core/profile/latency-ratio'

describe('stage statistics', () => {
  it('interpolates quantiles like numpy.percentile', () => {
    // np.percentile([1,2,3,4,10], [50, 95]) == [3.0, 8.8]
    expect(quantileSorted([1, 2, 3, 4, 10], 0.5)).toBe(3)
    expect(quantileSorted([1, 2, 3, 4, 10], 0.95)).toBeCloseTo(8.8, 10)
    // np.percentile([1,2,3,4], 50) == 2.5
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5)
    expect(quantileSorted([7], 0.95)).toBe(7)
  })

  it('gives golden values for a stage', () => {
    const s = stageStats('inference', [1210, 1200, 1190, 1205, 1400, 1195, 1200, 1202, 1198, 1200])
    // np.median = 1200, np.percentile(.., 95) = 1314.5, mean = 1220, np.std(ddof=1) = 63.4718 (checked with NumPy)
    expect(s).toMatchObject({ stage: 'inference', count: 10, min: 1190, max: 1400, median: 1200, p95: 1314.5, mean: 1220 })
    expect(s.std).toBeCloseTo(63.472, 3)
    expect(s.histogram.counts.reduce((a, b) => a + b, 0) + (s.histogram.above ?? 0)).toBe(10)
    // 1400 is beyond the far-out fence (quartiles 1198.5 and 1204.25, 3 IQR = 17.25): counted, not binned.
    expect(s.histogram).toEqual({ start: 1190, width: 10, counts: [3, 6], above: 1 })
  })

  it('keeps the bulk readable when a few inferences are far slower (a USB hiccup)', () => {
    const values = Array.from({ length: 500 }, (_, i) => 1200 + ((i * 37) % 11) - 5)
    values.push(40_000, 41_000)
    const h = stageStats('inference', values).histogram
    expect(h.above).toBe(2)
    expect(h.below).toBeUndefined()
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(500)
    // The 500 ordinary inferences spread over several bars instead of one bar next to 22 empty ones.
    expect(h.counts.filter((c) => c > 0).length).toBeGreaterThanOrEqual(4)
    expect(Math.max(...h.counts)).toBeLessThan(250)
    expect(h.start).toBeLessThanOrEqual(1195)
    expect(h.start + h.width * h.counts.length).toBeGreaterThanOrEqual(1205)
  })

  it('bins an almost constant emulator series with round edges', () => {
    // QEMU instruction counts: 12170-12180 µs, nearly every inference the same.
    const values = [...Array.from({ length: 300 }, () => 12_170), ...Array.from({ length: 20 }, (_, i) => 12_170 + (i % 10) + 0.5)]
    const h = histogram(Float64Array.from(values).sort())
    expect(h.counts.reduce((a, b) => a + b, 0) + (h.above ?? 0) + (h.below ?? 0)).toBe(320)
    expect([1, 2, 2.5, 5].some((m) => [0.1, 1, 10].some((p) => Math.abs(h.width - m * p) < 1e-9))).toBe(true)
  })

  it('bins a constant series in one bin and includes max in the last bin', () => {
    expect(histogram([5, 5, 5])).toEqual({ start: 5, width: 1, counts: [3] })
    expect(histogram([0, 1, 2, 3])).toEqual({ start: 0, width: 2, counts: [2, 2] })
    expect(histogram([])).toEqual({ start: 0, width: 1, counts: [] })
  })

  it('orders stages sensor, preprocess, inference, output, then others, and sums the total', () => {
    const st = profileStats([
      { t: 0, stages: { output: 5, inference: 1200, fft: 30, sensor: 180, preprocess: 210 } },
      { t: 10, stages: { output: 7, inference: 1100, sensor: 170, preprocess: 220 } }
    ])
    expect(st.stages.map((s) => s.stage)).toEqual(['sensor', 'preprocess', 'inference', 'output', 'fft'])
    expect(st.stages.find((s) => s.stage === 'fft')!.count).toBe(1)
    expect(st.total!.median).toBe((1625 + 1497) / 2)
    expect(profileStats([])).toEqual({ stages: [], total: null })
  })

  it('averages buckets for the timeline', () => {
    const samples = Array.from({ length: 10 }, (_, i) => ({ t: i * 10, stages: { inference: i } }))
    expect(timeline(samples, 5)).toEqual([
      { t: 0, stages: { inference: 0.5 } },
      { t: 20, stages: { inference: 2.5 } },
      { t: 40, stages: { inference: 4.5 } },
      { t: 60, stages: { inference: 6.5 } },
      { t: 80, stages: { inference: 8.5 } }
    ])
    expect(timeline(samples, 100)).toHaveLength(10)
  })
})

describe('measured against estimated', () => {
  it('is the ratio of the median to the estimate', () => {
    expect(measuredOverEstimated(1200, 800)).toBe(1.5)
    expect(measuredOverEstimated(1200, 0)).toBeNull()
    expect(measuredOverEstimated(undefined, 800)).toBeNull()
  })

  it('averages ratios geometrically', () => {
    expect(correctionFactor([2, 0.5])).toBe(1)
    expect(correctionFactor([1.5])).toBe(1.5)
    expect(correctionFactor([2, 8])).toBe(4)
    expect(correctionFactor([NaN, -1])).toBeNull()
  })
})
