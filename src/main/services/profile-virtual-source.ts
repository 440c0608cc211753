import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { ProfileSource } from '../../shared/contract/profile'
import { openSerialLines } from './profile-serial-source'
import type { LineSink, LineSourceHandle } from './profile-service'
import { buildHostFirmware, newestCRuntimeFirmware, startVirtualBoard, writeDatasetWindows } from './virtual-firmware-board'

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
export async function openVirtualLines(projectDir: string, source: Extract<ProfileSource, { kind: 'virtual' }>, sink: LineSink): Promise<LineSourceHandle> {
  const firmwareDir = source.firmwareDir ?? (await newestCRuntimeFirmware(projectDir))
  const build = await buildHostFirmware(firmwareDir)
  const work = await mkdtemp(join(tmpdir(), 'microforge-vb-'))
  const windows = source.windows === 'synthetic' ? null : await writeDatasetWindows(projectDir, join(work, 'windows.txt'))
  const board = await startVirtualBoard({ binary: build.binary, rate: PROFILE_RATE, startDelayMs: 400, ...(windows ? { windowsFile: windows.file } : {}) })
  let serial: LineSourceHandle
  try {
    serial = await openSerialLines(board.link, 115200, sink)
  } catch (err) {
    await board.stop()
    throw err
  }
  return {
    link: board.link,
    hostDescription: build.description,
    ...(windows ? { windowIds: windows.ids } : {}),
    ...(variantOfFirmware(firmwareDir) ? { variant: variantOfFirmware(firmwareDir)! } : {}),
    async close() {
      await serial.close()
      await board.stop()
      await rm(work, { recursive: true, force: true })
    }
  }
}
