/**
 * The project's generated firmware on the emulated Cortex-M4F: built with arm-none-eabi-gcc (C
 * runtime, or TFLM against the SDK's reference or CMSIS-NN library) and run in QEMU behind a
 * pseudo-terminal. The emulated board has no files, so the dataset windows are compiled into its
 * image. The Profile step and the Connect step's "Run my firmware" both start it here.
 */
import { resolve } from 'node:path'
import { MicroforgeError } from '../../../shared/errors'
import type { TflmKernels } from '../tflm-sdk'
import { readSensorWindows } from './dataset-windows'
import { startQemuBoard, type RunningVirtualBoard } from './pty-board'
import { buildQemuFirmware, type QemuFirmwareBuild } from './qemu-build'

/** Dataset windows compiled into the emulated board's image at most. */
export const QEMU_WINDOWS = 100

export interface ProjectQemuBoardOptions {
  /** The project's dataset windows (default when it has any) or synthetic gestures. */
  windows?: 'dataset' | 'synthetic'
  targetMHz?: number
  kernels?: TflmKernels
  tflmSdkDir?: string | null
  link?: string
}

export interface ProjectQemuBoard extends RunningVirtualBoard {
  build: QemuFirmwareBuild
  windowIds?: string[]
}

export async function startProjectQemuBoard(projectDir: string | null, firmwareDir: string, opts: ProjectQemuBoardOptions = {}): Promise<ProjectQemuBoard> {
  if (projectDir === null && opts.windows === 'dataset') throw new MicroforgeError('INVALID_ARGUMENT', 'Dataset windows need a project.', 'Give the project whose windows the board should read.')
  const windows = opts.windows === 'synthetic' || projectDir === null ? null : await readSensorWindows(projectDir, QEMU_WINDOWS)
  if (!windows && opts.windows === 'dataset') {
    throw new MicroforgeError('NOT_FOUND', `${resolve(projectDir!)} has no dataset windows to feed the board.`, 'Record or import windows first, or choose synthetic gestures.')
  }
  const build = await buildQemuFirmware(firmwareDir, opts.targetMHz ?? 64, { tflmSdkDir: opts.tflmSdkDir ?? null, windows: windows?.windows ?? null, ...(opts.kernels ? { kernels: opts.kernels } : {}) })
  const board = await startQemuBoard(build, opts.link)
  return { ...board, build, ...(windows ? { windowIds: windows.ids } : {}) }
}
