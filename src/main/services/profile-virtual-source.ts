import { basename, resolve } from 'node:path'
import type { ProfileRuntime, ProfileSource } from '../../shared/contract/profile'
import { MicroforgeError } from '../../shared/errors'
import { parseFirmwareName } from '../../shared/firmware-names'
import { firmwareSources, newestFirmware, RUNTIME_TITLES, type FirmwareRuntime } from '../sim/firmware/firmware-folder'
import { readSensorWindows } from '../sim/firmware/dataset-windows'
import { startProjectFirmwareBoard } from '../sim/firmware/project-board'
import { startQemuBoard } from '../sim/firmware/pty-board'
import { buildQemuFirmware } from '../sim/firmware/qemu-build'
import { openSerialLines } from './profile-serial-source'
import type { LineSink, LineSourceHandle } from './profile-sources'

/** The variant a firmware folder runs, from Deploy's default name (firmware-names.ts); null for a name of the user's own. */
export function variantOfFirmware(dir: string): string | null {
  const parts = parseFirmwareName(basename(dir))
  return parts && parts.mode !== 'capture' ? parts.variant : null
}

/** Dataset windows compiled into the emulated board's image at most. */
const QEMU_WINDOWS = 100

/** Windows per second the virtual board runs at while profiling: enough data, little CPU. */
const PROFILE_RATE = 20

type VirtualSource = Extract<ProfileSource, { kind: 'virtual' }>

export interface VirtualSourceSettings {
  /** The TFLM SDK setting (MICROFORGE_TFLM when null). */
  tflmSdkDir?: string | null
}

/**
 * The firmware folder a virtual run uses: the one given (its own runtime decides, and must agree
 * with a runtime asked for), else the project's newest profile firmware of the chosen runtime.
 */
async function chooseFirmware(projectDir: string, source: VirtualSource): Promise<{ dir: string; runtime: FirmwareRuntime | null }> {
  if (source.engine !== 'qemu' && source.kernels === 'cmsis-nn') {
    throw new MicroforgeError('INVALID_ARGUMENT', 'CMSIS-NN kernels run only on the emulated Cortex-M4: this computer has TFLM reference kernels.', 'Choose "Emulated Cortex-M4F in QEMU", or TFLM reference kernels.')
  }
  if (!source.firmwareDir) {
    const runtime = source.runtime ?? 'c'
    return { dir: await newestFirmware(projectDir, runtime, 'profile'), runtime }
  }
  const dir = resolve(source.firmwareDir)
  const { runtime } = await firmwareSources(dir)
  if (source.runtime && runtime && runtime !== source.runtime) {
    throw new MicroforgeError(
      'INVALID_ARGUMENT',
      `${basename(dir)} runs ${RUNTIME_TITLES[runtime]}, not ${RUNTIME_TITLES[source.runtime]}.`,
      `Choose ${RUNTIME_TITLES[runtime]} as the runtime, or leave the firmware folder empty to use the newest ${RUNTIME_TITLES[source.runtime]} firmware.`
    )
  }
  return { dir, runtime }
}

function profileRuntime(runtime: FirmwareRuntime | null, kernels: VirtualSource['kernels'] | undefined): ProfileRuntime | undefined {
  if (runtime === null) return undefined
  return runtime === 'c' ? 'c' : kernels === 'cmsis-nn' ? 'tflm-cmsis-nn' : 'tflm-reference'
}

/**
 * A profiling source that builds the project's generated firmware (C runtime or TensorFlow Lite
 * Micro) for this computer, starts it as a virtual board on a pseudo-terminal and reads that
 * terminal like any serial port, so the whole path (firmware output, pty, serial reader, parser)
 * is the one a real board takes.
 */
export async function openVirtualLines(projectDir: string, source: VirtualSource, sink: LineSink, targetMHz?: number, settings: VirtualSourceSettings = {}): Promise<LineSourceHandle> {
  const chosen = await chooseFirmware(projectDir, source)
  if (source.engine === 'qemu') return openQemuLines(projectDir, chosen, source, sink, targetMHz, settings)
  const board = await startProjectFirmwareBoard(projectDir, {
    firmwareDir: chosen.dir,
    prefer: 'profile',
    windows: source.windows ?? 'dataset',
    rate: PROFILE_RATE,
    tflmSdkDir: settings.tflmSdkDir ?? null,
    // Opening a port flushes what is queued: the board waits a moment, as boards do for `while (!Serial)`.
    startDelayMs: 400
  })
  let serial: LineSourceHandle
  try {
    serial = await openSerialLines(board.link, 115200, sink)
  } catch (err) {
    await board.stop()
    throw err
  }
  const variant = variantOfFirmware(board.firmwareDir)
  const runtime = profileRuntime(board.build.runtime, 'reference')
  return {
    link: board.link,
    hostDescription: board.build.description,
    ...(board.windowIds ? { windowIds: board.windowIds } : {}),
    ...(variant ? { variant } : {}),
    firmwareDir: board.firmwareDir,
    ...(runtime ? { runtime } : {}),
    async close() {
      await serial.close()
      await board.stop()
    }
  }
}

/** The emulated Cortex-M4: the same firmware in QEMU, timed by instruction count. */
async function openQemuLines(projectDir: string, chosen: { dir: string }, source: VirtualSource, sink: LineSink, targetMHz = 64, settings: VirtualSourceSettings): Promise<LineSourceHandle> {
  // The emulated board has no files: the dataset windows are compiled into its image.
  const windows = source.windows === 'synthetic' ? null : await readSensorWindows(projectDir, QEMU_WINDOWS)
  if (!windows && source.windows === 'dataset') {
    throw new MicroforgeError('NOT_FOUND', `${resolve(projectDir)} has no dataset windows to feed the board.`, 'Record or import windows first, or choose synthetic gestures.')
  }
  const build = await buildQemuFirmware(chosen.dir, targetMHz, { tflmSdkDir: settings.tflmSdkDir ?? null, windows: windows?.windows ?? null, ...(source.kernels ? { kernels: source.kernels } : {}) })
  const board = await startQemuBoard(build)
  let serial: LineSourceHandle
  try {
    serial = await openSerialLines(board.link, 115200, sink)
  } catch (err) {
    await board.stop()
    throw err
  }
  const variant = variantOfFirmware(chosen.dir)
  const runtime = profileRuntime(build.runtime, build.kernels)
  return {
    link: board.link,
    hostDescription: `${build.description}; flash ${build.flashBytes} B${windows ? ` (with ${windows.ids.length} dataset windows)` : ''}, RAM ${build.ramBytes} B`,
    ...(windows ? { windowIds: windows.ids } : {}),
    ...(variant ? { variant } : {}),
    firmwareDir: chosen.dir,
    ...(runtime ? { runtime } : {}),
    async close() {
      await serial.close()
      await board.stop()
    }
  }
}
