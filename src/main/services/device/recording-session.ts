import type { RecordingStatus, RecordRequest, StreamLayout } from '../../../shared/contract/device'
import type { SampleWindow } from '../../../shared/dataset'
import { MicroforgeError, toErrorData, type ErrorData } from '../../../shared/errors'
import type { ProjectFile } from '../../../shared/project-schema'
import type { SignalPatch } from '../../../shared/signal'
import type { Sample } from '../../core/serial/line-parser'
import type { RateEstimator } from '../../core/serial/rate-estimator'
import { WindowRecorder } from '../../core/serial/window-recorder'
import type { NewWindow } from '../dataset-service'
import { readProjectFile } from '../../storage/project-store'

/** How far a measured rate may stray from the project's before recording refuses (arrival times wobble). */
const RATE_TOLERANCE = 0.1

export interface WindowSink {
  saveWindow(project: string, w: NewWindow, emit?: boolean): Promise<SampleWindow>
  ensureClasses(project: string, labels: string[], first?: SignalPatch, replaceRate?: boolean): Promise<ProjectFile>
  list(project: string): Promise<unknown[]>
}

/** What a recording reads from the open port: where, how fast, and the columns now. */
export interface RecordingSource {
  path: string
  baud: number
  rate: RateEstimator
  layout(): StreamLayout | null
}

export function isActive(state: RecordingStatus['state']): boolean {
  return state === 'countdown' || state === 'armed' || state === 'recording'
}

/**
 * One recording: checks the request against the project (axes, rate, window length), then turns
 * the stream into labelled windows saved one after another, so they land on disk in order.
 */
export class RecordingSession {
  private recorder: WindowRecorder | null = null
  private countdown: NodeJS.Timeout | null = null
  private saving: Promise<void> = Promise.resolve()

  private constructor(
    readonly status: RecordingStatus,
    private readonly src: RecordingSource,
    private readonly dataset: WindowSink,
    private readonly emitStatus: (s: RecordingStatus) => void,
    private readonly split: { testFraction: number; seed: number },
    /** The project had no windows when recording started: the first one settles the rate. */
    private readonly firstWindows: boolean
  ) {}

