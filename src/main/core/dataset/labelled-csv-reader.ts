import { MicroforgeError } from '../../../shared/errors'
import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { defaultAxisNames, parseFiniteNumber } from '../serial/number-tokens'
import { defaultAxes, planColumns, rateFromTimes, splitCsvLine, type ColumnPlan } from './csv-columns'
import { GrowableF64 } from './growable'

/** Lines after the header read before the columns' roles are decided (as the whole-text parser did). */
const SAMPLE_LINES = 50

export interface LabelledCsvOptions {
  /** Label for every row when the file has no label column (a per-class file). */
  label?: string
  /** Axis columns to read, in this order; default: the motion axes (see defaultAxes). */
  axes?: string[]
  /** File name, for messages. */
  name?: string
}

/** One recording of a labelled CSV. */
export interface CsvRecording {
  label: string
  split: 'train' | 'test' | null
  /** From the time column; null when the file has none. */
  rateHz: number | null
  /** Samples in it. */
  length: number
  /**
   * Row-major samples x axes; null in the first pass, which keeps no samples. In the second pass a
   * view valid only during onRecording: copy what you keep (no buffer is allocated per recording).
   */
  values: Float64Array | null
}

export interface CsvColumns {
  /** The axes read, in the order asked for. */
  axes: string[]
  /** Every column that could be an axis (not time, label, window or split), for the preview. */
  axisColumns: string[]
  /** The time column the rate came from, or null. */
  timeColumn: string | null
  /** Columns recognised as clocks (never axes). */
  timeColumns: string[]
}

export interface CsvScan extends CsvColumns {
  /** Whether the window column holds ids rather than restarting indices (a property of the whole file). */
  windowIsId: boolean
  /** Every recording, without samples. */
  recordings: CsvRecording[]
}

/** How the second pass reads: the first pass's window-column decision, and where each recording goes once complete. */
export interface SecondPass {
  windowIsId: boolean
  onRecording: (r: CsvRecording) => void
}

interface Row {
  index: number
  line: number
  afterBlank: boolean
  label: string
  windowText: string
  windowNum: number
  time: number
  split: 'train' | 'test' | null
  values: Float64Array
}

/**
 * The labelled-CSV parser fed one line at a time, in two passes over a file (issue #17: memory must
 * not grow with the file). The first pass keeps per recording only its label, split, rate and
 * length, checks every number (the line named) and decides whether the window column holds ids,
 * which needs the whole file. The second pass, told that decision, hands on each recording with its
 * samples as soon as it is complete, so only one recording is held. The rules (and every message,
 * with the line it names) are those documented in labelled-csv.ts.
 */
export class LabelledCsvReader {
  private readonly name: string
  private lineNo = 0
  private rows = 0
  private header: string[] | null = null
  private pending: { line: number; text: string }[] = []
  private plan: ColumnPlan | null = null
  private axisCols: number[] = []
  private candidates: number[] = []
  private blank = false
  private prevWindowText: string | null = null
  /** One row's axis values, copied by each segmenter before the next row. */
  private scratch = new Float64Array(0)
  private repeatedWindow = false
  /** The first bad number, thrown only at the end: a wrong column count anywhere is named first. */
  badNumber: { row: number; error: MicroforgeError } | null = null
  /** First pass with a window column: both readings of it, until the file says which. */
  private segmenters: Segmenter[] = []

  constructor(
    private readonly opts: LabelledCsvOptions = {},
    private readonly second: SecondPass | null = null
  ) {
    this.name = opts.name ?? 'the file'
  }

  /** One line of the file, without its line ending. */
  push(text: string): void {
    this.lineNo++
    if (this.lineNo === 1) text = text.replace(/^\uFEFF/, '')
    if (this.header === null) {
      if (text.trim() === '') return
      const first = splitCsvLine(text)
      const hasHeader = first.some((c) => c !== '' && parseFiniteNumber(c) === null)
      this.header = hasHeader ? first : defaultAxisNames(first.length)
      if (hasHeader) return
    }
    if (this.plan === null) {
      this.pending.push({ line: this.lineNo, text })
      if (this.pending.length >= SAMPLE_LINES) this.startRows()
      return
    }
    this.row(this.lineNo, text)
  }

