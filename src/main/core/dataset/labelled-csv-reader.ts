import { MicroforgeError } from '../../../shared/errors'
import { MAX_SAMPLE_MAGNITUDE, magnitudeProblem } from '../../../shared/dataset'
import { defaultAxisNames, parseFiniteNumber } from '../serial/number-tokens'
import { defaultAxes, planColumns, rateFromTimes, type ColumnPlan } from './csv-columns'
import type { LabelledCsv, LabelledCsvOptions, LabelledWindow } from './labelled-csv'
import { splitCsvLine } from './labelled-csv'

/** Lines after the header read before the columns' roles are decided (as the whole-text parser did). */
const SAMPLE_LINES = 50

/** A growable column of numbers: 8 or 4 bytes a row instead of a string and an array per cell. */
class Column<T extends Float64Array | Int32Array | Uint8Array> {
  length = 0
  constructor(private data: T) {}
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new (this.data.constructor as new (n: number) => T)(Math.max(1024, this.data.length * 2))
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = v
  }
  at(k: number): number {
    return this.data[k]
  }
}

/**
 * The labelled-CSV parser fed one line at a time (parseLabelledCsv feeds it a whole text; the import
 * feeds it lines read from a file stream), so a large file is never held as text, lines or cells.
 * Per row it keeps the axis values read and a few numbers (line, label, window, time, split); the
 * rules (and every message, with the line it names) are those documented in labelled-csv.ts.
 */
export class LabelledCsvReader {
  private readonly name: string
  private lineNo = 0
  private header: string[] | null = null
  private pending: { line: number; text: string }[] = []
  private plan: ColumnPlan | null = null
  private axisCols: number[] = []
  private candidates: number[] = []
  private readonly values: number[][] = []
  private readonly line = new Column(new Int32Array(1024))
  private readonly labelId = new Column(new Int32Array(1024))
  private readonly windowId = new Column(new Int32Array(1024))
  private readonly windowNum = new Column(new Float64Array(1024))
  private readonly time = new Column(new Float64Array(1024))
  private readonly split = new Column(new Uint8Array(1024))
  /** 1 where a blank line came before the row. */
  private readonly afterBlank = new Column(new Uint8Array(1024))
  private readonly labels: string[] = []
  private readonly labelIds = new Map<string, number>()
  private readonly windowIds = new Map<string, number>()
  private blank = false
  /** The first bad number, thrown only at the end: a wrong column count anywhere is named first. */
  private badNumber: { row: number; error: MicroforgeError } | null = null

