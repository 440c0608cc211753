import { MicroforgeError } from '../../../shared/errors'
import type { CropAt, FileReport, PadAt } from '../../../shared/import-report'
import { fitLength, type PadMode } from './window-length'
import { resample, resampledLength } from './resample'

/**
 * Turns imported recordings into windows of the signal spec, doing only what the user asked:
 * a recording at another rate is resampled only with `resample`, one shorter than a window is
 * padded only with `pad`, and one longer becomes windows by the spec's window and hop (or one
 * window with `crop`). Anything else stops with an error that names the rates or lengths, and
 * every file's report says what happened to it.
 */
export interface RecordingInfo {
  /** File name, for the report and messages. */
  file: string
  label: string
  /** Samples in it. */
  length: number
  /** Native rate: from the file's time column, or the rate the user gave; null when unknown. */
  rateHz: number | null
  rateFrom: 'time column' | 'given' | 'none'
  split: 'train' | 'test' | null
  source: string
}

/** A recording with its samples (the import holds one at a time; see dataset-service). */
export interface Recording extends Omit<RecordingInfo, 'length'> {
  values: number[][]
}

export interface ConformOptions {
  /** The project's rate (null while unknown: nothing can be resampled then). */
  rateHz: number | null
  windowLength: number
  hop: number
  resample?: boolean
  crop?: CropAt
  pad?: PadAt
  padWith?: PadMode
}

export interface ConformedWindow {
  label: string
  values: number[][]
  rateHz: number | null
  split: 'train' | 'test' | null
  source: string
}

/** Two rates closer than this are the same rate (clock drift, rounding). */
export const SAME_RATE = 0.02

export function sameRate(a: number, b: number): boolean {
  return Math.abs(a - b) <= SAME_RATE * Math.max(a, b)
}

export function conform(recordings: Recording[], opts: ConformOptions): { windows: ConformedWindow[]; report: FileReport[] } {
  const infos = recordings.map(infoOf)
  checkRecordings(infos, opts)
  const windows: ConformedWindow[] = []
  for (const rec of recordings) windows.push(...conformRecording(rec, opts))
  return { windows, report: conformReport(infos, opts) }
}

export function infoOf({ values, ...rest }: Recording): RecordingInfo {
  return { ...rest, length: values.length }
}

/** Everything conform refuses (another rate without `resample`, too short without `pad`), from the recordings' lengths and rates alone. */
export function checkRecordings(recordings: RecordingInfo[], opts: ConformOptions): void {
  checkRates(recordings, opts)
  checkLengths(recordings, opts)
}

/** What conform does to each file, from the recordings' lengths and rates alone. */
export function conformReport(recordings: RecordingInfo[], opts: ConformOptions): FileReport[] {
  const reports = new Map<string, FileReport & { actionSet: Set<string> }>()
  for (const rec of recordings) {
    let r = reports.get(rec.file)
    if (!r) {
      r = { file: rec.file, label: rec.label, rateHz: rec.rateHz, rateFrom: rec.rateFrom, recordings: 0, samples: 0, windows: 0, actions: [], actionSet: new Set() }
      reports.set(rec.file, r)
    }
    r.recordings++
    r.samples += rec.length
    const p = plan(rec, opts)
    r.windows += windowsOf(p.n, opts)
    for (const a of p.actions) r.actionSet.add(a)
  }
  return [...reports.values()].map(({ actionSet, ...rest }) => ({ ...rest, actions: actionSet.size ? [...actionSet] : ['kept as recorded'] }))
}

/** Windows conform makes of one recording. */
export function windowCount(rec: RecordingInfo, opts: ConformOptions): number {
  return windowsOf(plan(rec, opts).n, opts)
}

/** Windows of a recording `n` samples long at the project's rate. */
function windowsOf(n: number, opts: ConformOptions): number {
  const W = opts.windowLength
  if (n <= W || opts.crop) return 1
  return Math.floor((n - W) / opts.hop) + 1
}

/** One recording's windows: resampled, padded, cropped or cut as conform decides (call checkRecordings first). */
export function conformRecording(rec: Recording, opts: ConformOptions): ConformedWindow[] {
  const p = plan({ ...rec, length: rec.values.length }, opts)
  const values = p.resampleFrom !== null ? resample(rec.values, p.resampleFrom, opts.rateHz as number) : rec.values
  const W = opts.windowLength
  const pieces: number[][][] = []
  if (values.length === W) pieces.push(values)
  else if (values.length < W) pieces.push(padAt(values, W, opts.pad as PadAt, opts.padWith ?? 'zeros'))
  else if (opts.crop) pieces.push(cropAt(values, W, opts.crop))
  else for (let s = 0; s + W <= values.length; s += opts.hop) pieces.push(values.slice(s, s + W))
  return pieces.map((v) => ({ label: rec.label, values: v, rateHz: p.rate, split: rec.split, source: rec.source }))
}

