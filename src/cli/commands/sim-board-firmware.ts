import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { VirtualBoardInfo } from '../../shared/contract/sim'
import { MicroforgeError } from '../../shared/errors'
import type { CliContext, CliOption } from '../command'
import { flag, kernelSet, text, wholeNumber } from '../options'
import { linkPort, untilBoardEnds } from './board-link'

/**
 * `microforge sim-board --firmware DIR`: the virtual board running the real generated firmware
 * (C runtime or TFLM, profile, classify or capture, as Deploy generated it) compiled for this
 * computer or the emulated Cortex-M4F (--qemu), on a pseudo-terminal, through the same
 * sim.startFirmware as the app.
 * sim-board.ts hands over to this when --firmware is given; the synthetic stream stays there.
 */
export const firmwareOptions: Record<string, CliOption> = {
  firmware: text('Run this generated firmware folder (Deploy; C runtime, or TFLM with the TFLM SDK) instead of the synthetic stream'),
  qemu: flag('With --firmware: build it for a Cortex-M4F and run it in QEMU (default: this computer)'),
  kernels: text('With --firmware --qemu and TFLM firmware: reference (default) or cmsis-nn'),
  project: text("With --firmware: feed the project's dataset windows (default: synthetic gestures)"),
  pace: text('With --firmware: windows per second (default 20; 0 = as fast as it runs)'),
  count: text('With --firmware: stop after this many windows (default: until Ctrl+C)')
}

export interface FirmwareBoardResult {
  firmware: string
  link: string
  mode: NonNullable<VirtualBoardInfo['firmwareMode']>
  runtime?: VirtualBoardInfo['runtime']
  engine: 'host' | 'qemu'
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
  const count = wholeNumber('count', opts.count, { min: 0, example: 100 }) ?? 0
  const link = typeof opts.link === 'string' && opts.link.trim() ? resolve(opts.link) : join(tmpdir(), 'microforge-firmware-board')
  const project = typeof opts.project === 'string' ? resolve(opts.project) : null
  const engine = opts.qemu === true ? 'qemu' : 'host'
  const kernels = kernelSet(opts.kernels, ' (with --qemu)')

  ctx.progress(engine === 'qemu' ? `Building ${firmware} for the emulated Cortex-M4F…` : `Compiling ${firmware} for this computer…`)
  // The board starts when the app opens the port; give the app's open a moment before the first lines.
  const info = await ctx.api.sim.startFirmware(project, { firmwareDir: firmware, engine, ...(kernels ? { kernels } : {}), windows: project ? 'dataset' : 'synthetic', rateHz: pace, count, startDelayMs: 1000 })
  const unlink = await linkPort(info.path, link)
  try {
    const started = Date.now()
    ctx.progress(
      `Virtual board on ${link}: ${info.firmwareMode} firmware from ${firmware}, ${info.windowIds ? `${info.windowIds.length} dataset windows` : 'synthetic gestures'}, ${info.host}. Connect Microforge to that port at any baud rate. Ctrl+C stops.`
    )
    const ended = await untilBoardEnds(ctx, info.path)
    await ctx.api.sim.stop()
    return {
      firmware,
      link,
      mode: info.firmwareMode ?? 'profile',
      ...(info.runtime ? { runtime: info.runtime } : {}),
      engine,
      host: info.host ?? '',
      windows: info.windows ?? 'synthetic',
      ...(info.windowIds ? { windowIds: info.windowIds } : {}),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      endedBy: ended === 'interrupt' ? 'interrupt' : 'firmware-exit'
    }
  } finally {
    await unlink()
  }
}

export function formatFirmwareBoard(result: unknown): string {
  const r = result as FirmwareBoardResult
  return `Virtual board (${r.mode} firmware, ${r.host}) stopped after ${r.seconds} s (${r.endedBy === 'interrupt' ? 'Ctrl+C' : 'the firmware finished'}).`
}

export function isFirmwareBoardResult(result: unknown): result is FirmwareBoardResult {
  return typeof result === 'object' && result !== null && 'firmware' in result && 'host' in result
}
