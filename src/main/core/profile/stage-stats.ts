import type { HistogramBins, ProfileSample, ProfileStats, StageStats } from '../../../shared/contract/profile'
import { CANONICAL_STAGES } from './profile-line'

/**
 * Statistics of per-stage timings. Medians and p95 rather than means lead the display because
 * board timings have long tails (an interrupt, a flash wait state, the USB stack) that a mean hides.
 */

/**
 * The q-quantile (0..1) of ascending values, interpolating linearly between the two nearest ranks
 * (NumPy's default), so our numbers match what people get from np.percentile on the same data.
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q))
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** The smallest 1, 2, 2.5 or 5 x 10^k at least `raw`, so bin edges are round numbers. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const p = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * (1 - 1e-12)) return m * p
  return 10 * p
}

/**
 * Equal-width bins over the bulk of the values. The range ends at Tukey's far-out fences
 * (quartiles -/+ 3 IQR) or at the 1st/99th percentile when most values are equal, so one 40 ms
 * USB hiccup does not squash 500 inferences of 1.2 ms into the first bar; what lies outside is
 * counted in `below` and `above`. Bin edges are round numbers (1, 2, 2.5, 5 x 10^k µs); the bin
 * count follows the square-root rule, capped so a histogram stays readable.
 */
export function histogram(sorted: ArrayLike<number>, maxBins = 24): HistogramBins {
  const n = sorted.length
  if (n === 0) return { start: 0, width: 1, counts: [] }
  const min = sorted[0]
  const max = sorted[n - 1]
  if (max === min) return { start: min, width: 1, counts: [n] }
  const q1 = quantileSorted(sorted, 0.25)
  const q3 = quantileSorted(sorted, 0.75)
  const iqr = q3 - q1
  let lo = iqr > 0 ? Math.max(min, q1 - 3 * iqr) : Math.max(min, quantileSorted(sorted, 0.01))
  let hi = iqr > 0 ? Math.min(max, q3 + 3 * iqr) : Math.min(max, quantileSorted(sorted, 0.99))
  if (hi <= lo) {
    lo = min
    hi = max
  }
  // The bins span the values inside the fences, not the fences themselves.
  let inside = 0
  let first = Infinity
  let last = -Infinity
  for (let i = 0; i < n; i++) {
    const v = sorted[i]
    if (v < lo || v > hi) continue
    inside++
    first = Math.min(first, v)
    last = Math.max(last, v)
  }
  lo = first
  hi = last
  if (hi === lo) return { start: lo, width: 1, counts: [inside], ...outside(sorted, lo, hi) }
  const bins = Math.max(1, Math.min(maxBins, Math.ceil(Math.sqrt(inside))))
  const width = niceStep((hi - lo) / bins)
  const start = Math.floor(lo / width) * width
  const count = Math.max(1, Math.ceil((hi - start) / width - 1e-9))
  const counts = new Array<number>(count).fill(0)
  for (let i = 0; i < n; i++) {
    const v = sorted[i]
    if (v >= lo && v <= hi) counts[Math.min(count - 1, Math.floor((v - start) / width))]++
  }
  return { start, width, counts, ...outside(sorted, lo, hi) }
}

function outside(sorted: ArrayLike<number>, lo: number, hi: number): { below?: number; above?: number } {
  let below = 0
  let above = 0
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i] < lo) below++
    else if (sorted[i] > hi) above++
  }
  return { ...(below ? { below } : {}), ...(above ? { above } : {}) }
}

export function stageStats(stage: string, values: ArrayLike<number>): StageStats {
  // A typed array sorts numerically without a comparator callback: ~10x faster on long sessions.
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  const mean = n ? sorted.reduce((a, b) => a + b, 0) / n : NaN
  const variance = n > 1 ? sorted.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0
  return {
    stage,
    count: n,
    min: n ? sorted[0] : NaN,
    max: n ? sorted[n - 1] : NaN,
    mean: round3(mean),
    median: round3(quantileSorted(sorted, 0.5)),
    p95: round3(quantileSorted(sorted, 0.95)),
    std: round3(Math.sqrt(variance)),
    histogram: histogram(sorted)
  }
}

/** Canonical stages first in pipeline order, then any others in the order the board printed them. */
export function stageOrder(samples: readonly ProfileSample[]): string[] {
  const seen: string[] = []
  for (const s of samples) for (const k of Object.keys(s.stages)) if (!seen.includes(k)) seen.push(k)
  const canonical = CANONICAL_STAGES.filter((c) => seen.includes(c))
  return [...canonical, ...seen.filter((k) => !(CANONICAL_STAGES as readonly string[]).includes(k))]
}

export function profileStats(samples: readonly ProfileSample[]): ProfileStats {
  const order = stageOrder(samples)
  const stages = order.map((stage) => {
    const values: number[] = []
    for (const s of samples) {
      const v = s.stages[stage]
      if (v !== undefined) values.push(v)
    }
    return stageStats(stage, values)
  })
  const totals = new Float64Array(samples.length)
  samples.forEach((s, i) => {
    let sum = 0
    for (const k in s.stages) sum += s.stages[k]
    totals[i] = sum
  })
  return { stages, total: samples.length ? stageStats('total', totals) : null }
}

export interface TimelinePoint {
  /** ms since the session started (first inference of the bucket). */
  t: number
  /** Mean µs per stage over the bucket. */
  stages: Record<string, number>
}

/**
 * At most maxPoints points for a chart: consecutive inferences are averaged in equal buckets, so a
 * 100,000-inference session draws as fast as a short one and a slow drift still shows.
 */
export function timeline(samples: readonly ProfileSample[], maxPoints = 600): TimelinePoint[] {
  if (samples.length === 0) return []
  const size = Math.max(1, Math.ceil(samples.length / maxPoints))
  const out: TimelinePoint[] = []
  for (let i = 0; i < samples.length; i += size) {
    const bucket = samples.slice(i, i + size)
    const sums: Record<string, { sum: number; n: number }> = {}
    for (const s of bucket) {
      for (const [k, v] of Object.entries(s.stages)) {
        const e = (sums[k] ??= { sum: 0, n: 0 })
        e.sum += v
        e.n++
      }
    }
    const stages: Record<string, number> = {}
    for (const [k, e] of Object.entries(sums)) stages[k] = round3(e.sum / e.n)
    out.push({ t: bucket[0].t, stages })
  }
  return out
}

function round3(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 1000) / 1000 : v
}
