/**
 * Activation range calibration for post-training quantization: each observer watches one tensor
 * over the representative windows and reports the real range its int8 params should cover.
 */
import { MicroforgeError } from '../../../shared/errors'

/**
 * minmax: the converter's default, every observed value is representable, one outlier stretches
 *   the scale for all the others.
 * percentile: clips the tails (default 99.99 %, per side) so a rare spike costs a clipped value
 *   instead of resolution for every typical value.
 */
export type CalibrationMethod = 'minmax' | 'percentile'

export interface CalibrationOptions {
  method: CalibrationMethod
  /** For 'percentile': the share of values kept inside the range on each side, in %. */
  percentile?: number
}

export const DEFAULT_PERCENTILE = 99.99

export interface Range {
  min: number
  max: number
}

export interface RangeObserver {
  observe(values: ArrayLike<number>): void
  range(): Range
}

export function createRangeObserver(options: CalibrationOptions): RangeObserver {
  if (options.method === 'minmax') return minMaxObserver()
  if (options.method === 'percentile') {
    const p = options.percentile ?? DEFAULT_PERCENTILE
    if (!(p > 50 && p <= 100)) {
      throw new MicroforgeError('INVALID_ARGUMENT', `Percentile ${p} % is out of range.`, 'Use a value between 50 and 100, such as 99.99.')
    }
    return percentileObserver(p)
  }
  throw new MicroforgeError('INVALID_ARGUMENT', `Unknown calibration method "${String(options.method)}".`, 'Use "minmax" or "percentile".')
}

function minMaxObserver(): RangeObserver {
  let min = Infinity
  let max = -Infinity
  return {
    observe(values) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]
        if (v < min) min = v
        if (v > max) max = v
      }
    },
    range: () => finiteRange(min, max)
  }
}

function percentileObserver(percentile: number): RangeObserver {
  // Sensor models are small (a few thousand values per tensor per window), so keeping every value
  // and sorting once is simpler and exact compared with a streaming histogram.
  const chunks: Float32Array[] = []
  let count = 0
  return {
    observe(values) {
      chunks.push(Float32Array.from(values))
      count += values.length
    },
    range() {
      if (count === 0) return finiteRange(Infinity, -Infinity)
      const all = new Float32Array(count)
      let at = 0
      for (const c of chunks) {
        all.set(c, at)
        at += c.length
      }
      all.sort()
      const tail = (100 - percentile) / 100
      return finiteRange(quantile(all, tail), quantile(all, 1 - tail))
    }
  }
}

/** Linear interpolation between closest ranks (numpy's default). */
export function quantile(sorted: Float32Array, q: number): number {
  const pos = q * (sorted.length - 1)
  const lo = Math.floor(pos)
  const hi = Math.min(lo + 1, sorted.length - 1)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

function finiteRange(min: number, max: number): Range {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new MicroforgeError(
      'MODEL_ERROR',
      'Calibration saw no finite values for a tensor.',
      'Pass at least one representative window, and check that the model does not produce NaN or infinite values.'
    )
  }
  return { min, max }
}
