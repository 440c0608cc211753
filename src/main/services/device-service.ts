import { performance } from 'node:perf_hooks'
import type { DeviceApi, DeviceStatus, OpenOptions, PortInfo, RecordingStatus, RecordRequest, SampleBatch, StreamLayout, StreamRate, StreamStats } from '../../shared/contract/device'
import { MicroforgeError, toErrorData, type ErrorData } from '../../shared/errors'
import { LineFramer } from '../core/serial/line-framer'
import { LineParser, type StreamItem } from '../core/serial/line-parser'
import { RateEstimator } from '../core/serial/rate-estimator'
import { discoverPorts, systemPorts, type SystemPort } from './device/port-discovery'
import { RecordingSession, type WindowSink } from './device/recording-session'
import { openError, openSerialPort, type PortOpener, type SerialHandle } from './device/serial-port'
import type { ServiceEvents } from './event-bus'

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
  private recording: RecordingSession | null = null
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
    return discoverPorts({ listSystemPorts: this.listSystemPorts, devDir: this.devDir, knownPaths: this.knownPaths })
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
    if (this.recording?.active) await this.recording.finish('stopped', null)
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
    const conn = this.conn
    if (!conn || this.state !== 'open') {
      throw new MicroforgeError('DEVICE_ERROR', 'No board is connected.', 'Connect to the board first, then record.')
    }
    if (this.recording?.active) {
      throw new MicroforgeError('INVALID_ARGUMENT', 'A recording is already running.', 'Stop it first.')
    }
    const src = { path: conn.path, baud: conn.baud, rate: conn.rate, layout: () => this.layout }
    this.recording = await RecordingSession.start(req, src, this.dataset, (s) => this.bus.emit('device.recording', s))
    this.emitRecording()
    return this.recording.snapshot()
  }

  async stopRecording(): Promise<RecordingStatus | null> {
    if (!this.recording) return null
    if (this.recording.active) await this.recording.finish('stopped', null)
    return this.recording.snapshot()
  }

  /** Stops timers and closes the port (app quit). */
  async dispose(): Promise<void> {
    await this.close()
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
    for (const item of items) {
      if (item.type === 'sample') {
        const s = item.sample
        conn.rate.add(s.t, arrival)
        if (this.batch.values.length === 0) this.batch.firstArrival = arrival
        this.batch.values.push(s.values)
        this.batch.times.push(s.t ?? arrival)
        conn.total++
        rec?.push(s)
      } else if (item.type === 'gap') {
        conn.rate.gap()
        rec?.gap()
      } else if (item.type === 'layout') {
        this.flushBatch()
        const before = this.layout
        this.layout = { ...item.layout }
        if (rec?.listening && before && before.axes.length !== item.layout.axes.length) {
          // Windows of two shapes cannot share a project: stop rather than mix them.
          void rec.finish('failed', {
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
    rec?.sync()
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
    if (this.recording?.active) void this.recording.finish('failed', error)
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
      if (++ticks % 10 === 0) {
        this.checkHealth()
        // The counters travel in sample batches: a board that prints none (profile firmware) had them frozen at its first status.
        if (this.conn && this.state === 'open' && this.conn.framer.stats.bytes !== this.bytesPublished) this.emitStatus()
      }
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
    this.bytesPublished = payload.stats.bytes
    if (this.recording?.active) this.emitRecording()
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

  private bytesPublished = 0
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
      recording: this.recording?.snapshot() ?? null
    }
  }

  private emitStatus(path?: string, baud?: number): void {
    const status = this.statusNow(path, baud)
    this.bus.emit('device.status', status)
    this.bytesPublished = status.stats.bytes
  }

  private emitRecording(): void {
    this.recording?.emit()
  }
}