  constructor(private readonly opts: LabelledCsvOptions = {}) {
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

  finish(): LabelledCsv {
    if (this.header === null) throw new MicroforgeError('PARSE_ERROR', `${this.name} is empty.`, 'Choose the CSV file with your recordings.')
    if (this.plan === null) this.startRows()
    const plan = this.plan as ColumnPlan
    const header = this.header
    const n = this.values.length
    const windowIsId = plan.windowCol >= 0 && this.anyRepeatedWindow()
    const windows: LabelledWindow[] = []
    let start = 0
    for (let k = 1; k <= n; k++) {
      if (k < n && !this.afterBlank.at(k) && !this.startsNewWindow(k, windowIsId)) continue
      windows.push(this.window(start, k))
      start = k
    }
    if (this.badNumber) throw this.badNumber.error
    const timeColumns = header.filter((_, c) => plan.roles[c] === 'time')
    return {
      axes: this.axisCols.map((c) => header[c]),
      axisColumns: this.candidates.map((c) => header[c]),
      timeColumn: plan.timeCol >= 0 ? header[plan.timeCol] : null,
      timeColumns,
      windows
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
    for (const p of this.pending) this.row(p.line, p.text)
    this.pending = []
  }

  private row(line: number, text: string): void {
    if (text.trim() === '') {
      if (this.values.length > 0) this.blank = true
      return
    }
    const plan = this.plan as ColumnPlan
    const header = this.header as string[]
    const cells = splitCsvLine(text)
    if (cells.length !== header.length) {
      throw new MicroforgeError('PARSE_ERROR', `Line ${line} of ${this.name} has ${cells.length} columns, the header has ${header.length}.`, 'Fix or delete that line and import again.')
    }
    const row = this.values.length
    const v = new Array<number>(this.axisCols.length)
    for (let a = 0; a < this.axisCols.length; a++) {
      const c = this.axisCols[a]
      const x = parseFiniteNumber(cells[c])
      v[a] = x ?? 0
      if (this.badNumber !== null) continue
      if (x === null) {
        this.badNumber = { row, error: new MicroforgeError('PARSE_ERROR', `Line ${line} of ${this.name}, column ${c + 1}: not a finite number.`, 'Fix or delete that line and import again.') }
      } else if (Math.abs(x) > MAX_SAMPLE_MAGNITUDE) {
        const p = magnitudeProblem(`Line ${line} of ${this.name}, column ${c + 1}`)
        this.badNumber = { row, error: new MicroforgeError('PARSE_ERROR', p.message, p.hint) }
      }
    }
    this.values.push(v)
    this.line.push(line)
    this.afterBlank.push(this.blank ? 1 : 0)
    this.blank = false
    this.labelId.push(plan.labelCol >= 0 ? this.intern(this.labelIds, cells[plan.labelCol], this.labels) : -1)
    this.windowId.push(plan.windowCol >= 0 ? this.intern(this.windowIds, cells[plan.windowCol]) : -1)
    this.windowNum.push(plan.windowCol >= 0 ? Number(cells[plan.windowCol]) : 0)
    this.time.push(plan.timeCol >= 0 ? Number(cells[plan.timeCol]) : 0)
    const s = plan.splitCol >= 0 ? cells[plan.splitCol].toLowerCase() : ''
    this.split.push(s === 'train' ? 1 : s === 'test' ? 2 : 0)
  }

  private intern(ids: Map<string, number>, text: string, names?: string[]): number {
    let id = ids.get(text)
    if (id === undefined) {
      id = ids.size
      ids.set(text, id)
      names?.push(text)
    }
    return id
  }

  /** A window column whose value repeats on the next row (within a block) holds ids, not indices. */
  private anyRepeatedWindow(): boolean {
    for (let k = 1; k < this.values.length; k++) if (!this.afterBlank.at(k) && this.windowId.at(k) === this.windowId.at(k - 1)) return true
    return false
  }

  private startsNewWindow(k: number, windowIsId: boolean): boolean {
    const plan = this.plan as ColumnPlan
    if (plan.labelCol >= 0 && this.labelId.at(k) !== this.labelId.at(k - 1)) return true
    if (plan.windowCol >= 0) {
      if (windowIsId ? this.windowId.at(k) !== this.windowId.at(k - 1) : !(this.windowNum.at(k) > this.windowNum.at(k - 1))) return true
    }
    if (plan.timeCol >= 0 && this.time.at(k) < this.time.at(k - 1)) return true
    return false
  }

  private window(start: number, end: number): LabelledWindow {
    const plan = this.plan as ColumnPlan
    if (this.badNumber && this.badNumber.row < end) throw this.badNumber.error
    const label = plan.labelCol >= 0 ? this.labels[this.labelId.at(start)] : (this.opts.label as string)
    if (label === '') throw new MicroforgeError('PARSE_ERROR', `Line ${this.line.at(start)} of ${this.name} has an empty label.`, 'Give every row a class name.')
    const s = this.split.at(start)
    let rateHz: number | null = null
    if (plan.timeCol >= 0) {
      const ms: number[] = []
      for (let k = start; k < end; k++) ms.push(this.time.at(k) * plan.timeScale)
      rateHz = rateFromTimes(ms)
    }
    return { label, values: this.values.slice(start, end), split: s === 1 ? 'train' : s === 2 ? 'test' : null, rateHz }
  }
}
