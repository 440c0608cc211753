import { MicroforgeError } from '../../../shared/errors'
import { defaultAxisNames, parseFiniteNumber } from '../serial/number-tokens'

/**
 * Table-shaped captures: one row per sample, numeric axis columns, and optionally
 *  - a label column (label, class, gesture, ...) so one file holds every class,
 *  - a window column: an id that repeats while a window lasts, or an index that restarts,
 *  - a timestamp column (time, millis, micros, ...): a step back starts a new window,
 *  - a split column (train/test), as our own CSV export writes it.
 * Windows also end at blank lines and where the label changes. A per-class file without any of
 * these is one long recording: give windowLength to cut it into windows.
 */
export interface LabelledWindow {
  label: string
  values: number[][]
  split: 'train' | 'test' | null
  rateHz: number | null
}

export interface LabelledCsv {
  axes: string[]
  windows: LabelledWindow[]
  /** Samples left over after cutting long recordings into windowLength pieces. */
  droppedSamples: number
}

export interface LabelledCsvOptions {
  /** Label for every row when the file has no label column (a per-class file). */
  label?: string
  /** Cut recordings without window boundaries into windows of this many samples. */
  windowLength?: number
  /** File name, for messages. */
  name?: string
}

const LABEL = /^(label|labels|class|class_?name|gesture|target|y|category|activity)$/i
const WINDOW = /^(window|window_?id|sample_?id|sample|gesture_?id|id|recording|segment|seq|sequence|index|idx|sample_?index|step)$/i
const TIME = /^(t|ts|time|timestamp|millis|micros|ms|us|µs|t_?ms|t_?us|time_?ms|time_?us|timestamp_?ms|timestamp_?us|time_?s|seconds|s)$/i
const SPLIT = /^(split|set|subset)$/i

