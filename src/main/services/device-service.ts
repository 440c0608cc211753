import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type {
  DeviceApi,
  DeviceStatus,
  OpenOptions,
  PortInfo,
  RecordingStatus,
  RecordRequest,
  SampleBatch,
  StreamLayout,
  StreamRate,
  StreamStats
} from '../../shared/contract/device'
import type { SampleWindow } from '../../shared/dataset'
import { MicroforgeError, toErrorData, type ErrorData } from '../../shared/errors'
import type { ProjectFile } from '../../shared/project-schema'
import type { SignalPatch } from '../../shared/signal'
import { LineFramer } from '../core/serial/line-framer'
import { LineParser, type StreamItem } from '../core/serial/line-parser'
import { RateEstimator } from '../core/serial/rate-estimator'
import { WindowRecorder } from '../core/serial/window-recorder'
import type { ServiceEvents } from './event-bus'
import type { NewWindow } from './dataset-service'
import { readProjectFile } from './project-store'

/** The little of a serial port the service uses; tests can hand in their own. */
export interface SerialHandle {
  close(): Promise<void>
  onData(cb: (chunk: Uint8Array) => void): void
  /** Called once when the port closes for any reason; err is set when it was not our close(). */
  onClose(cb: (err: Error | null) => void): void
}

export type PortOpener = (path: string, baud: number) => Promise<SerialHandle>

/** How far a measured rate may stray from the project's before recording refuses (arrival times wobble). */
const RATE_TOLERANCE = 0.1

export interface WindowSink {
  saveWindow(project: string, w: NewWindow, emit?: boolean): Promise<SampleWindow>
  ensureClasses(project: string, labels: string[], first?: SignalPatch, replaceRate?: boolean): Promise<ProjectFile>
  list(project: string): Promise<unknown[]>
}

export interface DeviceServiceOptions {
  bus: ServiceEvents
  dataset: WindowSink
  openPort?: PortOpener
  /** The OS port list; the default uses serialport's, which needs udevadm on Linux. */
  listSystemPorts?: () => Promise<SystemPort[]>
  batchMs?: number
  noDataMs?: number
  reconnectMs?: number
  devDir?: string
}

const SCAN_PATTERNS = [/^ttyACM\d+$/, /^ttyUSB\d+$/, /^ttyAMA\d+$/, /^rfcomm\d+$/, /^tty\.usb/, /^cu\.usb/, /^ttyS\d+$/]
/** The motherboard UARTs Linux always lists (ttyS0..31), usually with nothing attached. */
const LEGACY_UART = /\/ttyS\d+$/
const likelyBoard = (path: string): boolean => !LEGACY_UART.test(path)

/** A port as the operating system describes it; listPorts judges whether a board can be on it. */
export type SystemPort = Omit<PortInfo, 'likelyBoard'>

/** How often an open port is checked for an unplug that raised no event; detection takes at most about twice this. */
const LINK_CHECK_MS = 500

/** Epoch ms with sub-ms precision (Date.now() is too coarse for latency at 1 kHz). */
const nowMs = (): number => performance.timeOrigin + performance.now()

const emptyStats = (): StreamStats => ({ bytes: 0, lines: 0, samples: 0, overlong: 0, garbled: 0, nonFinite: 0, wrongColumns: 0, missing: 0, messages: 0, profile: 0 })

interface Connection {
  path: string
  baud: number
  handle: SerialHandle | null
  framer: LineFramer
  parser: LineParser
  rate: RateEstimator
  lastByteAt: number
  openedAt: number
  total: number
}

interface Recording {
  status: RecordingStatus
  recorder: WindowRecorder | null
  countdown: NodeJS.Timeout | null
  /** Saves run one after another so windows land on disk in order. */
  saving: Promise<void>
  testFraction: number
  seed: number
  /** The project had no windows when recording started: the first one settles the rate. */
  firstWindows: boolean
}

/**
 * One board at a time over serial: open, parse, batch samples into events about every 50 ms,
 * record labelled windows straight to disk. An unplugged board stops the recording with a clear
 * message; every window completed before is already saved.
 */
