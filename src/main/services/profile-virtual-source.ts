import { basename, resolve } from 'node:path'
import type { ProfileSource } from '../../shared/contract/profile'
import { openSerialLines } from './profile-serial-source'
import type { LineSink, LineSourceHandle } from './profile-service'
import { newestFirmware } from '../sim/firmware/firmware-folder'
import { startProjectFirmwareBoard } from '../sim/firmware/project-board'
import { startQemuBoard } from '../sim/firmware/pty-board'
import { buildQemuFirmware } from '../sim/firmware/qemu-build'

/** Deploy names firmware folders <variant>_<board>_<mode>; the variant is the part before the board. */
export function variantOfFirmware(dir: string): string | null {
  const m = /^(.+)_(nano33ble|esp32|pico|stm32f4)_(capture|classify|profile)$/.exec(basename(dir))
  return m ? m[1] : null
}

/** Windows per second the virtual board runs at while profiling: enough data, little CPU. */
const PROFILE_RATE = 20

/**
 * A profiling source that builds the project's generated firmware for this computer, starts it as
 * a virtual board on a pseudo-terminal and reads that terminal like any serial port, so the whole
 * path (firmware output, pty, serial reader, parser) is the one a real board takes.
 */
export async function openVirtualLines(projectDir: string, source: Extract<ProfileSource, { kind: 'virtual' }>, sink: LineSink, targetMHz?: number): Promise<LineSourceHandle> {
  if (source.engine === 'qemu') return openQemuLines(projectDir, source, sink, targetMHz)
  const board = await startProjectFirmwareBoard(projectDir, {
    ...(source.firmwareDir ? { firmwareDir: source.firmwareDir } : {}),
    prefer: 'profile',
    windows: source.windows ?? 'dataset',
    rate: PROFILE_RATE,
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
  return {
    link: board.link,
    hostDescription: board.build.description,
    ...(board.windowIds ? { windowIds: board.windowIds } : {}),
    ...(variant ? { variant } : {}),
    firmwareDir: board.firmwareDir,
    async close() {
      await serial.close()
      await board.stop()
    }
  }
}

/** The emulated Cortex-M4: the same firmware in QEMU, timed by instruction count. */
async function openQemuLines(projectDir: string, source: Extract<ProfileSource, { kind: 'virtual' }>, sink: LineSink, targetMHz = 64): Promise<LineSourceHandle> {
  const firmwareDir = source.firmwareDir ? resolve(source.firmwareDir) : await newestFirmware(projectDir, 'c', 'profile')
  const build = await buildQemuFirmware(firmwareDir, targetMHz)
  const board = await startQemuBoard(build)
  let serial: LineSourceHandle
  try {
    serial = await openSerialLines(board.link, 115200, sink)
  } catch (err) {
    await board.stop()
    throw err
  }
  const variant = variantOfFirmware(firmwareDir)
  return {
    link: board.link,
    hostDescription: `${build.description}; flash ${build.flashBytes} B, RAM ${build.ramBytes} B`,
    ...(variant ? { variant } : {}),
    firmwareDir,
    async close() {
      await serial.close()
      await board.stop()
    }
  }
}