  /** Checks the request, writes the class and signal the project lacks, and starts (or counts down). */
  static async start(req: RecordRequest, src: RecordingSource, dataset: WindowSink, emit: (s: RecordingStatus) => void): Promise<RecordingSession> {
    const layout = src.layout()
    if (!layout) {
      throw new MicroforgeError('DEVICE_ERROR', `No samples from ${src.path} yet.`, 'Wait until the live chart shows data; check the baud rate if it stays empty.')
    }
    const project = await readProjectFile(req.project)
    const known = project.signal.axes
    if (known.length > 0 && known.length !== layout.axes.length) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `The board sends ${layout.axes.length} axes (${layout.axes.join(', ')}); this project records ${known.length} (${known.join(', ')}).`,
        'Use the sketch this project was recorded with, or start a new project.'
      )
    }
    const rate = src.rate.estimate()
    const samples = windowSamples(req, project, rate.rateHz)
    const label = req.label.trim()
    const projectRate = project.signal.sampleRateHz
    const otherRate = projectRate !== null && rate.rateHz !== null && Math.abs(rate.rateHz - projectRate) > RATE_TOLERANCE * projectRate
    // A project with no windows yet takes the rate of the board it records from when that rate was
    // only measured from an earlier board (Connect saves it); a rate the user set, or windows, decide.
    const measuredOnly = project.signal.rateSource === 'timestamps' || project.signal.rateSource === 'arrival'
    const yields = otherRate && measuredOnly && (await dataset.list(req.project)).length === 0
    if (otherRate && !yields && rate.rateHz !== null) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `The board streams at ${rate.rateHz.toFixed(1)} Hz; this project's windows are at ${projectRate} Hz. A model trained on one rate misreads the other.`,
        'Set the sketch to the project rate, or start a new project for this board.'
      )
    }
    await dataset.ensureClasses(
      req.project,
      [label],
      {
        windowLength: samples,
        axes: layout.axes,
        sampleRateHz: rate.rateHz === null ? null : Math.round(rate.rateHz * 10) / 10,
        rateSource: rate.source,
        sensor: { baud: src.baud, port: src.path }
      },
      yields
    )
    const count = req.count ?? 1
    const status: RecordingStatus = {
      project: req.project,
      label,
      trigger: req.trigger,
      state: req.countdownMs ? 'countdown' : req.trigger === 'manual' || req.trigger === 'continuous' ? 'recording' : 'armed',
      samplesPerWindow: samples,
      windowsWanted: count,
      windowsSaved: 0,
      inProgress: 0,
      savedIds: [],
      rejectedBlocks: 0,
      error: null
    }
    const split = {
      testFraction: typeof project.settings.testFraction === 'number' ? project.settings.testFraction : 0.2,
      seed: typeof project.settings.splitSeed === 'number' ? project.settings.splitSeed : 1234
    }
    const firstWindows = (projectRate === null || measuredOnly) && (await dataset.list(req.project)).length === 0
    const session = new RecordingSession(status, src, dataset, emit, split, firstWindows)
    const begin = (): void => {
      session.countdown = null
      const midBlock = src.rate.inBurst
      session.recorder = new WindowRecorder({ trigger: req.trigger, samples, count, threshold: req.threshold, motionAxes: req.motionAxes, preSamples: req.preSamples, midBlock })
      status.state = session.recorder.state === 'armed' ? 'armed' : 'recording'
      session.emit()
    }
    if (req.countdownMs) session.countdown = setTimeout(begin, req.countdownMs)
    else begin()
    return session
  }

  /** Publishes the status (a copy). */
  emit(): void {
    this.emitStatus(this.snapshot())
  }

  get active(): boolean {
    return isActive(this.status.state)
  }

  /** A copy for events and replies. */
  snapshot(): RecordingStatus {
    return { ...this.status, savedIds: [...this.status.savedIds] }
  }

  /** True while samples go into a window (not during the countdown, not once finished). */
  get listening(): boolean {
    return this.recorder !== null && this.active
  }

  push(sample: Sample): void {
    if (!this.listening) return
    const w = this.recorder?.push(sample)
    if (w) this.save(w)
  }

  gap(): void {
    if (!this.listening) return
    const w = this.recorder?.gap()
    if (w) this.save(w)
  }

  /** Brings state and progress in line with the recorder after a chunk of input. */
  sync(): void {
    const recorder = this.recorder
    if (!recorder || !this.active) return
    const st = recorder.state === 'armed' ? 'armed' : recorder.state === 'recording' ? 'recording' : this.status.state
    this.status.state = st
    this.status.inProgress = recorder.inProgress
    this.status.rejectedBlocks = recorder.rejectedBlocks
  }

  /** Stops: the windows saved stay; with an error, the message says how many and what was dropped. */
  async finish(state: 'stopped' | 'failed', error: ErrorData | null): Promise<void> {
    if (this.countdown) clearTimeout(this.countdown)
    this.countdown = null
    const dropped = this.recorder ? this.recorder.stop() : 0
    await this.saving
    if (this.status.state === 'done' && state === 'stopped') return
    this.status.state = state
    this.status.inProgress = 0
    if (error) {
      const saved = this.status.windowsSaved
      this.status.error = {
        ...error,
        message: `${error.message} Recording stopped: ${saved} window${saved === 1 ? ' was' : 's were'} saved${dropped > 0 ? `; the one in progress (${dropped} sample${dropped === 1 ? '' : 's'}) was dropped` : ''}.`
      }
    }
    this.emit()
  }

  private save(values: number[][]): void {
    const src = this.src
    const rate = src.rate.estimate().rateHz
    const axes = src.layout()?.axes ?? []
    const status = this.status
    this.saving = this.saving.then(async () => {
      if (status.state === 'failed') return
      try {
        const saved = await this.dataset.saveWindow(status.project, {
          label: status.label,
          axes,
          rateHz: rate === null ? null : Math.round(rate * 100) / 100,
          values,
          source: `capture:${src.path}`,
          split: this.split
        })
        // The first window settles what the project does not know yet: its length, the measured rate.
        if (status.windowsSaved === 0) {
          await this.dataset.ensureClasses(
            status.project,
            [],
            { windowLength: values.length, ...(rate === null ? {} : { sampleRateHz: Math.round(rate * 10) / 10, rateSource: src.rate.estimate().source }) },
            this.firstWindows
          )
        }
        status.windowsSaved++
        status.savedIds.push(saved.id)
        if (status.windowsSaved >= status.windowsWanted && this.active) {
          status.state = 'done'
          status.inProgress = 0
        }
        this.emit()
      } catch (err) {
        status.state = 'failed'
        status.error = toErrorData(err)
        this.recorder?.stop()
        this.emit()
      }
    })
  }
}

function windowSamples(req: RecordRequest, project: ProjectFile, rateHz: number | null): number | null {
  if (req.samples !== undefined) return req.samples
  if (req.ms !== undefined) {
    if (rateHz === null) {
      throw new MicroforgeError('DEVICE_ERROR', 'The sample rate is not known yet, so a length in ms cannot be turned into samples.', 'Wait a second for the rate to show, or give the length in samples.')
    }
    return Math.max(1, Math.round((req.ms * rateHz) / 1000))
  }
  if (req.trigger === 'board') return project.signal.windowLength
  if (project.signal.windowLength !== null) return project.signal.windowLength
  throw new MicroforgeError('INVALID_ARGUMENT', 'How long should a window be?', 'Give the window length in samples or ms.')
}