export class DeviceService implements DeviceApi {
  private readonly bus: ServiceEvents
  private readonly dataset: WindowSink
  private readonly openPort: PortOpener
  private readonly listSystemPorts: () => Promise<SystemPort[]>
  private readonly batchMs: number
  private readonly noDataMs: number
  private readonly reconnectMs: number
  private readonly devDir: string

  private state: DeviceStatus['state'] = 'closed'
  private conn: Connection | null = null
  private autoReconnect = false
  private timestampMode: OpenOptions['timestamp'] = 'auto'
  private error: ErrorData | null = null
  private warning: ErrorData | null = null
  private lastMessage: string | null = null
  private layout: StreamLayout | null = null
  private recording: Recording | null = null
  private batch: { values: number[][]; times: number[]; firstArrival: number } = { values: [], times: [], firstArrival: 0 }
  private timer: NodeJS.Timeout | null = null
  private reconnectTimer: NodeJS.Timeout | null = null
  private items: StreamItem[] = []
  /** Paths opened before, listed again when they exist (sim-board links, /dev/pts). */
  private knownPaths = new Set<string>()
  private garbledAtCheck = 0
  private linesAtCheck = 0

  constructor(opts: DeviceServiceOptions) {
    this.bus = opts.bus
    this.dataset = opts.dataset
    this.openPort = opts.openPort ?? openSerialPort
    this.listSystemPorts = opts.listSystemPorts ?? systemPorts
    this.batchMs = opts.batchMs ?? 50
    this.noDataMs = opts.noDataMs ?? 3000
    this.reconnectMs = opts.reconnectMs ?? 1000
    this.devDir = opts.devDir ?? '/dev'
  }

  async listPorts(): Promise<PortInfo[]> {
    let ports: PortInfo[] = []
    try {
      ports = (await this.listSystemPorts()).map((p) => ({ ...p, likelyBoard: likelyBoard(p.path) }))
    } catch {
      // serialport's list needs udevadm on Linux; containers and minimal systems lack it.
    }
    const seen = new Set(ports.map((p) => p.path))
    const add = (path: string): void => {
      if (seen.has(path)) return
      seen.add(path)
      ports.push({ path, manufacturer: null, serialNumber: null, vendorId: null, productId: null, source: 'scan', likelyBoard: likelyBoard(path) })
    }
    let names: string[] = []
    try {
      names = await fs.readdir(this.devDir)
    } catch {
      names = []
    }
    for (const re of SCAN_PATTERNS) for (const n of names.filter((x) => re.test(x)).sort(naturalCompare)) add(join(this.devDir, n))
    for (const p of this.knownPaths) if (await exists(p)) add(p)
    // Stable: boards first in the order found, then the legacy UARTs.
    return [...ports.filter((p) => p.likelyBoard), ...ports.filter((p) => !p.likelyBoard)]
  }

  async open(path: string, baud: number, options: OpenOptions = {}): Promise<DeviceStatus> {
    if (this.conn) await this.close()
    this.autoReconnect = options.autoReconnect ?? false
    this.timestampMode = options.timestamp ?? 'auto'
    this.error = null
    this.warning = null
    this.lastMessage = null
    this.layout = null
    this.setState('opening', path, baud)
    try {
      await this.connect(path, baud)
    } catch (err) {
      this.conn = null
      this.error = toErrorData(err)
      this.state = 'error'
      this.emitStatus(path, baud)
      throw err
    }
    this.knownPaths.add(path)
    return this.statusNow()
  }

  async close(): Promise<DeviceStatus> {
    this.autoReconnect = false
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    this.reconnectTimer = null
    if (this.recording && isActive(this.recording.status.state)) await this.finishRecording('stopped', null)
    const conn = this.conn
    this.stopTimer()
    if (conn?.handle) {
      const h = conn.handle
      conn.handle = null
      this.flushBatch()
      await h.close().catch(() => undefined)
    }
    this.conn = null
    this.state = 'closed'
    this.warning = null
    this.error = null
    this.emitStatus()
    return this.statusNow()
  }

