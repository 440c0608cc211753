import { resolve } from 'node:path'
import type { VirtualBoardOptions } from '../../shared/contract/sim'
import { MicroforgeError } from '../../shared/errors'
import { defineCommand } from '../command'
import { flag, text, wholeNumber } from '../options'
import { linkPort, untilBoardEnds } from './board-link'
import { firmwareOptions, formatFirmwareBoard, isFirmwareBoardResult, runFirmwareBoard } from './sim-board-firmware'

interface SimResult {
  link: string
  rateHz: number
  classes: string[]
  format: NonNullable<VirtualBoardOptions['format']>
  linesWritten: number
  linesDropped: number
  seconds: number
  endedBy: 'interrupt' | 'socat-exit'
}

export const command = defineCommand('sim-board', ['--link PATH [--rate 50] [--classes wave,punch,flex] [--format csv|imu-capture] [--samples 30] [--timestamp] [--seed N]', '--firmware DIR [--qemu [--kernels reference|cmsis-nn]] [--link PATH] [--project DIR] [--pace 20] [--count N]'], 'A virtual accelerometer board on a pseudo-terminal (needs socat), for trying Microforge without hardware.', {
  options: {
    link: text('Path of the serial port to create, e.g. /tmp/microforge-board'),
    rate: text('Samples per second (default 50)', '50'),
    classes: text('Gestures to perform in turn', 'wave,punch,flex'),
    format: text('csv (continuous stream) or imu-capture (motion-triggered blocks)', 'csv'),
    samples: text('imu-capture: samples per gesture', '30'),
    timestamp: flag('Print a millis() column first'),
    seed: text('Random seed', '1'),
    ...firmwareOptions
  },
  positionals: [0, 0],
  async run(ctx, _pos, opts) {
    if (typeof opts.firmware === 'string') return runFirmwareBoard(ctx, opts)
    if (typeof opts.link !== 'string' || opts.link.trim() === '') {
      throw new MicroforgeError('INVALID_ARGUMENT', 'Say where to create the port: --link PATH.', 'For example: microforge sim-board --link /tmp/microforge-board')
    }
    const rateHz = Number(opts.rate)
    if (!(rateHz > 0 && rateHz <= 10_000)) throw new MicroforgeError('INVALID_ARGUMENT', `--rate ${String(opts.rate)} is not a rate between 1 and 10000 Hz.`, 'Try --rate 50.')
    const format = String(opts.format)
    if (format !== 'csv' && format !== 'imu-capture') throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --format ${format}.`, 'Use csv or imu-capture.')
    const classes = String(opts.classes)
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '')
    if (classes.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'No classes given.', 'Try --classes wave,punch,flex.')
    const samples = wholeNumber('samples', opts.samples, { min: 1, example: 30 }) ?? 30

    const link = resolve(opts.link)
    const info = await ctx.api.sim.start({ rateHz, classes, format, samplesPerGesture: samples, timestamp: opts.timestamp === true, seed: Number(opts.seed) || 1 })
    const unlink = await linkPort(info.path, link)
    try {
      const started = Date.now()
      ctx.progress(`Virtual board on ${link} (${format}, ${rateHz} Hz, ${classes.join(', ')}). Connect Microforge to that port at any baud rate. Ctrl+C stops.`)
      const ended = await untilBoardEnds(ctx, info.path)
      const last = (await ctx.api.sim.status()) ?? info
      await ctx.api.sim.stop()
      const result: SimResult = {
        link,
        rateHz,
        classes,
        format,
        linesWritten: last.linesWritten,
        linesDropped: last.linesDropped,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        endedBy: ended === 'interrupt' ? 'interrupt' : 'socat-exit'
      }
      return result
    } finally {
      await unlink()
    }
  },
  format(result) {
    if (isFirmwareBoardResult(result)) return formatFirmwareBoard(result)
    const r = result as SimResult
    return `Stopped after ${r.seconds} s: ${r.linesWritten} lines written${r.linesDropped ? `, ${r.linesDropped} dropped while nobody was reading` : ''}.`
  }
})
