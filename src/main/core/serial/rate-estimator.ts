/**
 * Sample rate and jitter of a live stream. With the board's own timestamps they come from the
 * steps between samples (and a step much longer than usual means samples were lost); without
 * them, from arrival times on the host, which USB and the OS batch, so the jitter is larger.
 *
 * Only steps inside a burst count. Sketches like IMU_Capture print a block of samples per gesture
 * and then nothing (or a blank line) until the next one: a rate measured across those gaps is the
 * gesture rate, not the sample rate (a 119 Hz board read as 20 Hz). A blank line ends a burst, and
 * so does a pause far longer than the usual step when arrival times are all there is.
 *
 * Arrival times are the board's sample times plus a delay that is never negative and sometimes
 * long: USB packets, and a busy host that reads (or a virtual board that writes) late and then
 * catches up with a clump of samples. A mean step shrinks or stretches with every such stall at the
 * ends of a burst (a loaded machine read 119 Hz as 123 Hz), so the period comes from the lower
 * envelope instead: the samples that arrived with the least delay near the start and near the end
 * of each burst, which stalls cannot move earlier. Bursts are combined by a span-weighted median.
 */
export interface RateEstimate {
  /** Samples per second, null until enough samples arrived. */
  rateHz: number | null
  /** Standard deviation of the step between samples, ms. */
  jitterMs: number | null
  source: 'timestamps' | 'arrival' | null
  /** Samples the board's timestamps say never arrived. */
  missing: number
  /** The last finished burst (block of samples between gaps); null while the stream has had no gap. */
  lastBurst: BurstRate | null
  /** Bursts finished so far. */
  bursts: number
}

export interface BurstRate {
  samples: number
  rateHz: number | null
  jitterMs: number | null
}

/** Steps needed before a rate is reported. */
const MIN_STEPS = 8
/** Arrival-time estimates need this much history (ms) to see past USB batching. */
const MIN_ARRIVAL_SPAN_MS = 200
/** Finished bursts whose periods the arrival-time estimate combines. */
const RECENT_BURSTS = 8
/** Without a blank line, a pause this long (and PAUSE_FACTOR times the usual step) ends a burst. */
const PAUSE_MIN_MS = 250
const PAUSE_FACTOR = 10

interface Burst {
  samples: number
  steps: number
  sum: number
  sumSq: number
}

export class RateEstimator {
  private readonly size: number
  private readonly ring: Float64Array
  private count = 0
  private head = 0
  private sum = 0
  private usesBoardClock: boolean | null = null
  private last: number | null = null
  private missing = 0
  /** Median board step, refreshed every few samples: sorting per sample would cost too much at 1 kHz. */
  private typicalStep: number | null = null
  private sinceTypical = 0
  private burst: Burst = emptyBurst()
  private finished: BurstRate | null = null
  private burstCount = 0
  /** The stream marks its bursts with blank lines: trust those, not pauses (a stalled host is no gap). */
  private explicitGaps = false
  /** Arrival times of the current burst (the last 2 x historySize at most), for the lower envelope. */
  private arrivals: number[] = []
  /** Lower-envelope periods (ms) of the last finished bursts, each weighted by its span. */
  private periods: Array<{ period: number; span: number }> = []

  constructor(historySize = 512) {
    this.size = historySize
    this.ring = new Float64Array(historySize)
  }

  /** t: the board's clock in ms or null; arrivalMs: the host clock when the sample arrived. */
  add(t: number | null, arrivalMs: number): void {
    const board = t !== null
    if (this.usesBoardClock !== board) {
      this.clearHistory()
      this.usesBoardClock = board
    }
    const now = board ? t : arrivalMs
    if (this.last !== null) {
      const step = now - this.last
      if (board && step < 0) {
        // The board reset or its clock wrapped: old steps say nothing about the new stream.
        this.clearHistory()
      } else if (!board && this.isPause(step)) {
        this.endBurst()
      } else {
        if (board) this.countMissing(step)
        this.push(step)
      }
    }
    this.last = now
    this.burst.samples++
    if (!board) {
      this.arrivals.push(arrivalMs)
      if (this.arrivals.length > 2 * this.size) this.arrivals.splice(0, this.arrivals.length - this.size)
    }
  }

  /** A blank line or another sign that the board paused: the next step is not a sample step. */
  gap(): void {
    this.explicitGaps = true
    this.endBurst()
  }

  estimate(): RateEstimate {
    const base = { missing: this.missing, lastBurst: this.finished, bursts: this.burstCount }
    if (this.usesBoardClock === null || this.count < MIN_STEPS) return { rateHz: null, jitterMs: null, source: null, ...base }
    const steps = this.steps()
    const jitterMs = stdDev(steps)
    if (this.usesBoardClock) {
      // The mean of the usual steps: the median alone snaps to one of two alternating step sizes
      // (a 50 Hz sketch with millis() prints 19, 21, 19, 21 ms), and lost samples would skew a plain mean.
      const med = median(steps)
      if (med <= 0) {
        // Several samples per clock tick (millis() above 1 kHz): count samples over the time.
        return { rateHz: this.sum > 0 ? (this.count * 1000) / this.sum : null, jitterMs, source: 'timestamps', ...base }
      }
      const usual = steps.filter((s) => s >= 0.5 * med && s <= 1.5 * med)
      const mean = usual.reduce((a, b) => a + b, 0) / usual.length
      return { rateHz: 1000 / mean, jitterMs, source: 'timestamps', ...base }
    }
    if (this.sum < MIN_ARRIVAL_SPAN_MS) return { rateHz: null, jitterMs: null, source: null, ...base }
    const current = this.arrivals.length > MIN_STEPS ? envelopePeriod(this.arrivals) : null
    const span = this.arrivals.length > 1 ? this.arrivals[this.arrivals.length - 1] - this.arrivals[0] : 0
    const candidates = current !== null && span >= MIN_ARRIVAL_SPAN_MS ? [...this.periods, { period: current, span }] : this.periods
    const period = weightedMedian(candidates)
    return { rateHz: period !== null && period > 0 ? 1000 / period : (this.count * 1000) / this.sum, jitterMs, source: 'arrival', ...base }
  }