  async status(): Promise<DeviceStatus> {
    return this.statusNow()
  }

  async startRecording(req: RecordRequest): Promise<RecordingStatus> {
    if (!this.conn || this.state !== 'open') {
      throw new MicroforgeError('DEVICE_ERROR', 'No board is connected.', 'Connect to the board first, then record.')
    }
    if (this.recording && isActive(this.recording.status.state)) {
      throw new MicroforgeError('INVALID_ARGUMENT', 'A recording is already running.', 'Stop it first.')
    }
    const layout = this.layout
    if (!layout) {
      throw new MicroforgeError('DEVICE_ERROR', `No samples from ${this.conn.path} yet.`, 'Wait until the live chart shows data; check the baud rate if it stays empty.')
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
    const samples = this.windowSamples(req, project)
    const label = req.label.trim()
    const rate = this.conn.rate.estimate()
    const projectRate = project.signal.sampleRateHz
    const otherRate = projectRate !== null && rate.rateHz !== null && Math.abs(rate.rateHz - projectRate) > RATE_TOLERANCE * projectRate
    // A project with no windows yet takes the rate of the board it records from when that rate was
    // only measured from an earlier board (Connect saves it); a rate the user set, or windows, decide.
    const measuredOnly = project.signal.rateSource === 'timestamps' || project.signal.rateSource === 'arrival'
    const yields = otherRate && measuredOnly && (await this.dataset.list(req.project)).length === 0
    if (otherRate && !yields && rate.rateHz !== null) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `The board streams at ${rate.rateHz.toFixed(1)} Hz; this project's windows are at ${projectRate} Hz. A model trained on one rate misreads the other.`,
        'Set the sketch to the project rate, or start a new project for this board.'
      )
    }
    await this.dataset.ensureClasses(req.project, [label], {
      windowLength: samples,
      axes: layout.axes,
      sampleRateHz: rate.rateHz === null ? null : Math.round(rate.rateHz * 10) / 10,
      rateSource: rate.source,
      sensor: { baud: this.conn.baud, port: this.conn.path }
    }, yields)
    const count = req.count ?? 1
    const rec: Recording = {
      status: {
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
      },
      recorder: null,
      countdown: null,
      saving: Promise.resolve(),
      testFraction: typeof project.settings.testFraction === 'number' ? project.settings.testFraction : 0.2,
      seed: typeof project.settings.splitSeed === 'number' ? project.settings.splitSeed : 1234,
      firstWindows: (projectRate === null || measuredOnly) && (await this.dataset.list(req.project)).length === 0
    }
    const begin = (): void => {
      rec.countdown = null
      const midBlock = this.conn?.rate.inBurst ?? false
      rec.recorder = new WindowRecorder({ trigger: req.trigger, samples, count, threshold: req.threshold, motionAxes: req.motionAxes, preSamples: req.preSamples, midBlock })
      rec.status.state = rec.recorder.state === 'armed' ? 'armed' : 'recording'
      this.emitRecording()
    }
    this.recording = rec
    if (req.countdownMs) rec.countdown = setTimeout(begin, req.countdownMs)
    else begin()
    this.emitRecording()
    return { ...rec.status }
  }

  async stopRecording(): Promise<RecordingStatus | null> {
    if (!this.recording) return null
    if (isActive(this.recording.status.state)) await this.finishRecording('stopped', null)
    return { ...this.recording.status }
  }

  /** Stops timers and closes the port (app quit). */
  async dispose(): Promise<void> {
    await this.close()
  }

  private windowSamples(req: RecordRequest, project: ProjectFile): number | null {
    if (req.samples !== undefined) return req.samples
    if (req.ms !== undefined) {
      const rate = this.conn?.rate.estimate().rateHz ?? null
      if (rate === null) {
        throw new MicroforgeError('DEVICE_ERROR', 'The sample rate is not known yet, so a length in ms cannot be turned into samples.', 'Wait a second for the rate to show, or give the length in samples.')
      }
      return Math.max(1, Math.round((req.ms * rate) / 1000))
    }
    if (req.trigger === 'board') return project.signal.windowLength
    if (project.signal.windowLength !== null) return project.signal.windowLength
    throw new MicroforgeError('INVALID_ARGUMENT', 'How long should a window be?', 'Give the window length in samples or ms.')
  }

  private async connect(path: string, baud: number): Promise<void> {
    const handle = await this.openPort(path, baud).catch((err: unknown) => {
      throw openError(err, path, baud)
    })
    const conn: Connection = {
      path,
      baud,
      handle,
      framer: new LineFramer(),
      parser: new LineParser({ timestamp: this.timestampMode }),
      rate: new RateEstimator(),
      lastByteAt: nowMs(),
      openedAt: nowMs(),
      total: 0
    }
    this.conn = conn
    this.garbledAtCheck = 0
    this.linesAtCheck = 0
    handle.onData((chunk) => this.onData(conn, chunk))
    handle.onClose((err) => this.onClosed(conn, err))
    this.setState('open', path, baud)
    this.startTimer()
  }

  private onData(conn: Connection, chunk: Uint8Array): void {
    if (this.conn !== conn) return
    const arrival = nowMs()
    conn.lastByteAt = arrival
    const items = this.items
    items.length = 0
    for (const line of conn.framer.push(chunk)) conn.parser.push(line, items)
    const rec = this.recording
    const recorder = rec && rec.recorder && isActive(rec.status.state) ? rec.recorder : null
    for (const item of items) {
      if (item.type === 'sample') {
        const s = item.sample
        conn.rate.add(s.t, arrival)
        if (this.batch.values.length === 0) this.batch.firstArrival = arrival
        this.batch.values.push(s.values)
        this.batch.times.push(s.t ?? arrival)
        conn.total++
        if (recorder) {
          const w = recorder.push(s)
          if (w) this.saveWindow(rec as Recording, w)
        }
      } else if (item.type === 'gap') {
        conn.rate.gap()
        if (recorder) {
          const w = recorder.gap()
          if (w) this.saveWindow(rec as Recording, w)
        }
      } else if (item.type === 'layout') {
        this.flushBatch()
        const before = this.layout
        this.layout = { ...item.layout }
        if (recorder && rec && before && before.axes.length !== item.layout.axes.length) {
          // Windows of two shapes cannot share a project: stop rather than mix them.
          void this.finishRecording('failed', {
            code: 'DEVICE_ERROR',
            message: `The board switched from ${before.axes.length} to ${item.layout.axes.length} columns.`,
            hint: 'Check the sketch (was another one uploaded?), then record again.'
          })
        }
        this.emitStatus()
      } else if (item.type === 'message') {
        this.lastMessage = item.text
      }
    }
    if (recorder && rec) {
      const st = recorder.state === 'armed' ? 'armed' : recorder.state === 'recording' ? 'recording' : rec.status.state
      if (st !== rec.status.state || rec.status.inProgress !== recorder.inProgress) {
        rec.status.state = st
        rec.status.inProgress = recorder.inProgress
        rec.status.rejectedBlocks = recorder.rejectedBlocks
      }
    }
  }

  private saveWindow(rec: Recording, values: number[][]): void {
    const conn = this.conn
    const rate = conn?.rate.estimate().rateHz ?? null
    const axes = this.layout?.axes ?? []
    const wanted = rec.status.windowsWanted
    rec.saving = rec.saving.then(async () => {
      if (rec.status.state === 'failed') return
      try {
        const saved = await this.dataset.saveWindow(rec.status.project, {
          label: rec.status.label,
          axes,
          rateHz: rate === null ? null : Math.round(rate * 100) / 100,
          values,
          source: `capture:${conn?.path ?? ''}`,
          split: { testFraction: rec.testFraction, seed: rec.seed }
        })
        // The first window settles what the project does not know yet: its length, the measured rate.
        if (rec.status.windowsSaved === 0) {
          await this.dataset.ensureClasses(
            rec.status.project,
            [],
            { windowLength: values.length, ...(rate === null ? {} : { sampleRateHz: Math.round(rate * 10) / 10, rateSource: conn?.rate.estimate().source ?? null }) },
            rec.firstWindows
          )
        }
        rec.status.windowsSaved++
        rec.status.savedIds.push(saved.id)
        if (rec.status.windowsSaved >= wanted && isActive(rec.status.state)) {
          rec.status.state = 'done'
          rec.status.inProgress = 0
        }
        this.emitRecording()
      } catch (err) {
        rec.status.state = 'failed'
        rec.status.error = toErrorData(err)
        rec.recorder?.stop()
        this.emitRecording()
      }
    })
  }

  private async finishRecording(state: 'stopped' | 'failed', error: ErrorData | null): Promise<void> {
    const rec = this.recording
    if (!rec) return
    if (rec.countdown) clearTimeout(rec.countdown)
    rec.countdown = null
    const dropped = rec.recorder ? rec.recorder.stop() : 0
    await rec.saving
    if (rec.status.state === 'done' && state === 'stopped') return
    rec.status.state = state
    rec.status.inProgress = 0
    if (error) {
      const saved = rec.status.windowsSaved
      rec.status.error = {
        ...error,
        message: `${error.message} Recording stopped: ${saved} window${saved === 1 ? ' was' : 's were'} saved${dropped > 0 ? `; the one in progress (${dropped} sample${dropped === 1 ? '' : 's'}) was dropped` : ''}.`
      }
    }
    this.emitRecording()
  }

  private onClosed(conn: Connection, err: Error | null): void {
    if (this.conn !== conn || conn.handle === null) return
    conn.handle = null
    this.flushBatch()
    this.stopTimer()
    const error = new MicroforgeError(
      'DEVICE_DISCONNECTED',
      `The board on ${conn.path} disconnected${err?.message ? ` (${err.message})` : ''}.`,
      this.autoReconnect ? 'Plug it back in; Microforge reconnects by itself.' : 'Check the cable, plug the board back in and connect again.'
    ).toData()
    this.error = error
    if (this.recording && isActive(this.recording.status.state)) void this.finishRecording('failed', error)
    if (this.autoReconnect) {
      this.state = 'reconnecting'
      this.emitStatus(conn.path, conn.baud)
      this.scheduleReconnect(conn.path, conn.baud)
    } else {
      this.state = 'error'
      this.conn = null
      this.emitStatus(conn.path, conn.baud)
    }
  }

  private scheduleReconnect(path: string, baud: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null
      if (!this.autoReconnect) return
      this.connect(path, baud).then(
        () => {
          this.error = null
          this.emitStatus()
        },
        () => this.scheduleReconnect(path, baud)
      )
    }, this.reconnectMs)
  }

  private startTimer(): void {
    this.stopTimer()
    let ticks = 0
    this.timer = setInterval(() => {
      this.flushBatch()
      if (++ticks % 10 === 0) this.checkHealth()
    }, this.batchMs)
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  /** No bytes for a while, or bytes that never parse: both usually mean a wrong baud rate. */
  private checkHealth(): void {
    const conn = this.conn
    if (!conn || this.state !== 'open') return
    let warning: ErrorData | null = null
    const silent = nowMs() - conn.lastByteAt
    const lines = conn.parser.stats.lines - this.linesAtCheck
    const garbled = conn.parser.stats.garbled + conn.framer.stats.overlong - this.garbledAtCheck
    if (silent >= this.noDataMs) {
      warning = {
        code: 'DEVICE_ERROR',
        message: `No data for ${Math.round(silent / 1000)} s on ${conn.path} at ${conn.baud} baud.`,
        hint: 'Check the baud rate in your sketch (Serial.begin) and that the board is running it; press its reset button.'
      }
    } else if (conn.parser.stats.profile > 0 && conn.parser.stats.samples === 0) {
      warning = {
        code: 'UNSUPPORTED',
        message: `The board on ${conn.path} runs Microforge's profile or classify firmware: it prints inference timings and results, not sensor samples.`,
        hint: 'Open the Profile step to measure it. To record gestures, generate the capture firmware in Deploy and flash that.'
      }
    } else if (lines + garbled >= 10 && garbled > 0.8 * (lines + 1)) {
      warning = {
        code: 'DEVICE_ERROR',
        message: `The data on ${conn.path} does not look like numbers.`,
        hint: `The baud rate is probably wrong: pick the one in your sketch's Serial.begin (now ${conn.baud}).`
      }
    }
    this.linesAtCheck = conn.parser.stats.lines
    this.garbledAtCheck = conn.parser.stats.garbled + conn.framer.stats.overlong
    if (JSON.stringify(warning) !== JSON.stringify(this.warning)) {
      this.warning = warning
      this.emitStatus()
    }
  }

  private flushBatch(): void {
    const conn = this.conn
    if (!conn || this.batch.values.length === 0) return
    const b = this.batch
    this.batch = { values: [], times: [], firstArrival: 0 }
    const payload: SampleBatch = {
      path: conn.path,
      axes: this.layout?.axes ?? [],
      values: b.values,
      times: b.times,
      timeSource: this.layout?.timestamp ? 'board' : 'host',
      firstArrival: b.firstArrival,
      sentAt: nowMs(),
      total: conn.total,
      stats: this.statsOf(conn),
      rate: this.rateOf(conn)
    }
    this.bus.emit('device.samples', payload)
    if (this.recording && isActive(this.recording.status.state)) this.emitRecording()
  }

  private statsOf(conn: Connection | null): StreamStats {
    if (!conn) return emptyStats()
    const p = conn.parser.stats
    return {
      bytes: conn.framer.stats.bytes,
      lines: p.lines,
      samples: p.samples,
      overlong: conn.framer.stats.overlong,
      garbled: p.garbled,
      nonFinite: p.nonFinite,
      wrongColumns: p.wrongColumns,
      missing: conn.rate.missingSamples,
      messages: p.messages,
      profile: p.profile
    }
  }

  private rateOf(conn: Connection | null): StreamRate {
    if (!conn) return { rateHz: null, jitterMs: null, source: null, lastBurst: null, bursts: 0 }
    const e = conn.rate.estimate()
    return { rateHz: e.rateHz, jitterMs: e.jitterMs, source: e.source, lastBurst: e.lastBurst, bursts: e.bursts }
  }

  private setState(state: DeviceStatus['state'], path: string, baud: number): void {
    this.state = state
    this.emitStatus(path, baud)
  }

  private lastPath: string | null = null
  private lastBaud: number | null = null

  private statusNow(path?: string, baud?: number): DeviceStatus {
    if (path !== undefined) this.lastPath = path
    if (baud !== undefined) this.lastBaud = baud
    const conn = this.conn
    return {
      state: this.state,
      path: conn?.path ?? this.lastPath,
      baud: conn?.baud ?? this.lastBaud,
      autoReconnect: this.autoReconnect,
      layout: this.layout,
      stats: this.statsOf(conn),
      rate: this.rateOf(conn),
      error: this.error,
      warning: this.warning,
      lastMessage: this.lastMessage,
      recording: this.recording ? { ...this.recording.status, savedIds: [...this.recording.status.savedIds] } : null
    }
  }

  private emitStatus(path?: string, baud?: number): void {
    this.bus.emit('device.status', this.statusNow(path, baud))
  }

  private emitRecording(): void {
    if (this.recording) this.bus.emit('device.recording', { ...this.recording.status, savedIds: [...this.recording.status.savedIds] })
  }
}

