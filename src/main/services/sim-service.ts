import type tty from 'node:tty'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FirmwareBoardOptions, SimApi, VirtualBoardInfo, VirtualBoardOptions } from '../../shared/contract/sim'
import { openBoardEnd, paceInto, type BoardWriter } from '../sim/board-writer'
import { startPtyPair, type PtyPair } from '../sim/pty-pair'
import { VirtualBoard } from '../sim/virtual-board'
import { chooseFirmware, profileRuntime } from '../sim/firmware/choose-firmware'
import { startProjectFirmwareBoard } from '../sim/firmware/project-board'
import { startProjectQemuBoard } from '../sim/firmware/project-qemu-board'
import type { RunningVirtualBoard } from '../sim/firmware/pty-board'

interface Running {
  info: Omit<VirtualBoardInfo, 'linesWritten' | 'linesDropped'>
  board: VirtualBoard
  pair: PtyPair
  stream: tty.WriteStream
  writer: BoardWriter
}

/** What status() tells of a board running generated firmware, built for this computer or run in QEMU. */
export function firmwareBoardInfo(
  b: { link: string; firmwareDir: string; build: { mode: NonNullable<VirtualBoardInfo['firmwareMode']>; description: string }; runtime: VirtualBoardInfo['runtime']; windowIds?: string[] },
  engine: 'host' | 'qemu',
  rateHz: number
): VirtualBoardInfo {
  return {
    path: b.link,
    rateHz,
    classes: [],
    format: 'firmware',
    firmwareDir: b.firmwareDir,
    firmwareMode: b.build.mode,
    ...(b.runtime ? { runtime: b.runtime } : {}),
    engine,
    host: `${b.build.description} (${engine === 'qemu' ? 'QEMU instruction counts' : 'host timings'})`,
    windows: b.windowIds ? 'dataset' : 'synthetic',
    ...(b.windowIds ? { windowIds: b.windowIds } : {}),
    linesWritten: 0,
    linesDropped: 0
  }
}

/** The firmware board's output rate (windows per second it classifies or profiles). */
const FIRMWARE_RATE = 20

/**
 * The "Virtual board" button: the same synthetic board as `microforge sim-board`, on a socat pty
 * the app then opens like any serial port. One at a time; stopping it is unplugging it.
 */
export class SimService implements SimApi {
  private running: Running | null = null
  private firmware: { info: VirtualBoardInfo; board: RunningVirtualBoard } | null = null
  private counter = 0

  constructor(
    private readonly dir: string = tmpdir(),
    /** The TFLM SDK setting, for TFLM firmware (MICROFORGE_TFLM when it gives null). */
    private readonly tflmSdkDir: () => Promise<string | null> = async () => null
  ) {}

  async start(options: VirtualBoardOptions = {}): Promise<VirtualBoardInfo> {
    await this.stop()
    const rateHz = options.rateHz ?? 50
    const classes = options.classes?.length ? options.classes : ['wave', 'punch', 'flex']
    const format = options.format ?? 'csv'
    const link = join(this.dir, `microforge-virtual-board-${process.pid}-${++this.counter}`)
    const pair = await startPtyPair(link)
    const stream = openBoardEnd(pair.boardLink)
    stream.on('error', () => undefined)
    // Only the options given: the board's defaults fill the rest (an explicit undefined would not).
    const board = new VirtualBoard({
      rateHz,
      classes,
      format,
      ...(options.samplesPerGesture !== undefined ? { samplesPerGesture: options.samplesPerGesture } : {}),
      ...(options.timestamp !== undefined ? { timestamp: options.timestamp } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {})
    })
    const writer = paceInto(stream, board, rateHz)
    const running: Running = { info: { path: link, rateHz, classes, format }, board, pair, stream, writer }
    this.running = running
    void pair.exited.then(() => {
      writer.stop()
      if (this.running === running) this.running = null
    })
    return this.infoOf(running)
  }

  async startFirmware(projectDir: string | null, options: FirmwareBoardOptions = {}): Promise<VirtualBoardInfo> {
    await this.stop()
    const link = join(this.dir, `microforge-firmware-board-${process.pid}-${++this.counter}`)
    const chosen = await chooseFirmware(projectDir, options)
    const tflmSdkDir = await this.tflmSdkDir()
    let board: RunningVirtualBoard
    let info: VirtualBoardInfo
    if (options.engine === 'qemu') {
      const q = await startProjectQemuBoard(projectDir, chosen.dir, { link, tflmSdkDir, ...(options.windows ? { windows: options.windows } : {}), ...(options.kernels ? { kernels: options.kernels } : {}) })
      board = q
      // The emulated board classifies as fast as its instructions allow.
      info = firmwareBoardInfo({ ...q, firmwareDir: chosen.dir, runtime: profileRuntime(q.build.runtime, q.build.kernels) }, 'qemu', 0)
    } else {
      const rateHz = options.rateHz ?? FIRMWARE_RATE
      const h = await startProjectFirmwareBoard(projectDir, {
        link,
        rate: rateHz,
        prefer: 'profile',
        tflmSdkDir,
        firmwareDir: chosen.dir,
        ...(options.windows ? { windows: options.windows } : {}),
        ...(options.count ? { count: options.count } : {}),
        ...(options.startDelayMs ? { startDelayMs: options.startDelayMs } : {})
      })
      board = h
      info = firmwareBoardInfo({ ...h, runtime: profileRuntime(h.build.runtime, 'reference') }, 'host', rateHz)
    }
    const entry = { info, board }
    this.firmware = entry
    void board.exited.then(() => {
      if (this.firmware === entry) this.firmware = null
    })
    return info
  }

  async stop(): Promise<void> {
    const f = this.firmware
    this.firmware = null
    if (f) await f.board.stop()
    const r = this.running
    if (!r) return
    this.running = null
    r.writer.stop()
    r.stream.destroy()
    await r.pair.close()
  }

  /**
   * While a recording runs on the virtual board's port, the board performs the gesture of the
   * label being recorded (a synthetic board cannot know it otherwise); null: every class in turn.
   */
  follow(port: string | null, label: string | null): void {
    const r = this.running
    if (!r) return
    r.board.follow(port === r.info.path ? label : null)
  }

  async status(): Promise<VirtualBoardInfo | null> {
    if (this.firmware) return { ...this.firmware.info }
    return this.running ? this.infoOf(this.running) : null
  }

  async dispose(): Promise<void> {
    await this.stop()
  }

  private infoOf(r: Running): VirtualBoardInfo {
    return { ...r.info, linesWritten: r.writer.written, linesDropped: r.writer.dropped }
  }
}