/** The rate a recording lands at, its length there, and what is done to it (the report's words). */
function plan(rec: RecordingInfo, opts: ConformOptions): { rate: number | null; resampleFrom: number | null; n: number; actions: string[] } {
  const actions: string[] = []
  let rate = rec.rateHz
  let resampleFrom: number | null = null
  if (rate !== null && opts.rateHz !== null && !sameRate(rate, opts.rateHz)) {
    actions.push(`resampled ${fmt(rate)} Hz -> ${fmt(opts.rateHz)} Hz (band-limited; durations kept)`)
    resampleFrom = rate
    rate = opts.rateHz
  } else if (rate === null && opts.rateHz !== null) {
    actions.push(`no timing in the file: taken as the project's ${fmt(opts.rateHz)} Hz`)
    rate = opts.rateHz
  } else if (rate === null) {
    actions.push('rate unknown')
  }
  const n = resampleFrom !== null ? lengthAtRate(rec.length, resampleFrom, opts.rateHz) : rec.length
  const W = opts.windowLength
  if (n < W) actions.push(`padded to ${W} samples at the ${opts.pad} (${opts.padWith ?? 'zeros'})`)
  else if (n > W && opts.crop) actions.push(`cropped to ${W} samples from the ${opts.crop}`)
  else if (n > W) actions.push(`cut into windows of ${W} samples, hop ${opts.hop}`)
  return { rate, resampleFrom, n, actions }
}

/** Output length of each recording after resampling, as conform would make it (for previews). */
export function lengthAtRate(n: number, fromHz: number | null, toHz: number | null): number {
  return fromHz !== null && toHz !== null && !sameRate(fromHz, toHz) ? resampledLength(n, fromHz, toHz) : n
}

function checkRates(recordings: RecordingInfo[], opts: ConformOptions): void {
  const target = opts.rateHz
  if (target === null || opts.resample) return
  const off = recordings.filter((r) => r.rateHz !== null && !sameRate(r.rateHz, target))
  if (off.length === 0) return
  const rates = [...new Set(off.map((r) => fmt(r.rateHz as number)))]
  const files = [...new Set(off.map((r) => r.file))]
  throw new MicroforgeError(
    'INVALID_ARGUMENT',
    `${names(files)} ${files.length === 1 ? 'was' : 'were'} recorded at ${rates.join(' Hz, ')} Hz; this project is at ${fmt(target)} Hz. Nothing was imported: a model trained at one rate misreads the other.`,
    `Resample them to ${fmt(target)} Hz (each recording keeps its duration; --resample on the command line), or import them into a new project at ${rates[0]} Hz.`
  )
}

function checkLengths(recordings: RecordingInfo[], opts: ConformOptions): void {
  if (opts.pad) return
  const short = recordings.filter((r) => lengthAtRate(r.length, r.rateHz, opts.resample ? opts.rateHz : r.rateHz) < opts.windowLength)
  if (short.length === 0) return
  const files = [...new Set(short.map((r) => r.file))]
  const shortest = Math.min(...short.map((r) => lengthAtRate(r.length, r.rateHz, opts.resample ? opts.rateHz : r.rateHz)))
  throw new MicroforgeError(
    'INVALID_ARGUMENT',
    `${names(files)} ${short.length === 1 ? 'has a recording' : 'have recordings'} shorter than a window (${shortest} samples; a window is ${opts.windowLength}). Nothing was imported.`,
    'Pad them (--pad end or --pad start on the command line), or use a shorter window length.'
  )
}

function padAt(values: number[][], length: number, at: PadAt, mode: PadMode): number[][] {
  if (at === 'end') return fitLength(values, length, mode)
  const reversed = fitLength([...values].reverse(), length, mode)
  return reversed.reverse()
}

function cropAt(values: number[][], length: number, at: CropAt): number[][] {
  const extra = values.length - length
  const start = at === 'start' ? 0 : at === 'end' ? extra : Math.floor(extra / 2)
  return values.slice(start, start + length)
}

function names(files: string[]): string {
  return files.length === 1 ? files[0] : `${files[0]} and ${files.length - 1} more file${files.length === 2 ? '' : 's'}`
}

function fmt(hz: number): string {
  return String(Math.round(hz * 100) / 100)
}
