/**
 * Sample rate and jitter of a live stream. With the board's own timestamps they come from the
 * steps between samples (and a step much longer than usual means samples were lost); without
 * them, from arrival times on the host, which USB and the OS batch, so the jitter is larger.
 */
export interface RateEstimate {
  /** Samples per second, null until enough samples arrived. */
  rateHz: number | null
  /** Standard deviation of the step between samples, ms. */
  jitterMs: number | null
  source: 'timestamps' | 'arrival' | null
  /** Samples the board's timestamps say never arrived. */
  missing: number
}

/** Steps needed before a rate is reported. */
const MIN_STEPS = 8
/** Arrival-time estimates need this much history (ms) to see past USB batching. */
const MIN_ARRIVAL_SPAN_MS = 200

export class RateEstimator {
  private readonly size: number
  private readonly boardT: Float64Array
  private readonly arrivalT: Float64Array
  private count = 0
  private head = 0
  private usesBoardClock: boolean | null = null
  private lastBoardT: number | null = null
  private missing = 0
  /** Median board step, refreshed every few samples: sorting per sample would cost too much at 1 kHz. */
  private typicalStep: number | null = null
  private sinceTypical = 0

  constructor(historySize = 512) {
    this.size = historySize
    this.boardT = new Float64Array(historySize)
    this.arrivalT = new Float64Array(historySize)
  }

  /** t: the board's clock in ms or null; arrivalMs: the host clock when the sample arrived. */
  add(t: number | null, arrivalMs: number): void {
    const board = t !== null
    if (this.usesBoardClock !== board) {
      this.clearHistory()
      this.usesBoardClock = board
    }
    if (board) {
      if (this.lastBoardT !== null && t < this.lastBoardT) {
        // The board reset or its clock wrapped: old steps say nothing about the new stream.
        this.clearHistory()
      } else if (this.lastBoardT !== null && this.count >= MIN_STEPS) {
        if (this.typicalStep === null || ++this.sinceTypical >= 32) {
          this.typicalStep = this.medianStep()
          this.sinceTypical = 0
        }
        const typical = this.typicalStep
        const step = t - this.lastBoardT
        if (typical !== null && typical > 0 && step > 1.5 * typical) this.missing += Math.round(step / typical) - 1
      }
      this.lastBoardT = t
    }
    this.boardT[this.head] = t ?? 0
    this.arrivalT[this.head] = arrivalMs
    this.head = (this.head + 1) % this.size
    if (this.count < this.size) this.count++
  }

  estimate(): RateEstimate {
    const steps = this.steps()
    if (this.usesBoardClock === null || steps.length < MIN_STEPS) return { rateHz: null, jitterMs: null, source: null, missing: this.missing }
    const jitterMs = stdDev(steps)
    if (this.usesBoardClock) {
      // The mean of the usual steps: the median alone snaps to one of two alternating step sizes
      // (a 50 Hz sketch with millis() prints 19, 21, 19, 21 ms), and lost samples would skew a plain mean.
      const med = median(steps)
      if (med <= 0) {
        // Several samples per clock tick (millis() above 1 kHz): count samples over the span.
        const span = this.at(this.count - 1, this.boardT) - this.at(0, this.boardT)
        return { rateHz: span > 0 ? ((this.count - 1) * 1000) / span : null, jitterMs, source: 'timestamps', missing: this.missing }
      }
      const usual = steps.filter((s) => s >= 0.5 * med && s <= 1.5 * med)
      const mean = usual.reduce((a, b) => a + b, 0) / usual.length
      return { rateHz: 1000 / mean, jitterMs, source: 'timestamps', missing: this.missing }
    }
    const span = this.at(this.count - 1, this.arrivalT) - this.at(0, this.arrivalT)
    if (span < MIN_ARRIVAL_SPAN_MS) return { rateHz: null, jitterMs: null, source: null, missing: this.missing }
    return { rateHz: ((this.count - 1) * 1000) / span, jitterMs, source: 'arrival', missing: this.missing }
  }

  /** Samples the board's timestamps say never arrived (cheap: no estimate needed). */
  get missingSamples(): number {
    return this.missing
  }

  reset(): void {
    this.clearHistory()
    this.usesBoardClock = null
    this.missing = 0
  }

  private clearHistory(): void {
    this.count = 0
    this.head = 0
    this.lastBoardT = null
    this.typicalStep = null
  }

  /** i-th oldest entry still held. */
  private at(i: number, arr: Float64Array): number {
    const start = (this.head - this.count + this.size) % this.size
    return arr[(start + i) % this.size]
  }

  private steps(): number[] {
    const arr = this.usesBoardClock ? this.boardT : this.arrivalT
    const out: number[] = []
    for (let i = 1; i < this.count; i++) out.push(this.at(i, arr) - this.at(i - 1, arr))
    return out
  }

  private medianStep(): number | null {
    const s = this.steps()
    return s.length === 0 ? null : median(s)
  }
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
