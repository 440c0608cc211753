import { resolve } from 'node:path'
import type { ImportFormat, ImportOptions, ImportResult } from '../../shared/contract/dataset'
import { MicroforgeError } from '../../shared/errors'
import { defineCommand } from '../command'
import { flag, rateHz, text, wholeNumber } from '../options'
import { formatNoun } from '../../shared/format'

const CROP = ['start', 'center', 'end']
const PAD = ['start', 'end']
const SAMPLES = { min: 1, example: 50, of: 'samples' }

/** `--crop` and `--pad` work alone (start/end defaults) or with a place: `--crop center`. */
function place(name: string, v: unknown, allowed: string[], fallback: string): string | undefined {
  if (v === undefined || v === false) return undefined
  const s = v === true || v === '' ? fallback : String(v)
  if (!allowed.includes(s)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --${name} ${s}.`, `Use --${name} ${allowed.join(', --' + name + ' ')}.`)
  return s
}

export const command = defineCommand('import', 'PROJECT PATH... [--label NAME] [--rate HZ] [--axes aX,aY,aZ] [--resample] [--crop start|center|end] [--pad end|start] [--pad-with zeros|repeat-last] [--window-length N] [--hop N] [--format auto|csv|imu-capture|npy] [--json]', 'Import recordings: CSV (a label column, or one recording per file in a folder per class), IMU_Capture CSV, or a data/<class>/*.npy tree. Files keep their rate and length unless you say otherwise.', {
  options: {
    format: text('auto, csv, imu-capture or npy', 'auto'),
    label: text('Class for files without a label column (default: the folder holding the file, or the file name)'),
    rate: text('Sample rate of files without a time column, Hz (a Nano 33 BLE Sense IMU: 119)'),
    axes: text('Axis columns to import, comma-separated (default: accelerometer and gyroscope axes)'),
    resample: flag("Resample files at another rate to the project's (band-limited; durations kept)"),
    crop: text('Cut one window per recording from the start, center or end (instead of windows by hop)'),
    pad: text('Pad recordings shorter than a window at the end (default) or start'),
    'pad-with': text('zeros (default) or repeat-last'),
    'window-length': text('Window length in samples, for a project without one'),
    hop: text('Samples between window starts when cutting long recordings (default: the window length)')
  },
  positionals: [2, Infinity],
  async run(ctx, [project, ...paths], opts) {
    const format = String(opts.format ?? 'auto') as ImportFormat
    if (!['auto', 'csv', 'imu-capture', 'npy'].includes(format)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --format ${format}.`, 'Use auto, csv, imu-capture or npy.')
    const windowLength = wholeNumber('window-length', opts['window-length'], SAMPLES)
    const hop = wholeNumber('hop', opts.hop, SAMPLES)
    const rate = rateHz(opts.rate)
    const padWith = opts['pad-with'] === undefined ? undefined : String(opts['pad-with'])
    if (padWith !== undefined && padWith !== 'zeros' && padWith !== 'repeat-last') throw new MicroforgeError('INVALID_ARGUMENT', `Unknown --pad-with ${padWith}.`, 'Use zeros or repeat-last.')
    const crop = place('crop', opts.crop, CROP, 'start')
    const pad = place('pad', opts.pad, PAD, 'end')
    const options: ImportOptions = {
      format,
      ...(typeof opts.label === 'string' ? { label: opts.label } : {}),
      ...(windowLength !== undefined ? { windowLength } : {}),
      ...(hop !== undefined ? { hop } : {}),
      ...(rate !== undefined ? { rateHz: rate } : {}),
      ...(typeof opts.axes === 'string' ? { axes: opts.axes.split(',').map((a) => a.trim()).filter(Boolean) } : {}),
      ...(opts.resample === true ? { resample: true } : {}),
      ...(crop ? { crop: crop as ImportOptions['crop'] } : {}),
      ...(pad ? { pad: pad as ImportOptions['pad'] } : {}),
      ...(padWith ? { padWith: padWith as ImportOptions['padWith'] } : {})
    }
    return ctx.api.dataset.import(
      resolve(project),
      paths.map((p) => resolve(p)),
      options
    )
  },
  format(result) {
    const r = result as ImportResult
    const classes = Object.entries(r.classes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')
    const rate = r.rateHz === null ? 'rate unknown (give it with --rate HZ)' : `${r.rateHz} Hz`
    const lines = [
      `Imported ${formatNoun(r.ids.length, 'window')} from ${formatNoun(r.files, 'file')} (${classes}).`,
      `Windows of ${r.windowLength} samples (hop ${r.hop}) at ${rate}, axes ${r.axes.join(', ')}.`
    ]
    for (const f of r.report) lines.push(`  ${f.file} (${f.label}): ${f.rateHz === null ? 'no timing' : `${f.rateHz} Hz from the ${f.rateFrom}`}, ${f.samples} samples -> ${f.windows} windows; ${f.actions.join('; ')}`)
    return lines.join('\n')
  }
})
