/**
 * Activation range calibration for post-training quantization: each observer watches one tensor
 * over the representative windows and reports the real range its int8 params should cover.
 */
import { MicroforgeError } from '../../../shared/errors'
import { asymmetricParams, dequantizeValue, quantizeValue } from './quantize'

/**
 * minmax: the converter's default, every observed value is representable, one outlier stretches
 *   the scale for all the others.
 * percentile: clips the tails (default 99.99 %, per side) so a rare spike costs a clipped value
 *   instead of resolution for every typical value.
 * mse: tries clipping at several percentiles (and none) and keeps the range whose int8 round trip
 *   has the smallest mean squared error over the observed values.
 */
export type CalibrationMethod = 'minmax' | 'percentile' | 'mse'

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
    return sortedValuesObserver((sorted) => percentileRange(sorted, p))
  }
  if (options.method === 'mse') return sortedValuesObserver(mseRange)
  throw new MicroforgeError('INVALID_ARGUMENT', `Unknown calibration method "${String(options.method)}".`, 'Use "minmax", "percentile" or "mse".')
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

function sortedValuesObserver(choose: (sorted: Float32Array) => Range): RangeObserver {
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
      const r = choose(all)
      return finiteRange(r.min, r.max)
    }
  }
}

function percentileRange(sorted: Float32Array, percentile: number): Range {
  const tail = (100 - percentile) / 100
  return { min: quantile(sorted, tail), max: quantile(sorted, 1 - tail) }
}

const MSE_CANDIDATE_PERCENTILES = [100, 99.9999, 99.999, 99.99, 99.9, 99.5, 99, 98]

/**
 * Every value counts (no subsampling): whether clipping pays off hinges on the few extreme values
 * a sample would likely miss. With 255 steps, clipping a value that sticks out by S costs S^2 and
 * saves about N * S^2 / (255^2 * 12) of rounding error, so it pays only for rare spikes in large
 * tensors (N beyond ~800,000 per spike); on small tensors mse mostly agrees with minmax.
 */
function mseRange(sorted: Float32Array): Range {
  let best: Range = percentileRange(sorted, 100)
  let bestError = Infinity
  for (const p of MSE_CANDIDATE_PERCENTILES) {
    const r = percentileRange(sorted, p)
    const q = asymmetricParams(r.min, r.max)
    let error = 0
    for (let i = 0; i < sorted.length; i++) {
      const d = sorted[i] - dequantizeValue(quantizeValue(sorted[i], q), q)
      error += d * d
    }
    // Strictly better only: on a tie the wider (earlier) range keeps every value representable.
    if (error < bestError) {
      bestError = error
      best = r
    }
  }
  return best
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
