import { describe, expect, it } from 'vitest'
import { applyPreprocessing, fitPreprocessing } from '../../../../src/main/core/train/preprocess'
import { choosePreprocessing } from '../../../../src/main/core/train/preprocess-auto'
import { mulberry32 } from '../../../../src/main/core/train/rng'

const AXES = ['aX', 'aY', 'aZ']
const T = 24

/**
 * Two motions (a sine along X, a sine along Y) of the same size. heldOffsets: each recording holds
 * the sensor differently (random offset per window, larger than the motion), else all are held alike.
 */
function windows(n: number, seed: number, heldOffsets: boolean): { raw: number[][][]; labels: number[] } {
  const r = mulberry32(seed)
  const raw: number[][][] = []
  const labels: number[] = []
  for (let i = 0; i < n; i++) {
    const label = i % 2
    const offset = heldOffsets ? [r() * 2 - 1, r() * 2 - 1, 1] : [0.05, -0.02, 1]
    const phase = r() * 6
    raw.push(Array.from({ length: T }, (_, t) => AXES.map((_, a) => offset[a] + (a === label ? 0.2 * Math.sin(t / 2 + phase) : 0) + (r() - 0.5) * 0.02)))
    labels.push(label)
  }
  return { raw, labels }
}

describe('preprocessing fitted to the training split', () => {
  it("removes each window's offset when orientation varies between recordings, and says why", () => {
    const { raw, labels } = windows(60, 3, true)
    const p = choosePreprocessing({}, AXES, raw, labels, T)
    expect(p.method).toBe('window-offset')
    expect(p.removeWindowMean).toBe(true)
    expect(p.chosen?.by).toBe('auto')
    expect(p.chosen?.reason).toMatch(/offset/)
    const [z, w] = p.chosen!.candidates!
    expect(w.score).toBeGreaterThan(z.score + 0.02)
  })

  it('keeps per-axis z-score when the sensor is held alike (the offset is not noise)', () => {
    const { raw, labels } = windows(60, 4, false)
    const p = choosePreprocessing({}, AXES, raw, labels, T)
    expect(p.method).toBe('zscore')
    expect(p.removeWindowMean).toBeUndefined()
    // Statistics of these windows: aZ's mean is the 1 g offset.
    expect(p.mean![2]).toBeCloseTo(1, 2)
  })

  it('keeps a mean that tells the classes apart (tilt left vs right) rather than removing it', () => {
    const r = mulberry32(9)
    const raw = Array.from({ length: 40 }, (_, i) => Array.from({ length: T }, () => [i % 2 ? 0.5 : -0.5, 0, 1].map((v) => v + (r() - 0.5) * 0.05)))
    const labels = raw.map((_, i) => i % 2)
    expect(choosePreprocessing({}, AXES, raw, labels, T).method).toBe('zscore')
  })

  it("an explicit method is fitted as asked and marked as the user's", () => {
    const { raw, labels } = windows(20, 5, true)
    const p = choosePreprocessing({ method: 'fixed-range' }, AXES, raw, labels, T)
    expect(p.method).toBe('fixed-range')
    expect(p.chosen).toEqual({ by: 'user', reason: 'You chose fixed-range.' })
  })

  it('window-offset scales by the spread within windows, after the offset is gone', () => {
    // Window A sits at +1, window B at -1, both with a +-0.5 square wave: within-window spread 0.5.
    const wave = (c: number) => Array.from({ length: 4 }, (_, t) => [c + (t % 2 ? 0.5 : -0.5), 0, 0])
    const p = fitPreprocessing({ method: 'window-offset' }, AXES, [wave(1), wave(-1)], 4)
    expect(p.std![0]).toBeCloseTo(0.5, 6)
    expect(Array.from(applyPreprocessing(p, AXES, [wave(3)])).filter((_, i) => i % 3 === 0)).toEqual([-1, 1, -1, 1])
  })
})
