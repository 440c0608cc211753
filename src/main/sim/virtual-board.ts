import { mulberry32 } from '../core/util/random'
import { AXES, perform, sampleAt, shapeFor, type Performance } from './gestures'

/**
 * What a board with an IMU prints, one sample tick at a time:
 * - 'csv': a continuous stream (header, then one line per sample), gestures of each class in turn
 *   between moments of rest, like a sketch that prints everything it reads;
 * - 'imu-capture': the IMU_Capture sketch: silent until motion, then exactly `samplesPerGesture`
 *   lines and a blank line.
 */
export type BoardFormat = 'csv' | 'imu-capture'

export interface VirtualBoardOptions {
  rateHz: number
  classes: string[]
  format: BoardFormat
  seed?: number
  /** imu-capture: lines per gesture (30 on the MPU6050 sketch, 119 on a Nano 33 BLE Sense). */
  samplesPerGesture?: number
  /** Print a millis() column first. */
  timestamp?: boolean
  /** Decimal places printed (the IMU_Capture sketch prints 3). */
  decimals?: number
}

export class VirtualBoard {
  private readonly opts: Required<VirtualBoardOptions>
  private readonly rand: () => number
  private tick = 0
  private headerSent = false
  private perf: Performance | null = null
  private perfStart = 0
  /** Ticks of rest left before the next gesture. */
  private restTicks: number
  private classIndex = 0
  private printed = 0
  /** The class of the gesture in progress, for tests and the CLI's log. */
  currentClass: string | null = null
  /** The gesture asked for (see follow()); null: every class in turn. */
  private following: string | null = null

  constructor(opts: VirtualBoardOptions) {
    if (!(opts.rateHz > 0)) throw new RangeError('rateHz must be > 0')
    if (opts.classes.length === 0) throw new RangeError('at least one class')
    this.opts = { seed: 1, samplesPerGesture: 30, timestamp: false, decimals: 3, ...opts }
    this.rand = mulberry32(this.opts.seed)
    this.restTicks = this.restLength()
  }

  /** The lines printed during the next sample period (often one, none while an IMU_Capture sketch waits). */
  next(): string[] {
    const out: string[] = []
    if (!this.headerSent) {
      out.push((this.opts.timestamp ? ['ms', ...AXES] : [...AXES]).join(','))
      this.headerSent = true
    }
    const t = this.tick / this.opts.rateHz
    this.tick++
    if (this.perf === null) {
      if (--this.restTicks <= 0) this.startGesture(t)
    } else if (this.opts.format === 'csv' && t - this.perfStart >= this.perf.seconds) {
      this.perf = null
      this.currentClass = null
      this.restTicks = this.restLength()
    }
    if (this.opts.format === 'imu-capture') {
      if (this.perf === null) return out
      out.push(this.format(t, sampleAt(this.perf, t - this.perfStart, this.rand)))
      if (++this.printed >= this.opts.samplesPerGesture) {
        out.push('')
        this.perf = null
        this.currentClass = null
        this.restTicks = this.restLength()
      }
      return out
    }
    out.push(this.format(t, sampleAt(this.perf, t - this.perfStart, this.rand)))
    return out
  }

  /**
   * Performs `label`'s gesture from the next one on, with short rests, like a person asked to
   * record "punch" punching again and again; null goes back to every class in turn. A label the
   * board does not know gets its own gesture (shapeFor), distinct from the others.
   */
  follow(label: string | null): void {
    if (label === this.following) return
    this.following = label
    // Asked for a gesture while resting: start soon rather than after a long pause.
    if (label !== null && this.perf === null) this.restTicks = Math.min(this.restTicks, this.restLength())
  }

  private startGesture(t: number): void {
    const cls = this.following ?? this.opts.classes[this.classIndex++ % this.opts.classes.length]
    this.currentClass = cls
    const shape = shapeFor(cls)
    this.perf = perform(shape, this.rand)
    if (this.opts.format === 'imu-capture') {
      // The sketch records a fixed number of samples: the gesture is stretched to fill them.
      this.perf.seconds = this.opts.samplesPerGesture / this.opts.rateHz
    }
    this.perfStart = t
    this.printed = 0
  }

  private restLength(): number {
    const seconds = this.following === null ? 0.6 + this.rand() : 0.15 + 0.25 * this.rand()
    return Math.max(1, Math.round(seconds * this.opts.rateHz))
  }

  private format(t: number, values: number[]): string {
    const d = this.opts.decimals
    const parts = values.map((v) => v.toFixed(d))
    if (this.opts.timestamp) parts.unshift(String(Math.round(t * 1000)))
    return parts.join(',')
  }
}
