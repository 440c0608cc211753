/**
 * The live samples, kept out of Vue's reactivity: a fixed-size ring per axis. Each sample is written
 * twice (at i and i + capacity) so the newest `capacity` samples are always one contiguous slice,
 * and drawing never copies or wraps.
 */
export class SampleRing {
  readonly capacity: number
  axes: string[] = []
  times: Float64Array
  values: Float32Array[] = []
  /** Samples ever pushed since the last reset. */
  pushed = 0
  /** Bumped on every push or reset, so a chart knows when it has something new to draw. */
  version = 0
  /** performance.now() of the last push, to scroll smoothly between batches. */
  lastPushAt = 0
  private head = 0

  constructor(capacity = 20_000) {
    this.capacity = capacity
    this.times = new Float64Array(capacity * 2)
  }

  reset(axes: string[]): void {
    this.axes = [...axes]
    this.values = axes.map(() => new Float32Array(this.capacity * 2))
    this.times.fill(0)
    this.head = 0
    this.pushed = 0
    this.version++
  }

  /** values[i][a] is sample i of axis a; times in ms. */
  push(times: ArrayLike<number>, values: ArrayLike<ArrayLike<number>>): void {
    const cap = this.capacity
    const nAxes = this.values.length
    for (let i = 0; i < times.length; i++) {
      const h = this.head
      const t = times[i]
      this.times[h] = t
      this.times[h + cap] = t
      const row = values[i]
      for (let a = 0; a < nAxes; a++) {
        const v = row[a]
        this.values[a][h] = v
        this.values[a][h + cap] = v
      }
      this.head = h + 1 === cap ? 0 : h + 1
    }
    this.pushed += times.length
    this.version++
    this.lastPushAt = performance.now()
  }

  get length(): number {
    return Math.min(this.pushed, this.capacity)
  }

  /** Index (into times/values) of the oldest kept sample; the newest is start + length - 1. */
  get start(): number {
    return this.head + this.capacity - this.length
  }

  latestTime(): number | null {
    return this.length ? this.times[this.start + this.length - 1] : null
  }
}

/**
 * Min/max decimation for drawing: per time bucket, the smallest and the largest value in time
 * order, so peaks survive however many samples share a pixel. Writes interleaved x, y pairs into
 * `out` (x in seconds relative to `endMs`), the layout echarts reads from a typed array without
 * building an object per point, and returns how many points it wrote.
 */
export function decimateMinMax(
  times: Float64Array,
  values: Float32Array,
  from: number,
  to: number,
  startMs: number,
  endMs: number,
  buckets: number,
  out: Float64Array
): number {
  const span = endMs - startMs
  const maxPoints = out.length >> 1
  if (to <= from || span <= 0) return 0
  let n = 0
  const put = (i: number): void => {
    if (n >= maxPoints) return
    out[2 * n] = (times[i] - endMs) / 1000
    out[2 * n + 1] = values[i]
    n++
  }
  // Few samples: every one of them.
  if (to - from <= buckets * 2) {
    for (let i = from; i < to; i++) put(i)
    return n
  }
  const width = span / buckets
  let i = from
  while (i < to) {
    const b = Math.floor((times[i] - startMs) / width)
    const bucketEnd = startMs + (b + 1) * width
    let minI = i
    let maxI = i
    for (; i < to && times[i] < bucketEnd; i++) {
      if (values[i] < values[minI]) minI = i
      if (values[i] > values[maxI]) maxI = i
    }
    if (i === minI) i++
    put(Math.min(minI, maxI))
    if (minI !== maxI) put(Math.max(minI, maxI))
  }
  return n
}

/**
 * A y range that only changes when the data leave it or use less than a quarter of it, rounded to
 * a 1-2-5 step, so the axis labels do not flicker with every frame.
 */
export function stableRange(prev: { min: number; max: number } | null, lo: number, hi: number): { min: number; max: number } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return prev ?? { min: -1, max: 1 }
  if (prev && lo >= prev.min && hi <= prev.max && (hi - lo) * 4 >= prev.max - prev.min) return prev
  const span = Math.max(hi - lo, Math.abs(hi) * 0.1, 1e-3)
  const raw = span / 4
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag
  return { min: Math.floor((lo - span * 0.1) / step) * step, max: Math.ceil((hi + span * 0.1) / step) * step }
}

/** First index in [from, to) whose time is >= t (times ascending). */
export function lowerBound(times: Float64Array, from: number, to: number, t: number): number {
  let lo = from
  let hi = to
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (times[mid] < t) lo = mid + 1
    else hi = mid
  }
  return lo
}
