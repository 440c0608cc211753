import { promises as fs } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import type { ImportOptions } from '../../shared/contract/dataset'
import { MicroforgeError } from '../../shared/errors'
import type { Recording, RecordingInfo } from '../core/dataset/conform'
import { defaultAxes } from '../core/dataset/csv-columns'
import { ImuCaptureReader } from '../core/dataset/imu-capture-csv'
import { LabelledCsvReader, type CsvRecording, type LabelledCsvOptions } from '../core/dataset/labelled-csv-reader'
import { decodeNpyValues, npyHeaderEnd, npyToWindows, npyWindowShape, readNpy, readNpyHeader, type NpyHeader } from '../core/dataset/npy'
import { rowsOf } from '../core/dataset/window-rows'
import { defaultAxisNames } from '../core/serial/number-tokens'
import { wrapFsError } from '../storage/atomic-fs'
import { eachLine, lineBatches } from './csv-stream'

/**
 * Each import format read twice, in bounded memory (issue #17: a 200 MB CSV held every recording
 * until the import committed, +1 GB). The first pass (scanFile) checks every value, with the line
 * named, and keeps per recording only its label, length, rate and split: the window length, the
 * rate and the split need all recordings first. The second pass (readRecordings) hands on one
 * recording with its samples at a time, for the import to conform and stage before the next.
 */
export interface ScannedFile {
  path: string
  /** How the report names it. */
  file: string
  format: 'csv' | 'imu-capture' | 'npy'
  timeColumn: string | null
  axisColumns: string[]
  /** The axes read, in order. */
  axes: string[]
  recordings: RecordingInfo[]
  /** Axis indices read (IMU_Capture, .npy). */
  pick: number[]
  csv?: { opts: LabelledCsvOptions; windowIsId: boolean }
  npy?: NpyHeader
}

export interface FileToScan {
  path: string
  /** How the report names it. */
  file: string
  format: 'csv' | 'imu-capture' | 'npy'
  /** The class of the file's recordings when it has no label column. */
  label: string
}

export async function scanFile(f: FileToScan, options: ImportOptions, projectAxes: string[]): Promise<ScannedFile> {
  const given = options.rateHz ?? null
  const rateFrom: RecordingInfo['rateFrom'] = given !== null ? 'given' : 'none'
  const info = (label: string, length: number, i: number, n: number, always = false): RecordingInfo => ({
    file: f.file,
    label,
    length,
    rateHz: given,
    rateFrom,
    split: null,
    source: `import:${f.file}${n > 1 || always ? `#${i}` : ''}`
  })
  if (f.format === 'npy') {
    const { header, windows, samples, axes } = await scanNpy(f.path, f.file)
    const n = windows > 0 && samples > 0 ? axes : 0
    const names = projectAxes.length === n ? projectAxes : defaultAxisNames(n)
    const pick = pickAxes(names, options.axes, f.file)
    const recordings = Array.from({ length: windows }, (_, i) => info(f.label, samples, i, windows))
    return { ...f, timeColumn: null, axisColumns: names, axes: pick.map((i) => names[i]), recordings, pick, npy: header }
  }
  if (f.format === 'imu-capture') {
    const reader = new ImuCaptureReader()
    await eachLine(f.path, (line) => reader.push(line))
    const r = reader.finish()
    const pick = pickAxes(r.axes, options.axes ?? defaultAxes(r.axes), f.file)
    const recordings = r.lengths.map((length, i) => info(f.label, length, i, r.lengths.length, true))
    return { ...f, timeColumn: null, axisColumns: r.axes, axes: pick.map((i) => r.axes[i]), recordings, pick }
  }
  const opts: LabelledCsvOptions = { label: f.label, name: f.file, ...(options.axes ? { axes: options.axes } : {}) }
  const reader = new LabelledCsvReader(opts)
  await eachLine(f.path, (line) => reader.push(line))
  const r = reader.finish()
  const recordings = r.recordings.map((w, i) => ({
    ...info(w.label, w.length, i, r.recordings.length),
    rateHz: w.rateHz ?? given,
    rateFrom: w.rateHz !== null ? ('time column' as const) : rateFrom,
    split: w.split
  }))
  return { ...f, timeColumn: r.timeColumn, axisColumns: r.axisColumns, axes: r.axes, recordings, pick: [], csv: { opts, windowIsId: r.windowIsId } }
}

