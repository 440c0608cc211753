import type { Sample } from './line-parser'

/**
 * Decides which live samples become labelled windows:
 * - manual: the next `samples` samples, once per press (count windows back to back when count > 1);
 * - continuous: back-to-back windows of `samples` until `count` or stop;
 * - motion: waits until the sum of |value| over the motion axes reaches the threshold (the
 *   IMU_Capture rule, |aX|+|aY|+|aZ| >= 2.5 g), keeps `preSamples` from before the trigger;
 * - board: the board's own blank-line separated blocks (an IMU_Capture sketch decides).
 */
export type TriggerKind = 'manual' | 'continuous' | 'motion' | 'board'

export interface RecordPlan {
  trigger: TriggerKind
  /** Samples per window. For 'board', null accepts whatever the board sends. */
  samples: number | null
  /** Windows to record before stopping. */
  count: number
  threshold?: number
  /** Column indexes summed for the motion trigger; default the first three (an accelerometer). */
  motionAxes?: number[]
  preSamples?: number
  /** 'board': recording starts while the board is mid-block, so the first block is cut short: drop it. */
  midBlock?: boolean
}

export type RecorderState = 'armed' | 'recording' | 'done'

export class WindowRecorder {
  readonly plan: RecordPlan
  private current: number[][] = []
  private pre: number[][] = []
  private recordedCount = 0
  private recording: boolean
  private stopped = false
  private midBlock: boolean
  /** Board blocks whose length was not the requested one (a block cut by connecting mid-gesture). */
  rejectedBlocks = 0

  constructor(plan: RecordPlan) {
    if (plan.trigger !== 'board' && (plan.samples === null || !(plan.samples >= 1))) throw new RangeError('samples must be >= 1')
    if (!(plan.count >= 1)) throw new RangeError('count must be >= 1')
    this.plan = plan
    this.midBlock = plan.trigger === 'board' && plan.midBlock === true
    this.recording = plan.trigger === 'manual' || plan.trigger === 'continuous'
  }

  get state(): RecorderState {
    if (this.stopped || this.recordedCount >= this.plan.count) return 'done'
    return this.recording || this.current.length > 0 ? 'recording' : 'armed'
  }

  get recorded(): number {
    return this.recordedCount
  }

  /** Samples in the window being recorded. */
  get inProgress(): number {
    return this.current.length
  }

  /** Feeds one sample; returns a window when this sample completes one. */
  push(sample: Sample): number[][] | null {
    if (this.state === 'done') return null
    const values = sample.values
    switch (this.plan.trigger) {
      case 'board':
        this.current.push(values)
        return null
      case 'motion':
        if (!this.recording) {
          if (!this.triggers(values)) {
            const keep = this.plan.preSamples ?? 0
            if (keep > 0) {
              this.pre.push(values)
              if (this.pre.length > keep) this.pre.shift()
            }
            return null
          }
          this.recording = true
          this.current = this.pre
          this.pre = []
        }
        this.current.push(values)
        return this.completeIfFull()
      default:
        this.current.push(values)
        return this.completeIfFull()
    }
  }

  /** A blank line from the board: ends a block in 'board' mode. */
  gap(): number[][] | null {
    if (this.plan.trigger !== 'board' || this.state === 'done') return null
    const block = this.current
    this.current = []
    if (block.length === 0) return null
    if (this.midBlock) {
      this.midBlock = false
      this.rejectedBlocks++
      return null
    }
    if (this.plan.samples !== null && block.length !== this.plan.samples) {
      this.rejectedBlocks++
      return null
    }
    this.recordedCount++
    return block
  }

  /** Stops: drops the window in progress (stop pressed, board unplugged) and returns its length. */
  stop(): number {
    const n = this.current.length
    this.current = []
    this.recording = false
    this.stopped = true
    return n
  }

  private triggers(values: number[]): boolean {
    const axes = this.plan.motionAxes ?? [0, 1, 2]
    let sum = 0
    for (const a of axes) sum += Math.abs(values[a] ?? 0)
    return sum >= (this.plan.threshold ?? 2.5)
  }

  private completeIfFull(): number[][] | null {
    if (this.current.length < (this.plan.samples as number)) return null
    const w = this.current
    this.current = []
    this.recordedCount++
    if (this.plan.trigger === 'motion') this.recording = false
    return w
  }
}
