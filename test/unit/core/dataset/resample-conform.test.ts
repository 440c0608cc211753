import { describe, expect, it } from 'vitest'
import { conform, type Recording } from '../../../../src/main/core/dataset/conform'
import { resample } from '../../../../src/main/core/dataset/resample'

const sine = (hz: number, rate: number, n: number, amp = 1): number[][] => Array.from({ length: n }, (_, i) => [amp * Math.sin((2 * Math.PI * hz * i) / rate), 1])
const rms = (xs: number[]): number => Math.sqrt(xs.reduce((a, b) => a + b * b, 0) / xs.length)

describe('resample', () => {
  it('keeps the duration and the in-band signal: 119 Hz -> 50 Hz', () => {
    const x = sine(3, 119, 238)
    const y = resample(x, 119, 50)
    expect(y).toHaveLength(100)
    // Away from the edges the 3 Hz wave is where it should be at the new sample times.
    const err = y.slice(10, 90).map((r, k) => r[0] - Math.sin((2 * Math.PI * 3 * (k + 10)) / 50))
    expect(rms(err)).toBeLessThan(0.01)
    // A constant axis (gravity) stays exactly constant, edges included.
    for (const r of y) expect(r[1]).toBeCloseTo(1, 12)
  })

  it('removes what the lower rate cannot hold instead of folding it back (band-limited, not interpolated)', () => {
    // 40 Hz is above 50 Hz's Nyquist (25 Hz): picking or interpolating samples would alias it to 10 Hz.
    const y = resample(sine(40, 119, 595), 119, 50)
    expect(rms(y.slice(20, -20).map((r) => r[0]))).toBeLessThan(0.05)
    const naive = Array.from({ length: 250 }, (_, k) => Math.sin((2 * Math.PI * 40 * k) / 50))
    expect(rms(naive)).toBeGreaterThan(0.6)
  })

  it('upsamples too: 50 Hz -> 119 Hz', () => {
    const y = resample(sine(2, 50, 100), 50, 119)
    expect(y).toHaveLength(238)
    const err = y.slice(20, 200).map((r, k) => r[0] - Math.sin((2 * Math.PI * 2 * (k + 20)) / 119))
    expect(rms(err)).toBeLessThan(0.01)
  })
})

describe('conform', () => {
  const rec = (file: string, n: number, rateHz: number | null): Recording => ({ file, label: 'punch', values: sine(2, rateHz ?? 50, n), rateHz, rateFrom: rateHz ? 'given' : 'none', split: null, source: `import:${file}` })

  it('stops when rates differ and says both; resamples only when asked, and says so per file', () => {
    const recs = [rec('punch.csv', 119, 119), rec('flex.csv', 50, 50)]
    expect(() => conform(recs, { rateHz: 50, windowLength: 50, hop: 50 })).toThrow(/punch\.csv was recorded at 119 Hz; this project is at 50 Hz\. Nothing was imported/)
    const { windows, report } = conform(recs, { rateHz: 50, windowLength: 50, hop: 50, resample: true })
    expect(windows.map((w) => [w.values.length, w.rateHz])).toEqual([
      [50, 50],
      [50, 50]
    ])
    expect(report[0]).toMatchObject({ file: 'punch.csv', rateHz: 119, samples: 119, windows: 1 })
    expect(report[0].actions[0]).toMatch(/resampled 119 Hz -> 50 Hz/)
    expect(report[1].actions).toEqual(['kept as recorded'])
  })

  it('cuts long recordings by window and hop, crops or pads only when asked', () => {
    const long = [rec('a.csv', 130, 50)]
    expect(conform(long, { rateHz: 50, windowLength: 50, hop: 25 }).windows.map((w) => w.values[0][0])).toEqual([0, 25, 50, 75].map((i) => long[0].values[i][0]))
    const cropped = conform(long, { rateHz: 50, windowLength: 50, hop: 25, crop: 'end' })
    expect(cropped.windows).toHaveLength(1)
    expect(cropped.windows[0].values[49]).toEqual(long[0].values[129])
    const short = [rec('b.csv', 30, 50)]
    expect(() => conform(short, { rateHz: 50, windowLength: 50, hop: 50 })).toThrow(/b\.csv has a recording shorter than a window \(30 samples; a window is 50\)/)
    const padded = conform(short, { rateHz: 50, windowLength: 50, hop: 50, pad: 'start' })
    expect(padded.windows[0].values[19]).toEqual([0, 0])
    expect(padded.windows[0].values[20]).toEqual(short[0].values[0])
    expect(padded.report[0].actions).toEqual(['padded to 50 samples at the start (zeros)'])
  })
})