  /** First pass: the columns, the window-column decision and every recording (or the first error, in file order). */
  finish(): CsvScan {
    if (this.header === null) throw new MicroforgeError('PARSE_ERROR', `${this.name} is empty.`, 'Choose the CSV file with your recordings.')
    if (this.plan === null) this.startRows()
    const plan = this.plan as ColumnPlan
    const windowIsId = this.second ? this.second.windowIsId : plan.windowCol >= 0 && this.repeatedWindow
    const seg = this.segmenters.find((s) => s.windowIsId === windowIsId) as Segmenter
    seg.end()
    if (seg.error) throw seg.error
    if (this.badNumber) throw this.badNumber.error
    const header = this.header
    return {
      axes: this.axisCols.map((c) => header[c]),
      axisColumns: this.candidates.map((c) => header[c]),
      timeColumn: plan.timeCol >= 0 ? header[plan.timeCol] : null,
      timeColumns: header.filter((_, c) => plan.roles[c] === 'time'),
      windowIsId,
      recordings: seg.recordings
    }
  }

  private startRows(): void {
    const header = this.header as string[]
    const sample = this.pending.filter((p) => p.text.trim() !== '').map((p) => splitCsvLine(p.text))
    const plan = planColumns(header, sample)
    this.candidates = header.map((_, c) => c).filter((c) => plan.roles[c] === 'axis')
    if (this.candidates.length === 0) throw new MicroforgeError('PARSE_ERROR', `${this.name} has no sensor columns.`, 'Keep at least one numeric column such as aX.')
    const wanted = this.opts.axes ?? defaultAxes(this.candidates.map((c) => header[c]))
    this.axisCols = wanted.map((a) => {
      const c = this.candidates.find((k) => header[k] === a)
      if (c === undefined) {
        throw new MicroforgeError('PARSE_ERROR', `${this.name} has no axis column "${a}".`, 'Pick axes that every file has (the import preview lists each file\'s columns).')
      }
      return c
    })
    if (plan.labelCol < 0 && !this.opts.label) {
      throw new MicroforgeError('PARSE_ERROR', `${this.name} has no label column, and no label was given.`, 'Add a "label" column, or import it with a label (--label punch, or name the file or its folder after its class).')
    }
    this.plan = plan
    const ctx: SegmentContext = { reader: this, plan, axes: this.axisCols.length, name: this.name, label: this.opts.label }
    if (this.second) this.segmenters = [new Segmenter(ctx, this.second.windowIsId, this.second.onRecording)]
    else this.segmenters = (plan.windowCol >= 0 ? [false, true] : [false]).map((id) => new Segmenter(ctx, id, null))
    for (const p of this.pending) this.row(p.line, p.text)
    this.pending = []
  }

  private row(line: number, text: string): void {
    if (text.trim() === '') {
      if (this.rows > 0) this.blank = true
      return
    }
    const plan = this.plan as ColumnPlan
    const header = this.header as string[]
    const cells = splitCsvLine(text)
    if (cells.length !== header.length) {
      throw new MicroforgeError('PARSE_ERROR', `Line ${line} of ${this.name} has ${cells.length} columns, the header has ${header.length}.`, 'Fix or delete that line and import again.')
    }
    const index = this.rows++
    if (this.scratch.length !== this.axisCols.length) this.scratch = new Float64Array(this.axisCols.length)
    const v = this.scratch
    for (let a = 0; a < this.axisCols.length; a++) {
      const c = this.axisCols[a]
      const x = parseFiniteNumber(cells[c])
      v[a] = x ?? 0
      if (this.badNumber !== null) continue
      if (x === null) {
        this.badNumber = { row: index, error: new MicroforgeError('PARSE_ERROR', `Line ${line} of ${this.name}, column ${c + 1}: not a finite number.`, 'Fix or delete that line and import again.') }
      } else if (Math.abs(x) > MAX_SAMPLE_MAGNITUDE) {
        const p = magnitudeProblem(`Line ${line} of ${this.name}, column ${c + 1}`)
        this.badNumber = { row: index, error: new MicroforgeError('PARSE_ERROR', p.message, p.hint) }
      }
    }
    const windowText = plan.windowCol >= 0 ? cells[plan.windowCol] : ''
    const afterBlank = this.blank
    // A window column whose value repeats on the next row (within a block) holds ids, not indices.
    if (index > 0 && !afterBlank && windowText === this.prevWindowText) this.repeatedWindow = true
    this.prevWindowText = windowText
    this.blank = false
    const s = plan.splitCol >= 0 ? cells[plan.splitCol].toLowerCase() : ''
    const row: Row = {
      index,
      line,
      afterBlank,
      label: plan.labelCol >= 0 ? cells[plan.labelCol] : '',
      windowText,
      windowNum: plan.windowCol >= 0 ? Number(windowText) : 0,
      time: plan.timeCol >= 0 ? Number(cells[plan.timeCol]) : 0,
      split: s === 'train' ? 'train' : s === 'test' ? 'test' : null,
      values: v
    }
    for (const seg of this.segmenters) seg.row(row)
  }
}

