import { describe, expect, it } from 'vitest'
import { mulberry32 } from '../../../../src/main/core/util/random'
import { envelopePeriod, RateEstimator } from '../../../../src/main/core/serial/rate-estimator'

describe('RateEstimator', () => {
  it('reads rate and jitter from the board clock and counts missing samples', () => {
    const r = new RateEstimator()
    let t = 0
    for (let i = 0; i < 100; i++) {
      t += i % 2 ? 19 : 21
      if (i === 60) t += 40
      r.add(t, 0)
    }
    const e = r.estimate()
    expect(e.source).toBe('timestamps')
    expect(e.rateHz).toBeCloseTo(50, 0)
    expect(e.jitterMs).toBeGreaterThan(0.9)
    expect(e.missing).toBe(2)
  })

  it('falls back to arrival times, batched as USB delivers them', () => {
    const r = new RateEstimator()
    // 1 kHz arriving in bursts of 10 every 10 ms.
    for (let i = 0; i < 1000; i++) r.add(null, Math.floor(i / 10) * 10)
    const e = r.estimate()
    expect(e.source).toBe('arrival')
    expect(e.rateHz).toBeGreaterThan(950)
    expect(e.rateHz).toBeLessThan(1050)
    expect(e.jitterMs).toBeGreaterThan(2)
  })

  it('says nothing until it has seen enough, and restarts when the board clock goes back', () => {
    const r = new RateEstimator()
    r.add(0, 0)
    expect(r.estimate().rateHz).toBeNull()
    for (let i = 1; i < 20; i++) r.add(i * 10, 0)
    expect(r.estimate().rateHz).toBeCloseTo(100)
    for (let i = 0; i < 20; i++) r.add(i * 5, 0)
    expect(r.estimate().rateHz).toBeCloseTo(200)
    expect(r.estimate().missing).toBe(0)
  })

  it('counts samples over the span when several share a clock tick', () => {
    const r = new RateEstimator()
    for (let i = 0; i < 400; i++) r.add(Math.floor(i / 2), 0)
    expect(r.estimate().rateHz).toBeCloseTo(2000, -2)
  })

  it('measures an IMU_Capture stream inside its bursts, never across the pauses between gestures', () => {
    // 119 samples at 119 Hz per gesture, a blank line, then 2 s of nothing: 5 gestures.
    const withBlank = new RateEstimator()
    const noBlank = new RateEstimator()
    let t = 0
    for (let g = 0; g < 5; g++) {
      for (let i = 0; i < 119; i++) {
        // Host arrival times wobble by up to 1 ms.
        const arrival = t + (i % 3) * 0.4
        withBlank.add(null, arrival)
        noBlank.add(null, arrival)
        t += 1000 / 119
      }
      withBlank.gap()
      t += 2000
    }
    for (const r of [withBlank, noBlank]) {
      const e = r.estimate()
      expect(e.source).toBe('arrival')
      expect(e.rateHz).toBeGreaterThan(119 * 0.98)
      expect(e.rateHz).toBeLessThan(119 * 1.02)
      expect(e.jitterMs).toBeLessThan(1)
    }
    const e = withBlank.estimate()
    expect(e.bursts).toBe(5)
    expect(e.lastBurst?.samples).toBe(119)
    expect(e.lastBurst?.rateHz).toBeCloseTo(119, 0)
    // The pause detector ends bursts too, once it knows the usual step.
    expect(noBlank.estimate().bursts).toBe(4)
  })

  it('ignores the step across a blank line when the board has timestamps, and counts no missing samples there', () => {
    const r = new RateEstimator()
    let t = 0
    for (let g = 0; g < 3; g++) {
      for (let i = 0; i < 50; i++) r.add((t += 20), 0)
      r.gap()
      t += 1500
    }
    expect(r.estimate()).toMatchObject({ source: 'timestamps', missing: 0, bursts: 3 })
    expect(r.estimate().rateHz).toBeCloseTo(50, 5)
  })

  /**
   * A loaded machine, modelled on the virtual board's writer and the app's reader: the writer's
   * 5 ms timer fires late (often by a few ms, now and then by 20-150 ms) and writes every sample
   * due by then at once; the reader sees each chunk after its own delay, in order. Delays are never
   * negative. Each seed is a different machine; none of them was used to choose anything.
   */
  function loadedImuCapture(seed: number, gestures = 5): { bursts: number[][] } {
    const rnd = mulberry32(seed)
    const period = 1000 / 119
    const bursts: number[][] = []
    let t0 = 0
    for (let g = 0; g < gestures; g++) {
      const arrivals: number[] = []
      let tick = t0
      let sent = 0
      let readerFree = 0
      while (sent < 119) {
        tick += 5 + (rnd() < 0.08 ? 20 + rnd() * 130 : rnd() * 4)
        const due = Math.min(119, Math.floor((tick - t0) / period) + 1)
        if (due <= sent) continue
        const read = Math.max(tick + rnd() * 2 + (rnd() < 0.05 ? rnd() * 60 : 0), readerFree)
        readerFree = read
        for (; sent < due; sent++) arrivals.push(read)
      }
      bursts.push(arrivals)
      t0 = arrivals[arrivals.length - 1] + 1500 + rnd() * 1000
    }
    return { bursts }
  }

  it('keeps an IMU_Capture stream at 119 Hz +-2% when the machine is loaded (stalls and catch-up clumps at any point of a burst)', () => {
    let meanOff = 0
    for (const seed of [11, 12, 13, 14, 15, 16, 17, 18, 19, 20]) {
      const r = new RateEstimator()
      const { bursts } = loadedImuCapture(seed)
      for (const b of bursts) {
        for (const a of b) r.add(null, a)
        r.gap()
        // What the old estimate (the mean step inside the burst) read for this burst.
        const meanRate = (1000 * (b.length - 1)) / (b[b.length - 1] - b[0])
        if (Math.abs(meanRate - 119) > 119 * 0.02) meanOff++
        expect(r.estimate().lastBurst?.rateHz).toBeGreaterThan(119 * 0.97)
        expect(r.estimate().lastBurst?.rateHz).toBeLessThan(119 * 1.03)
      }
      const e = r.estimate()
      expect(e.rateHz, `seed ${seed}`).toBeGreaterThan(119 * 0.98)
      expect(e.rateHz, `seed ${seed}`).toBeLessThan(119 * 1.02)
    }
    // The scenario is a hard one: the mean step misses +-2% on many of these bursts.
    expect(meanOff).toBeGreaterThan(10)
  })

  it('envelopePeriod: the period under delays that are never negative, whatever clumps them', () => {
    // Exact when some samples at both ends arrive on time.
    const a = Array.from({ length: 60 }, (_, i) => i * 10 + (i % 7 === 0 ? 0 : 3 + (i % 5)))
    expect(envelopePeriod(a)).toBeCloseTo(10, 9)
    expect(envelopePeriod([1, 2])).toBeNull()
    expect(envelopePeriod([5, 5, 5, 5])).toBeNull()
  })
})