  /** Samples arrived since the last gap (or since the stream started): a block is in progress. */
  get inBurst(): boolean {
    return this.burst.samples > 0
  }

  /** Samples the board's timestamps say never arrived (cheap: no estimate needed). */
  get missingSamples(): number {
    return this.missing
  }

  reset(): void {
    this.clearHistory()
    this.usesBoardClock = null
    this.missing = 0
    this.finished = null
    this.burstCount = 0
    this.explicitGaps = false
    this.periods = []
  }

  private isPause(step: number): boolean {
    if (this.explicitGaps || step < PAUSE_MIN_MS || this.count < MIN_STEPS) return false
    return step > PAUSE_FACTOR * (this.sum / this.count)
  }

  private countMissing(step: number): void {
    if (this.count < MIN_STEPS) return
    if (this.typicalStep === null || ++this.sinceTypical >= 32) {
      this.typicalStep = median(this.steps())
      this.sinceTypical = 0
    }
    const typical = this.typicalStep
    if (typical > 0 && step > 1.5 * typical) this.missing += Math.round(step / typical) - 1
  }

  private push(step: number): void {
    if (this.count === this.size) this.sum -= this.ring[this.head]
    else this.count++
    this.ring[this.head] = step
    this.sum += step
    this.head = (this.head + 1) % this.size
    const b = this.burst
    b.steps++
    b.sum += step
    b.sumSq += step * step
  }

  private endBurst(): void {
    const b = this.burst
    if (b.samples > 1) {
      const mean = b.steps > 0 ? b.sum / b.steps : 0
      const arrival = !this.usesBoardClock
      const envelope = arrival && b.sum >= MIN_ARRIVAL_SPAN_MS / 4 && this.arrivals.length > MIN_STEPS ? envelopePeriod(this.arrivals) : null
      if (envelope !== null) {
        this.periods.push({ period: envelope, span: this.arrivals[this.arrivals.length - 1] - this.arrivals[0] })
        if (this.periods.length > RECENT_BURSTS) this.periods.shift()
      }
      const period = arrival ? (envelope ?? (b.sum >= MIN_ARRIVAL_SPAN_MS / 4 ? mean : 0)) : mean
      this.finished = {
        samples: b.samples,
        rateHz: period > 0 ? 1000 / period : null,
        jitterMs: b.steps > 0 ? Math.sqrt(Math.max(0, b.sumSq / b.steps - mean * mean)) : null
      }
      this.burstCount++
    }
    this.burst = emptyBurst()
    this.arrivals = []
    this.last = null
  }

  private clearHistory(): void {
    this.count = 0
    this.head = 0
    this.sum = 0
    this.last = null
    this.typicalStep = null
    this.burst = emptyBurst()
    this.arrivals = []
    this.periods = []
  }

  private steps(): number[] {
    const out: number[] = []
    const start = (this.head - this.count + this.size) % this.size
    for (let i = 0; i < this.count; i++) out.push(this.ring[(start + i) % this.size])
    return out
  }
}

function emptyBurst(): Burst {
  return { samples: 0, steps: 0, sum: 0, sumSq: 0 }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

function stdDev(xs: number[]): number {
  let mean = 0
  for (const x of xs) mean += x
  mean /= xs.length
  let v = 0
  for (const x of xs) v += (x - mean) ** 2
  return Math.sqrt(v / xs.length)
}

/**
 * The sample period (ms) under consecutive arrival times whose delays are never negative: the line
 * through the least-delayed sample of the first third and that of the last third. Which sample is
 * least delayed depends on the period assumed, so it is refined from the end-to-end mean twice.
 */
export function envelopePeriod(arrivals: number[]): number | null {
  const n = arrivals.length
  if (n < 3) return null
  let period = (arrivals[n - 1] - arrivals[0]) / (n - 1)
  if (!(period > 0)) return null
  const third = Math.max(1, Math.floor(n / 3))
  for (let iter = 0; iter < 3; iter++) {
    let k = 0
    let j = n - 1
    for (let i = 0; i < third; i++) if (arrivals[i] - i * period < arrivals[k] - k * period) k = i
    for (let i = n - third; i < n; i++) if (arrivals[i] - i * period < arrivals[j] - j * period) j = i
    const next = (arrivals[j] - arrivals[k]) / (j - k)
    if (!(next > 0)) return period
    if (next === period) break
    period = next
  }
  return period
}

function weightedMedian(items: Array<{ period: number; span: number }>): number | null {
  if (items.length === 0) return null
  const sorted = [...items].sort((a, b) => a.period - b.period)
  const half = sorted.reduce((a, b) => a + b.span, 0) / 2
  let acc = 0
  for (const it of sorted) {
    acc += it.span
    if (acc >= half) return it.period
  }
  return sorted[sorted.length - 1].period
}
