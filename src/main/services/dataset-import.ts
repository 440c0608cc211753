import { promises as fs } from 'node:fs'
import { basename, dirname, extname, relative, resolve, sep } from 'node:path'
import type { ImportOptions, ImportPreview } from '../../shared/contract/dataset'
import { MicroforgeError } from '../../shared/errors'
import type { ProjectFile } from '../../shared/project-schema'
import { hopOf } from '../../shared/signal'
import { conformReport, lengthAtRate, sameRate, type RecordingInfo } from '../core/dataset/conform'
import { looksLikeSensorText } from '../core/dataset/sensor-text'
import { hasTextLabelColumn, splitCsvLine } from '../core/dataset/csv-columns'
import { commonLength } from '../core/dataset/window-length'
import { wrapFsError } from '../storage/atomic-fs'
import { blankLineBetweenSamples, readHead } from './csv-stream'
import { scanFile, type ScannedFile } from './import-readers'

type Head = Awaited<ReturnType<typeof readHead>>

/**
 * Finding the import files, a first pass over each (scanFile: lengths, rates, labels, every value
 * checked) and deciding the signal spec they land in. The samples are read in a second pass, one
 * recording at a time (readRecordings), by the import itself. The conversion is
 * core/dataset/conform.ts: nothing is resampled, cut or padded unless the options say so.
 */
export interface Scanned {
  /** Every recording, without samples, in import order. */
  recordings: RecordingInfo[]
  files: ScannedFile[]
  /** The axes read, in order. */
  axes: string[]
  /** Axis columns every file offers. */
  axisChoices: string[]
}

interface Found {
  path: string
  /** How the report names it: the path below the folder picked, or the file name. */
  name: string
  /** The class a file's place implies: the folder it sits in when a folder was picked, else its name. */
  label: string
  /** The file's own name, the class of an IMU_Capture file lying directly in the folder picked. */
  nameLabel: string
}

export async function scanImport(paths: string[], options: ImportOptions, projectAxes: string[]): Promise<Scanned> {
  const found = await expandPaths(paths)
  if (found.length === 0) throw new MicroforgeError('NOT_FOUND', 'No .csv, .txt or .npy files found in what you chose.', 'Pick CSV files, NumPy .npy files, or a folder per class.')
  const files: ScannedFile[] = []
  let axes: string[] | null = null
  let choices: string[] | null = null
  for (const { path, name: short, label: placeLabel, nameLabel } of found) {
    // The first 256 KB, read once for both checks (and only when one needs them).
    let head: Promise<Head> | undefined
    const headOf = (): Promise<Head> => (head ??= readHead(path))
    await refuseNonSensorText(path, short, headOf)
    const format = options.format && options.format !== 'auto' ? options.format : await detectFormat(path, headOf)
    // An IMU_Capture file holds one class's gestures and is named after it (punch.csv, flex.csv),
    // also when the folder holding the files was picked.
    const label = options.label ?? (format === 'imu-capture' && !short.includes('/') ? nameLabel : placeLabel)
    const got = await scanFile({ path, file: short, format, label }, options, projectAxes)
    if (axes === null) axes = got.axes
    else if (got.axes.length !== axes.length) {
      throw new MicroforgeError('PARSE_ERROR', `${short} has ${got.axes.length} axes, the other files have ${axes.length}.`, 'Import files from the same sensor together, or pick the same axes in each.')
    }
    choices = choices === null ? got.axisColumns : choices.filter((c) => got.axisColumns.includes(c))
    files.push(got)
  }
  const recordings = files.flatMap((f) => f.recordings)
  if (recordings.length === 0 || axes === null) throw new MicroforgeError('PARSE_ERROR', 'The files hold no recordings.', 'Check that they contain samples.')
  return { recordings, files, axes, axisChoices: choices ?? [] }
}

/** A .csv or .txt that is not sensor data is named as such, before any line-by-line complaint. */
async function refuseNonSensorText(path: string, name: string, headOf: () => Promise<Head>): Promise<void> {
  if (!/\.(csv|txt)$/i.test(path)) return
  if (looksLikeSensorText((await headOf()).text)) return
  throw new MicroforgeError(
    'PARSE_ERROR',
    `${name} is not sensor data: its lines hold words, not numbers. Nothing was imported.`,
    'Leave that file out. Import CSV or text files with one sample per line (numbers separated by commas, spaces or tabs), or .npy files.'
  )
}

export interface ImportPlan {
  rateHz: number | null
  windowLength: number
  hop: number
}

/** The rate, window and hop the recordings land in: the project's, else what the files say. */
export function planSpec(p: ProjectFile, loaded: Scanned, options: ImportOptions): ImportPlan {
  const sig = p.signal
  let rateHz = sig.sampleRateHz
  if (rateHz === null) {
    const rates = loaded.recordings.map((r) => r.rateHz).filter((r): r is number => r !== null)
    if (rates.length > 0) {
      const first = rates[0]
      const other = rates.find((r) => !sameRate(r, first))
      if (other !== undefined && !options.resample) {
        throw new MicroforgeError('INVALID_ARGUMENT', `The files were recorded at different rates (${first} Hz and ${other} Hz). Nothing was imported.`, `Import them separately into projects of their own, or resample them all to ${first} Hz (--resample).`)
      }
      rateHz = first
    }
  }
  if (options.windowLength !== undefined && sig.windowLength !== null && options.windowLength !== sig.windowLength) {
    throw new MicroforgeError('INVALID_ARGUMENT', `This project's windows are ${sig.windowLength} samples; ${options.windowLength} was asked for.`, 'Leave the window length empty to use the project\'s, or start a new project.')
  }
  const lengths = loaded.recordings.map((r) => lengthAtRate(r.length, r.rateHz, rateHz))
  const windowLength = sig.windowLength ?? options.windowLength ?? defaultWindow(lengths, rateHz)
  const hop = options.hop ?? hopOf(sig) ?? windowLength
  if (sig.windowLength !== null && options.hop !== undefined && sig.hop !== null && options.hop !== sig.hop) {
    throw new MicroforgeError('INVALID_ARGUMENT', `This project cuts recordings with a hop of ${sig.hop} samples; ${options.hop} was asked for.`, 'Leave the hop empty to use the project\'s.')
  }
  return { rateHz, windowLength, hop }
}