export function splitCsvLine(line: string): string[] {
  const sep = line.includes(',') ? ',' : line.includes(';') ? ';' : line.includes('\t') ? '\t' : null
  if (sep === null) return line.trim().split(/\s+/)
  if (!line.includes('"')) return line.split(sep).map((c) => c.trim())
  const cells: string[] = []
  let cur = ''
  let quoted = false
  for (let k = 0; k < line.length; k++) {
    const ch = line[k]
    if (quoted) {
      if (ch === '"' && line[k + 1] === '"') {
        cur += '"'
        k++
      } else if (ch === '"') quoted = false
      else cur += ch
    } else if (ch === '"') quoted = true
    else if (ch === sep) {
      cells.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  cells.push(cur.trim())
  return cells
}

export function hasLabelColumn(header: string[]): boolean {
  return header.some((h) => LABEL.test(h))
}

interface Row {
  line: number
  cells: string[]
}

export function parseLabelledCsv(text: string, opts: LabelledCsvOptions = {}): LabelledCsv {
  const name = opts.name ?? 'the file'
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  let i = 0
  while (i < lines.length && lines[i].trim() === '') i++
  if (i === lines.length) throw new MicroforgeError('PARSE_ERROR', `${name} is empty.`, 'Choose the CSV file with your recordings.')
  const first = splitCsvLine(lines[i])
  const hasHeader = first.some((c) => c !== '' && parseFiniteNumber(c) === null)
  const header = hasHeader ? first : defaultAxisNames(first.length)
  if (hasHeader) i++

  const col = (re: RegExp): number => header.findIndex((h) => re.test(h))
  const labelCol = col(LABEL)
  const windowCol = col(WINDOW)
  const timeCol = col(TIME)
  const splitCol = col(SPLIT)
  const roles = new Set([labelCol, windowCol, timeCol, splitCol].filter((c) => c >= 0))
  const axisCols = header.map((_, c) => c).filter((c) => !roles.has(c))
  if (axisCols.length === 0) throw new MicroforgeError('PARSE_ERROR', `${name} has no sensor columns.`, 'Keep at least one numeric column such as aX.')
  if (labelCol < 0 && !opts.label) {
    throw new MicroforgeError('PARSE_ERROR', `${name} has no label column, and no label was given.`, 'Add a "label" column, or import it with a label (--label punch, or name the file after its class).')
  }
  const timeScale = timeCol >= 0 ? timeUnitMs(header[timeCol]) : 1

  // Rows grouped by blank lines first.
  const groups: Row[][] = [[]]
  for (; i < lines.length; i++) {
    if (lines[i].trim() === '') {
      if (groups[groups.length - 1].length > 0) groups.push([])
      continue
    }
    const cells = splitCsvLine(lines[i])
    if (cells.length !== header.length) {
      throw new MicroforgeError('PARSE_ERROR', `Line ${i + 1} of ${name} has ${cells.length} columns, the header has ${header.length}.`, 'Fix or delete that line and import again.')
    }
    groups[groups.length - 1].push({ line: i + 1, cells })
  }

  const windowIsId = windowCol >= 0 && groups.some((g) => g.some((r, k) => k > 0 && r.cells[windowCol] === g[k - 1].cells[windowCol]))
  const pieces: Row[][] = []
  for (const g of groups) {
    let cur: Row[] = []
    for (let k = 0; k < g.length; k++) {
      const r = g[k]
      const prev = g[k - 1]
      if (prev && startsNewWindow(prev, r)) {
        pieces.push(cur)
        cur = []
      }
      cur.push(r)
    }
    if (cur.length > 0) pieces.push(cur)
  }

  function startsNewWindow(prev: Row, r: Row): boolean {
    if (labelCol >= 0 && prev.cells[labelCol] !== r.cells[labelCol]) return true
    if (windowCol >= 0) {
      const a = prev.cells[windowCol]
      const b = r.cells[windowCol]
      if (windowIsId ? a !== b : !(Number(b) > Number(a))) return true
    }
    if (timeCol >= 0 && Number(r.cells[timeCol]) < Number(prev.cells[timeCol])) return true
    return false
  }

  const hasBoundaries = pieces.length > new Set(pieces.map((p) => (labelCol >= 0 ? p[0].cells[labelCol] : ''))).size
  let droppedSamples = 0
  const windows: LabelledWindow[] = []
  for (const piece of pieces) {
    const values = piece.map((r) =>
      axisCols.map((c) => {
        const v = parseFiniteNumber(r.cells[c])
        if (v === null) {
          throw new MicroforgeError('PARSE_ERROR', `Line ${r.line} of ${name}, column ${c + 1}: not a finite number.`, 'Fix or delete that line and import again.')
        }
        return v
      })
    )
    const label = labelCol >= 0 ? piece[0].cells[labelCol] : (opts.label as string)
    if (label === '') throw new MicroforgeError('PARSE_ERROR', `Line ${piece[0].line} of ${name} has an empty label.`, 'Give every row a class name.')
    const splitText = splitCol >= 0 ? piece[0].cells[splitCol].toLowerCase() : ''
    const split = splitText === 'train' || splitText === 'test' ? splitText : null
    const rateHz = timeCol >= 0 ? rateFromTimes(piece.map((r) => Number(r.cells[timeCol]) * timeScale)) : null
    if (!hasBoundaries && opts.windowLength && opts.windowLength < values.length) {
      const n = opts.windowLength
      for (let s = 0; s + n <= values.length; s += n) windows.push({ label, values: values.slice(s, s + n), split, rateHz })
      droppedSamples += values.length % n
    } else {
      windows.push({ label, values, split, rateHz })
    }
  }
  return { axes: axisCols.map((c) => header[c]), windows, droppedSamples }
}

function timeUnitMs(name: string): number {
  if (/us|µs|micro/i.test(name)) return 0.001
  if (/^(s|seconds|time_?s)$/i.test(name)) return 1000
  return 1
}

function rateFromTimes(ms: number[]): number | null {
  if (ms.length < 2) return null
  const steps: number[] = []
  for (let k = 1; k < ms.length; k++) steps.push(ms[k] - ms[k - 1])
  steps.sort((a, b) => a - b)
  const med = steps[steps.length >> 1]
  return med > 0 ? Math.round((1000 / med) * 100) / 100 : null
}
