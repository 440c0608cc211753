import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { buildHostFirmware, startVirtualBoard, writeDatasetWindows, type FirmwareMode } from '../../main/services/virtual-firmware-board'
import type { CliContext, CliOption } from '../command'

/**
 * `microforge sim-board --firmware DIR`: the virtual board running the real generated firmware
 * (Deploy's C runtime; its mode, profile, classify or capture, is the one it was generated for)
 * compiled for this computer, on a pseudo-terminal.
 * sim-board.ts hands over to this when --firmware is given; the synthetic stream stays there.
 */
export const firmwareOptions: Record<string, CliOption> = {
  firmware: { type: 'string', description: 'Run this generated C-runtime firmware folder (Deploy) on this computer instead of the synthetic stream' },
  project: { type: 'string', description: "With --firmware: feed the project's dataset windows (default: synthetic gestures)" },
  pace: { type: 'string', description: 'With --firmware: windows per second (default 20; 0 = as fast as it runs)' },
  count: { type: 'string', description: 'With --firmware: stop after this many windows (default: until Ctrl+C)' }
}

export interface FirmwareBoardResult {
  firmware: string
  link: string
  mode: FirmwareMode
  host: string
  windows: 'dataset' | 'synthetic'
  windowIds?: string[]
  seconds: number
  endedBy: 'interrupt' | 'firmware-exit'
}

export async function runFirmwareBoard(ctx: CliContext, opts: Record<string, string | boolean | string[] | undefined>): Promise<FirmwareBoardResult> {
  const firmware = resolve(String(opts.firmware))
  const pace = opts.pace === undefined ? 20 : Number(opts.pace)
  if (!(pace >= 0 && pace <= 100_000)) throw new MicroforgeError('INVALID_ARGUMENT', `--pace ${String(opts.pace)} is not a number of windows per second.`, 'Try --pace 20.')
  const count = opts.count === undefined ? 0 : Number(opts.count)
  if (!(Number.isInteger(count) && count >= 0)) throw new MicroforgeError('INVALID_ARGUMENT', `--count ${String(opts.count)} is not a whole number.`, 'Try --count 100.')
  const link = typeof opts.link === 'string' && opts.link.trim() ? resolve(opts.link) : join(tmpdir(), 'microforge-firmware-board')

  ctx.progress(`Compiling ${firmware} for this computer…`)
  const build = await buildHostFirmware(firmware)
  const mode: FirmwareMode = build.mode
  const work = await mkdtemp(join(tmpdir(), 'microforge-vb-'))
  try {
    const windows = typeof opts.project === 'string' ? await writeDatasetWindows(resolve(opts.project), join(work, 'windows.txt')) : null
    if (typeof opts.project === 'string' && !windows) {
      throw new MicroforgeError('NOT_FOUND', `${resolve(opts.project)} has no dataset windows to feed the board.`, 'Record or import windows first, or leave out --project for synthetic gestures.')
    }
    // A person connects after the board starts: give them a moment before the first lines.
    const board = await startVirtualBoard({ binary: build.binary, link, rate: pace, count, startDelayMs: 1000, ...(windows ? { windowsFile: windows.file } : {}) })
    const started = Date.now()
    ctx.progress(
      `Virtual board on ${link}: ${mode} firmware from ${firmware}, ${windows ? `${windows.ids.length} dataset windows` : 'synthetic gestures'}, ${build.description} (host timings). Connect Microforge to that port at any baud rate. Ctrl+C stops.`
    )
    const endedBy = await Promise.race([ctx.interrupted.then(() => 'interrupt' as const), board.exited.then(() => 'firmware-exit' as const)])
    await board.stop()
    return {
      firmware,
      link,
      mode,
      host: `${build.description} (host timings)`,
      windows: windows ? 'dataset' : 'synthetic',
      ...(windows ? { windowIds: windows.ids } : {}),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      endedBy
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

export function formatFirmwareBoard(result: unknown): string {
  const r = result as FirmwareBoardResult
  return `Virtual board (${r.mode} firmware, ${r.host}) stopped after ${r.seconds} s (${r.endedBy === 'interrupt' ? 'Ctrl+C' : 'the firmware finished'}).`
}

export function isFirmwareBoardResult(result: unknown): result is FirmwareBoardResult {
  return typeof result === 'object' && result !== null && 'firmware' in result && 'host' in result
}
