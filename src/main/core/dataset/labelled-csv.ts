import { MicroforgeError } from '../../../shared/errors'
import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { defaultAxisNames, parseFiniteNumber } from '../serial/number-tokens'
import { defaultAxes, hasTextLabelColumn, planColumns, rateFromTimes } from './csv-columns'

/**
 * Table-shaped captures: one row per sample, numeric axis columns, and optionally
 *  - a label column (label, class, gesture, ...) with words in it, so one file holds every class,
 *  - a window column: an id that repeats while a window lasts, or an index that restarts,
 *  - time columns (epoch ms, ms, µs, relative seconds): the rate comes from them, a step back
 *    starts a new recording, and they are never axes,
 *  - a split column (train/test), as our own CSV export writes it.
 * Recordings also end at blank lines and where the label changes. A per-class file without any of
 * these is one recording of any length; cutting it into windows is the signal spec's job.
 */
export interface LabelledWindow {
  label: string
  values: number[][]
  split: 'train' | 'test' | null
  /** From the time column; null when the file has none. */
  rateHz: number | null
}

export interface LabelledCsv {
  /** The axes read, in the order asked for. */
  axes: string[]
  /** Every column that could be an axis (not time, label, window or split), for the preview. */
  axisColumns: string[]
  /** The time column the rate came from, or null. */
  timeColumn: string | null
  /** Columns recognised as clocks (never axes). */
  timeColumns: string[]
  windows: LabelledWindow[]
}

export interface LabelledCsvOptions {
  /** Label for every row when the file has no label column (a per-class file). */
  label?: string
  /** Axis columns to read, in this order; default: the motion axes (see defaultAxes). */
  axes?: string[]
  /** File name, for messages. */
  name?: string
}

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

/** Whether a file is one table with a label column of words (header plus a few data lines). */
export function hasLabelColumn(header: string[], sample: string[][] = []): boolean {
  return hasTextLabelColumn(header, sample)
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

  const sample = lines.slice(i, i + 50).filter((l) => l.trim() !== '').map(splitCsvLine)
  const plan = planColumns(header, sample)
  const { labelCol, windowCol, timeCol, splitCol, timeScale } = plan
  const candidates = header.map((_, c) => c).filter((c) => plan.roles[c] === 'axis')
  if (candidates.length === 0) throw new MicroforgeError('PARSE_ERROR', `${name} has no sensor columns.`, 'Keep at least one numeric column such as aX.')
  const wanted = opts.axes ?? defaultAxes(candidates.map((c) => header[c]))
  const axisCols = wanted.map((a) => {
    const c = candidates.find((k) => header[k] === a)
    if (c === undefined) {
      throw new MicroforgeError('PARSE_ERROR', `${name} has no axis column "${a}".`, 'Pick axes that every file has (the import preview lists each file\'s columns).')
    }
    return c
  })
  if (labelCol < 0 && !opts.label) {
    throw new MicroforgeError('PARSE_ERROR', `${name} has no label column, and no label was given.`, 'Add a "label" column, or import it with a label (--label punch, or name the file or its folder after its class).')
  }

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

  const windows: LabelledWindow[] = []
  for (const piece of pieces) {
    const values = piece.map((r) =>
      axisCols.map((c) => {
        const v = parseFiniteNumber(r.cells[c])
        if (v === null) {
          throw new MicroforgeError('PARSE_ERROR', `Line ${r.line} of ${name}, column ${c + 1}: not a finite number.`, 'Fix or delete that line and import again.')
        }
        if (Math.abs(v) > MAX_SAMPLE_MAGNITUDE) {
          const p = magnitudeProblem(`Line ${r.line} of ${name}, column ${c + 1}`)
          throw new MicroforgeError('PARSE_ERROR', p.message, p.hint)
        }
        return v
      })
    )
    const label = labelCol >= 0 ? piece[0].cells[labelCol] : (opts.label as string)
    if (label === '') throw new MicroforgeError('PARSE_ERROR', `Line ${piece[0].line} of ${name} has an empty label.`, 'Give every row a class name.')
    const splitText = splitCol >= 0 ? piece[0].cells[splitCol].toLowerCase() : ''
    const split = splitText === 'train' || splitText === 'test' ? splitText : null
    const rateHz = timeCol >= 0 ? rateFromTimes(piece.map((r) => Number(r.cells[timeCol]) * timeScale)) : null
    windows.push({ label, values, split, rateHz })
  }
  const timeColumns = header.filter((_, c) => plan.roles[c] === 'time')
  return { axes: axisCols.map((c) => header[c]), axisColumns: candidates.map((c) => header[c]), timeColumn: timeCol >= 0 ? header[timeCol] : null, timeColumns, windows }
}
