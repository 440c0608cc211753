import { basename } from 'node:path'
import type { ProfileSource } from '../../shared/contract/profile'
import { parseFirmwareName } from '../../shared/firmware-names'
import { chooseFirmware, profileRuntime } from '../sim/firmware/choose-firmware'
import { startProjectFirmwareBoard } from '../sim/firmware/project-board'
import { startProjectQemuBoard } from '../sim/firmware/project-qemu-board'
import type { RunningVirtualBoard } from '../sim/firmware/pty-board'
import { openSerialLines } from './profile-serial-source'
import type { LineSink, LineSourceHandle } from './profile-sources'

/** The variant a firmware folder runs, from Deploy's default name (firmware-names.ts); null for a name of the user's own. */
export function variantOfFirmware(dir: string): string | null {
  const parts = parseFirmwareName(basename(dir))
  return parts && parts.mode !== 'capture' ? parts.variant : null
}

/** Windows per second the virtual board runs at while profiling: enough data, little CPU. */
const PROFILE_RATE = 20

type VirtualSource = Extract<ProfileSource, { kind: 'virtual' }>

export interface VirtualSourceSettings {
  /** The TFLM SDK setting (MICROFORGE_TFLM when null). */
  tflmSdkDir?: string | null
}

/**
 * A profiling source that builds the project's generated firmware (C runtime or TensorFlow Lite
 * Micro) for this computer, starts it as a virtual board on a pseudo-terminal and reads that
 * terminal like any serial port, so the whole path (firmware output, pty, serial reader, parser)
 * is the one a real board takes.
 */
export async function openVirtualLines(projectDir: string, source: VirtualSource, sink: LineSink, targetMHz?: number, settings: VirtualSourceSettings = {}): Promise<LineSourceHandle> {
  const chosen = await chooseFirmware(projectDir, source)
  if (source.engine === 'qemu') return openQemuLines(projectDir, chosen.dir, source, sink, targetMHz, settings)
  const board = await startProjectFirmwareBoard(projectDir, {
    firmwareDir: chosen.dir,
    prefer: 'profile',
    windows: source.windows ?? 'dataset',
    rate: PROFILE_RATE,
    tflmSdkDir: settings.tflmSdkDir ?? null,
    // Opening a port flushes what is queued: the board waits a moment, as boards do for `while (!Serial)`.
    startDelayMs: 400
  })
  return boardLines(board, board.firmwareDir, board.build.description, profileRuntime(board.build.runtime, 'reference'), sink)
}

/** The profiling source on a started board's serial link; the board stops with it, or at once when the link does not open. */
async function boardLines(board: Pick<RunningVirtualBoard, 'link' | 'failure' | 'stop'> & { windowIds?: string[] }, firmwareDir: string, hostDescription: string, runtime: ReturnType<typeof profileRuntime>, sink: LineSink): Promise<LineSourceHandle> {
  // The port closing is how the app sees the board go; when the firmware failed, say so with its reason.
  const ending: LineSink = {
    line: (text) => sink.line(text),
    end: (err) => {
      void board.failure().then((why) =>
        sink.end(why ? { code: 'DEVICE_ERROR', message: `The virtual board stopped: its firmware ${why}.`, hint: 'Generate the firmware again in Deploy and start profiling again; the inferences so far are saved.' } : err)
      )
    }
  }
  let serial: LineSourceHandle
  try {
    serial = await openSerialLines(board.link, 115200, ending)
  } catch (err) {
    await board.stop()
    throw err
  }
  const variant = variantOfFirmware(firmwareDir)
  return {
    link: board.link,
    hostDescription,
    ...(board.windowIds ? { windowIds: board.windowIds } : {}),
    ...(variant ? { variant } : {}),
    firmwareDir,
    ...(runtime ? { runtime } : {}),
    async close() {
      await serial.close()
      await board.stop()
    }
  }
}

/** The emulated Cortex-M4: the same firmware in QEMU, timed by instruction count. */
async function openQemuLines(projectDir: string, firmwareDir: string, source: VirtualSource, sink: LineSink, targetMHz = 64, settings: VirtualSourceSettings): Promise<LineSourceHandle> {
  const board = await startProjectQemuBoard(projectDir, firmwareDir, {
    targetMHz,
    tflmSdkDir: settings.tflmSdkDir ?? null,
    ...(source.windows ? { windows: source.windows } : {}),
    ...(source.kernels ? { kernels: source.kernels } : {})
  })
  const { build } = board
  const description = `${build.description}; flash ${build.flashBytes} B${board.windowIds ? ` (with ${board.windowIds.length} dataset windows)` : ''}, RAM ${build.ramBytes} B`
  return boardLines(board, firmwareDir, description, profileRuntime(build.runtime, build.kernels), sink)
}
