import { describe, expect, it } from 'vitest'
import { histogram, profileStats, quantileSorted, stageStats, timeline } from '../../../src/main/core/profile/stage-stats'
import { correctionFactor, measuredOverEstimated } from '../../../src/main/core/profile/latency-ratio'

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
    expect(s.histogram.counts.reduce((a, b) => a + b, 0)).toBe(10)
    expect(s.histogram.counts.length).toBe(4)
    expect(s.histogram.start).toBe(1190)
    expect(s.histogram.width).toBe(52.5)
    expect(s.histogram.counts).toEqual([9, 0, 0, 1])
  })

  it('bins a constant series in one bin and includes max in the last bin', () => {
    expect(histogram([5, 5, 5])).toEqual({ start: 5, width: 1, counts: [3] })
    expect(histogram([0, 1, 2, 3])).toEqual({ start: 0, width: 1.5, counts: [2, 2] })
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
