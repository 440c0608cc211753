import { describe, expect, it } from 'vitest'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { createRangeObserver, quantile } from '../../../../src/main/core/quant/calibration'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { MicroforgeError } from '../../../../src/shared/errors'
import { convNet, randomWindows, rng } from '../export/models'

describe('calibration observers', () => {
  it('min/max covers every value seen, across batches', () => {
    const o = createRangeObserver({ method: 'minmax' })
    o.observe([0.5, -1, 2])
    o.observe(Float32Array.from([3, -0.25]))
    expect(o.range()).toEqual({ min: -1, max: 3 })
  })

  it('percentile interpolates between ranks like numpy', () => {
    const sorted = Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(quantile(sorted, 0.5)).toBe(5)
    expect(quantile(sorted, 0.95)).toBeCloseTo(9.5, 6)
    expect(quantile(sorted, 0)).toBe(0)
    expect(quantile(sorted, 1)).toBe(10)
  })

  it('percentile ignores a rare outlier that min/max would stretch to', () => {
    // 10,000 values in [-1, 1] plus one spike at 50: 99.9 % per side clips the spike.
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i))
    values.push(50)
    const mm = createRangeObserver({ method: 'minmax' })
    const pc = createRangeObserver({ method: 'percentile', percentile: 99.9 })
    mm.observe(values)
    pc.observe(values.slice(0, 5000))
    pc.observe(values.slice(5000))
    expect(mm.range().max).toBe(50)
    expect(pc.range().max).toBeLessThan(1.01)
    expect(pc.range().min).toBeGreaterThan(-1.01)
    expect(pc.range().min).toBeLessThan(-0.99)
  })

  it('mse keeps the full range of bounded data', () => {
    const o = createRangeObserver({ method: 'mse' })
    o.observe(Array.from({ length: 20_000 }, (_, i) => Math.sin(i * 0.37)))
    expect(o.range().max).toBeGreaterThan(0.99)
    expect(o.range().min).toBeLessThan(-0.99)
  })

  it('mse clips a spike only when enough values pay for it', () => {
    // Keeping 30 makes the step 31/255: rounding error ~1.2e-3 per value. Clipping it costs 29^2 = 841.
    const base = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37))
    const few = createRangeObserver({ method: 'mse' })
    few.observe(base(100_000)) // 123 < 841: keep
    few.observe([30])
    // (the 99.9999th percentile interpolates to 27.1, a near-keep that trims the spike's own error)
    expect(few.range().max).toBeGreaterThan(27)
    const many = createRangeObserver({ method: 'mse' })
    many.observe(base(1_000_000)) // 1230 > 841: clip
    many.observe([30])
    expect(many.range().max).toBeLessThan(1.01)
  })

  it('mse stays near min/max on Laplace-like activations at 8 bits', () => {
    const rand = rng(5)
    const laplace = Array.from({ length: 20_000 }, () => {
      const u = rand() - 0.5
      return -Math.sign(u) * Math.log(1 - 2 * Math.abs(u))
    })
    const mm = createRangeObserver({ method: 'minmax' })
    const mse = createRangeObserver({ method: 'mse' })
    mm.observe(laplace)
    mse.observe(laplace)
    expect(mse.range().max).toBeLessThanOrEqual(mm.range().max)
    expect(mse.range().max).toBeGreaterThan(mm.range().max * 0.9)
  })

  it('rejects bad settings and empty data with a next step', () => {
    const hint = (fn: () => unknown): string | undefined => {
      try {
        fn()
      } catch (e) {
        return (e as MicroforgeError).hint
      }
      return undefined
    }
    expect(() => createRangeObserver({ method: 'percentile', percentile: 20 })).toThrow(/Percentile 20 % is out of range/)
    expect(hint(() => createRangeObserver({ method: 'percentile', percentile: 20 }))).toMatch(/between 50 and 100/)
    expect(() => createRangeObserver({ method: 'histogram' as never })).toThrow(MicroforgeError)
    expect(() => createRangeObserver({ method: 'minmax' }).range()).toThrow(/no finite values/)
  })
})

describe('calibration method in the int8 export', () => {
  it('percentile gives a finer input scale when one window has a spike', () => {
    const windows = randomWindows(100, 41)
    windows[7] = windows[7].map((v, i) => (i === 3 ? 40 : v))
    const scaleOf = (method: 'minmax' | 'percentile' | 'mse'): number => {
      const { bytes, report } = exportModel(convNet(), { mode: 'int8', representativeData: windows, calibration: { method } })
      expect(report.calibration?.method).toBe(method)
      const sg = parseTflite(bytes).subgraphs[0]
      return sg.tensors[sg.inputs[0]].quantization!.scale[0]
    }
    const minmax = scaleOf('minmax')
    const percentile = scaleOf('percentile')
    expect(minmax).toBeGreaterThan(40 / 255)
    expect(percentile).toBeLessThan(minmax / 5)
    expect(scaleOf('mse')).toBeLessThanOrEqual(minmax)
  })
})
