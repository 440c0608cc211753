/**
 * One call for any step that wants the virtual board running a project's generated firmware on
 * this computer (the Profile step, and the Connect step's "Virtual board"): pick, build, feed and
 * start it.
 */
import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../../shared/errors'
import { writeDatasetWindows } from './dataset-windows'
import { newestFirmware, type FirmwareMode, type FirmwareRuntime } from './firmware-folder'
import { buildHostFirmware, type FirmwareBuildOptions, type HostFirmwareBuild } from './host-build'
import { startVirtualBoard, type RunningVirtualBoard } from './pty-board'

export interface ProjectFirmwareBoardOptions extends FirmwareBuildOptions {
  /** Default: the project's newest firmware for `runtime`, preferring `prefer` mode. */
  firmwareDir?: string
  /** The runtime of the default firmware (default: the C runtime). */
  runtime?: FirmwareRuntime
  prefer?: FirmwareMode
  /** Feed the project's dataset windows (default) or the synthetic gestures. */
  windows?: 'dataset' | 'synthetic'
  link?: string
  rate?: number
  count?: number
  startDelayMs?: number
}

export interface ProjectFirmwareBoard extends RunningVirtualBoard {
  firmwareDir: string
  build: HostFirmwareBuild
  /** The dataset windows it reads, in order; `window:N` in its output is windowIds[N]. */
  windowIds?: string[]
}

export async function startProjectFirmwareBoard(projectDir: string | null, opts: ProjectFirmwareBoardOptions = {}): Promise<ProjectFirmwareBoard> {
  if (projectDir === null && !opts.firmwareDir) throw new MicroforgeError('INVALID_ARGUMENT', 'Say which firmware to run: a project, or a firmware folder.', 'Generate firmware in the Deploy step first.')
  if (projectDir === null && opts.windows === 'dataset') throw new MicroforgeError('INVALID_ARGUMENT', 'Dataset windows need a project.', 'Give the project whose windows the board should read.')
  const firmwareDir = opts.firmwareDir ? resolve(opts.firmwareDir) : await newestFirmware(projectDir!, opts.runtime ?? 'c', opts.prefer)
  const build = await buildHostFirmware(firmwareDir, { tflmSdkDir: opts.tflmSdkDir ?? null })
  const work = await fs.mkdtemp(join(tmpdir(), 'microforge-vb-'))
  try {
    const windows = opts.windows === 'synthetic' || projectDir === null ? null : await writeDatasetWindows(projectDir, join(work, 'windows.txt'))
    if (!windows && opts.windows === 'dataset') {
      throw new MicroforgeError('NOT_FOUND', `${resolve(projectDir!)} has no dataset windows to feed the board.`, 'Record or import windows first, or choose synthetic gestures.')
    }
    const board = await startVirtualBoard({
      binary: build.binary,
      ...(opts.rate === undefined ? {} : { rate: opts.rate }),
      ...(opts.count ? { count: opts.count } : {}),
      ...(opts.link ? { link: opts.link } : {}),
      ...(opts.startDelayMs ? { startDelayMs: opts.startDelayMs } : {}),
      ...(windows ? { windowsFile: windows.file } : {})
    })
    return {
      ...board,
      firmwareDir,
      build,
      ...(windows ? { windowIds: windows.ids } : {}),
      async stop() {
        await board.stop()
        await fs.rm(work, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await fs.rm(work, { recursive: true, force: true })
    throw err
  }
}