function isActive(state: RecordingStatus['state']): boolean {
  return state === 'countdown' || state === 'armed' || state === 'recording'
}

function openError(err: unknown, path: string, baud: number): MicroforgeError {
  if (err instanceof MicroforgeError) return err
  const msg = (err as Error)?.message ?? String(err)
  if (/ENOENT|No such file/i.test(msg)) return new MicroforgeError('DEVICE_ERROR', `${path} does not exist.`, 'Plug the board in, then pick its port from the list (or type the path of a virtual board).')
  if (/EACCES|Permission denied/i.test(msg)) {
    return new MicroforgeError('DEVICE_ERROR', `No permission to open ${path}.`, 'On Linux, add yourself to the dialout group (sudo usermod -aG dialout $USER), then log out and in.')
  }
  if (/lock|EBUSY|busy/i.test(msg)) return new MicroforgeError('DEVICE_ERROR', `${path} is busy.`, 'Close the Arduino Serial Monitor or any other program using the port.')
  return new MicroforgeError('DEVICE_ERROR', `Could not open ${path} at ${baud} baud: ${msg}`, 'Check the port and the cable, then try again.')
}

/** Opens a real serial port; also used by profiling, so both get the same unplug detection. */
export async function openSerialPort(path: string, baud: number): Promise<SerialHandle> {
  const { SerialPort } = await import('serialport')
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false })
  await new Promise<void>((res, rej) => port.open((err) => (err ? rej(err) : res())))
  let closed = false
  let closeCb: ((err: Error | null) => void) | null = null
  let ours = false
  const fire = (err: Error | null): void => {
    if (closed) return
    closed = true
    clearInterval(watchdog)
    closeCb?.(ours ? null : (err ?? new Error('port closed')))
  }
  port.on('close', (err: Error | null) => fire(err))
  port.on('error', (err: Error) => {
    fire(err)
    if (port.isOpen) port.close(() => undefined)
  })
  // Pulling the cable does not always raise an event: a read that reaches the tty just after it
  // was hung up (USB link gone, socat killed) returns 0 bytes, and the binding then retries the
  // read forever instead of failing. So the link is checked while open: an ioctl on a hung-up fd
  // fails, and the device file of an unplugged board disappears.
  let ioctl: LinkIoctl | null = null
  let checking = false
  const watchdog = setInterval(() => {
    if (checking || closed || ours) return
    checking = true
    void linkLost(path, ioctl).then((lost) => {
      checking = false
      if (!lost || closed || ours) return
      fire(lost)
      if (port.isOpen) port.close(() => undefined)
    })
  }, LINK_CHECK_MS)
  watchdog.unref()
  // Only where the binding can read the baud rate back (not on macOS).
  const binding = port.port
  if (binding && (await binding.getBaudRate().then(() => true, () => false))) ioctl = binding
  return {
    onData: (cb) => port.on('data', (chunk: Buffer) => cb(chunk)),
    onClose: (cb) => {
      closeCb = cb
    },
    close: () =>
      new Promise<void>((res) => {
        ours = true
        clearInterval(watchdog)
        if (!port.isOpen) return res()
        port.close(() => res())
      })
  }
}

/** The port binding's ioctl used as a ping: it fails once the tty is hung up. */
interface LinkIoctl {
  isOpen: boolean
  getBaudRate(): Promise<unknown>
}

/** Why an open port no longer leads to a board, or null while it still does. */
async function linkLost(path: string, ioctl: LinkIoctl | null): Promise<Error | null> {
  if (!(await exists(path))) return new Error('the port is gone')
  if (!ioctl?.isOpen) return null
  return ioctl.getBaudRate().then(
    () => null,
    () => (ioctl.isOpen ? new Error('the port stopped answering') : null)
  )
}

async function systemPorts(): Promise<SystemPort[]> {
  const { SerialPort } = await import('serialport')
  const list = await SerialPort.list()
  return list.map((p) => ({
    path: p.path,
    manufacturer: p.manufacturer ?? null,
    serialNumber: p.serialNumber ?? null,
    vendorId: p.vendorId ?? null,
    productId: p.productId ?? null,
    source: 'system' as const
  }))
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false
  )
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true })
}