/** The file's recordings with their samples, one at a time, as the first pass found them. */
export async function* readRecordings(f: ScannedFile): AsyncGenerator<Recording> {
  let i = 0
  const next = (values: number[][]): Recording => {
    const expected = f.recordings[i++]
    if (!expected || expected.length !== values.length) throw changed(f.file)
    const { length: _n, ...rest } = expected
    return { ...rest, values }
  }
  const picked = (rows: number[][]): number[][] => rows.map((row) => f.pick.map((k) => row[k]))
  if (f.format === 'npy') {
    for (const rows of npyWindows(f)) yield next(picked(await rows()))
  } else {
    const ready: number[][][] = []
    const reader =
      f.format === 'imu-capture'
        ? new ImuCaptureReader((w, axes) => ready.push(picked(rowsOf(w, axes))))
        : new LabelledCsvReader(f.csv?.opts, { windowIsId: f.csv?.windowIsId ?? false, onRecording: (r: CsvRecording) => ready.push(rowsOf(r.values as Float64Array, f.axes.length)) })
    for await (const lines of lineBatches(f.path)) {
      for (const line of lines) reader.push(line)
      // One piece of text can end a few short recordings; each is staged before the next piece.
      for (const rows of ready.splice(0)) yield next(rows)
    }
    reader.finish()
    while (ready.length > 0) yield next(ready.shift() as number[][])
  }
  if (i !== f.recordings.length) throw changed(f.file)
}

function changed(file: string): MicroforgeError {
  return new MicroforgeError('PARSE_ERROR', `${file} changed while it was being imported. Nothing was imported.`, 'Import it again once nothing is writing to it.')
}

/** Values read and checked at a time. */
const CHUNK_BYTES = 1 << 20

async function scanNpy(path: string, name: string): Promise<{ header: NpyHeader; windows: number; samples: number; axes: number }> {
  return withFile(path, async (h) => {
    const size = (await h.stat()).size
    let head = await readAt(h, 0, Math.min(size, 64 * 1024))
    const end = npyHeaderEnd(head)
    if (end > head.length && end <= size) head = await readAt(h, 0, end)
    const header = readNpyHeader(head, size, name)
    const per = Math.max(1, Math.floor(CHUNK_BYTES / header.size))
    // One chunk's bytes and values, reused from chunk to chunk.
    const raw = new Uint8Array(per * header.size)
    const values = new Float64Array(per)
    for (let first = 0; first < header.count; first += per) {
      const n = Math.min(per, header.count - first)
      decodeNpyValues(await readAt(h, header.dataStart + first * header.size, n * header.size, raw), header, first, name, values)
    }
    return { header, ...npyWindowShape(header.shape, name) }
  })
}

/** Each window of a .npy file, read when asked for: C-order windows lie in one piece; a Fortran-order file is read whole. */
function* npyWindows(f: ScannedFile): Generator<() => Promise<number[][]>> {
  const h = f.npy as NpyHeader
  const { windows, samples, axes } = npyWindowShape(h.shape, f.file)
  if (h.fortran) {
    let all: number[][][] | null = null
    for (let i = 0; i < windows; i++) {
      yield async () => {
        all ??= await readWhole(f)
        return all[i]
      }
    }
    return
  }
  const bytes = samples * axes * h.size
  // One window's bytes and values, reused: nothing is allocated per window but its rows.
  const raw = new Uint8Array(bytes)
  const values = new Float64Array(samples * axes)
  for (let i = 0; i < windows; i++) {
    yield () => withFile(f.path, async (fh) => rowsOf(decodeNpyValues(await readAt(fh, h.dataStart + i * bytes, bytes, raw), h, i * samples * axes, f.file, values), axes, f.file))
  }
}

async function readWhole(f: ScannedFile): Promise<number[][][]> {
  const arr = readNpy(new Uint8Array(await fs.readFile(f.path).catch((err) => Promise.reject(wrapFsError(err, f.path, 'read')))), f.file)
  return npyToWindows(arr, f.file)
}

async function withFile<T>(path: string, use: (h: FileHandle) => Promise<T>): Promise<T> {
  let h: FileHandle | undefined
  try {
    h = await fs.open(path, 'r')
    return await use(h)
  } catch (err) {
    throw wrapFsError(err, path, 'read')
  } finally {
    await h?.close()
  }
}

async function readAt(h: FileHandle, position: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
  const buf = into ? into.subarray(0, length) : new Uint8Array(length)
  let got = 0
  while (got < length) {
    const { bytesRead } = await h.read(buf, got, length - got, position + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return buf.subarray(0, got)
}

export function pickAxes(names: string[], wanted: string[] | undefined, file: string): number[] {
  if (!wanted) return names.map((_, i) => i)
  return wanted.map((a) => {
    const i = names.indexOf(a)
    if (i < 0) throw new MicroforgeError('PARSE_ERROR', `${file} has no axis "${a}".`, "Pick axes that every file has (the import preview lists each file's columns).")
    return i
  })
}
