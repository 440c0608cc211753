import { describe, expect, it } from 'vitest'
import { RateEstimator } from '../../../src/main/core/serial/rate-estimator'

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
})