interface SegmentContext {
  reader: LabelledCsvReader
  plan: ColumnPlan
  axes: number
  name: string
  label: string | undefined
}

/**
 * Cuts rows into recordings under one reading of the window column: a new recording at a blank
 * line, a new label, a new window id (or an index that does not go up) and a clock that steps back.
 */
class Segmenter {
  /** First pass: the recordings so far (no samples). */
  readonly recordings: CsvRecording[] = []
  /** The first recording that cannot be imported (a bad number in it or before it, an empty label). */
  error: MicroforgeError | null = null
  private count = 0
  private first: Row | null = null
  private prev: Row | null = null
  private readonly times: GrowableF64 | null
  private readonly values: GrowableF64 | null

  constructor(
    private readonly ctx: SegmentContext,
    readonly windowIsId: boolean,
    private readonly emit: ((r: CsvRecording) => void) | null
  ) {
    this.times = ctx.plan.timeCol >= 0 ? new GrowableF64() : null
    this.values = emit ? new GrowableF64() : null
  }

  row(r: Row): void {
    if (this.prev !== null && (r.afterBlank || this.startsNew(this.prev, r))) this.close(r.index)
    if (this.count === 0) this.first = r
    this.count++
    this.prev = r
    this.times?.push(r.time * this.ctx.plan.timeScale)
    this.values?.pushAll(r.values)
  }

  /** The last recording, at the end of the file. */
  end(): void {
    if (this.count > 0) this.close(Infinity)
  }

  private startsNew(prev: Row, r: Row): boolean {
    const plan = this.ctx.plan
    if (plan.labelCol >= 0 && r.label !== prev.label) return true
    if (plan.windowCol >= 0) {
      if (this.windowIsId ? r.windowText !== prev.windowText : !(r.windowNum > prev.windowNum)) return true
    }
    if (plan.timeCol >= 0 && r.time < prev.time) return true
    return false
  }

  private close(end: number): void {
    const first = this.first as Row
    const bad = this.ctx.reader.badNumber
    let problem: MicroforgeError | null = null
    const label = this.ctx.plan.labelCol >= 0 ? first.label : (this.ctx.label as string)
    if (bad && bad.row < end) problem = bad.error
    else if (label === '') problem = new MicroforgeError('PARSE_ERROR', `Line ${first.line} of ${this.ctx.name} has an empty label.`, 'Give every row a class name.')
    const rateHz = this.times ? rateFromTimes(Array.from(this.times.view())) : null
    const rec: CsvRecording = { label, split: first.split, rateHz, length: this.count, values: this.values ? this.values.view() : null }
    this.count = 0
    this.prev = null
    this.times?.clear()
    try {
      if (problem) {
        // The second pass reads a file the first found sound: a problem now means it changed.
        if (this.emit) throw problem
        this.error ??= problem
      } else if (this.emit) this.emit(rec)
      else if (!this.error) this.recordings.push(rec)
    } finally {
      this.values?.clear()
    }
  }
}