/** The length most recordings share when most do (IMU_Capture blocks); else 1 s, or the shortest recording. */
function defaultWindow(lengths: number[], rateHz: number | null): number {
  const mode = commonLength(lengths.map((n) => new Array<number[]>(n))) ?? 1
  if (lengths.filter((n) => n === mode).length * 2 >= lengths.length) return mode
  const shortest = Math.min(...lengths)
  return Math.max(1, rateHz ? Math.min(Math.round(rateHz), shortest) : shortest)
}

export function preview(p: ProjectFile, loaded: Scanned, options: ImportOptions): ImportPreview {
  const plan = planSpec(p, loaded, { ...options, resample: true })
  const report = conformReport(loaded.recordings, { ...plan, resample: true, pad: options.pad ?? 'end', ...(options.crop ? { crop: options.crop } : {}) })
  const otherRates = [...new Set(loaded.recordings.map((r) => r.rateHz).filter((r): r is number => r !== null && p.signal.sampleRateHz !== null && !sameRate(r, p.signal.sampleRateHz)))]
  const lengths = loaded.recordings.map((r) => lengthAtRate(r.length, r.rateHz, plan.rateHz))
  return {
    files: report.map((r) => {
      const f = loaded.files.find((x) => x.file === r.file)
      return { ...r, format: f?.format ?? 'csv', timeColumn: f?.timeColumn ?? null, axisColumns: f?.axisColumns ?? [] }
    }),
    axisChoices: loaded.axisChoices,
    axes: loaded.axes,
    projectRateHz: p.signal.sampleRateHz,
    otherRates,
    windowLength: plan.windowLength,
    hop: plan.hop,
    shorter: lengths.filter((n) => n < plan.windowLength).length,
    longer: lengths.filter((n) => n > plan.windowLength).length
  }
}

const IMPORTABLE = new Set(['.csv', '.txt', '.npy', '.tsv'])
/** Inside a chosen folder, .txt files are more often notes than data: only explicit picks read them. */
const IN_FOLDERS = new Set(['.csv', '.npy', '.tsv'])

async function expandPaths(paths: string[]): Promise<Found[]> {
  const out: Found[] = []
  const walk = async (p: string, root: string): Promise<void> => {
    let st
    try {
      st = await fs.stat(p)
    } catch (err) {
      throw wrapFsError(err, p, 'read')
    }
    if (st.isDirectory()) {
      const names = (await fs.readdir(p)).filter((n) => !n.startsWith('.')).sort()
      for (const n of names) await walk(resolve(p, n), root)
    } else if (IN_FOLDERS.has(extname(p).toLowerCase())) out.push({ path: p, name: relative(root, p).split(sep).join('/'), label: folderLabel(p), nameLabel: fileLabel(p) })
  }
  for (const p of paths) {
    const abs = resolve(p)
    const st = await fs.stat(abs).catch((err) => Promise.reject(wrapFsError(err, abs, 'read')))
    if (!st.isFile()) await walk(abs, abs)
    else if (IMPORTABLE.has(extname(abs).toLowerCase())) out.push({ path: abs, name: basename(abs), label: fileLabel(abs), nameLabel: fileLabel(abs) })
    else throw new MicroforgeError('UNSUPPORTED', `${basename(abs)} is not a file Microforge imports.`, 'Choose .csv, .txt or .npy files, or a folder of them.')
  }
  return out
}

function fileLabel(file: string): string {
  return basename(file, extname(file)).trim() || 'unlabelled'
}

/** A file found in a folder: the folder names the class (data/<class>/x.csv), unless it is a generic "data". */
function folderLabel(file: string): string {
  const parent = basename(dirname(file)).trim()
  return parent && parent !== '.' && parent.toLowerCase() !== 'data' ? parent : fileLabel(file)
}

async function detectFormat(file: string, headOf: () => Promise<Head>): Promise<'npy' | 'csv' | 'imu-capture'> {
  if (extname(file).toLowerCase() === '.npy') return 'npy'
  // The first 256 KB decide: a large recording is never read whole for this.
  const head = await headOf()
  const lines = head.text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  // The last line of a head cut short may be a partial one.
  if (!head.whole) lines.pop()
  const start = lines.findIndex((l) => l.trim() !== '')
  if (start >= 0) {
    const sample = lines.slice(start + 1, start + 20).filter((l) => l.trim() !== '').map(splitCsvLine)
    if (hasTextLabelColumn(splitCsvLine(lines[start]), sample)) return 'csv'
  }
  // Blank lines between blocks of samples: the IMU_Capture layout.
  const end = lines.length - [...lines].reverse().findIndex((l) => l.trim() !== '')
  if (lines.slice(start, end).some((l) => l.trim() === '')) return 'imu-capture'
  return head.whole || start < 0 ? 'csv' : ((await blankLineBetweenSamples(file)) ? 'imu-capture' : 'csv')
}
