import { parseProfileLine } from '../profile/profile-line'
import { defaultAxisNames, isIdentifier, parseFiniteNumber, splitTokens, type Token } from './number-tokens'

/**
 * Turns text lines from a board into samples. Boards in the wild print comma, tab or space
 * separated numbers, Serial Plotter style `aX:0.1,aY:0.2`, a header naming the axes (IMU_Capture
 * prints `aX,aY,aZ,gX,gY,gZ`), sometimes a leading millis()/micros() column, and blank lines
 * between gestures. Anything else (noise at a wrong baud rate, NaN from a dead sensor, a line cut
 * in half) is counted, never fatal.
 */

export type TimestampUnit = 'ms' | 'us'

export interface LineParserOptions {
  /** 'auto' finds a leading timestamp column from the header or from increasing integers. */
  timestamp?: 'auto' | 'none' | TimestampUnit
  /** Consistent lines needed before the column layout is decided (no header). */
  lockLines?: number
}

export interface Layout {
  axes: string[]
  /** Total numbers per line, the timestamp included. */
  columns: number
  /** Unit of the first column when it is a timestamp, else null. */
  timestamp: TimestampUnit | null
  /** Where the axis names came from. */
  namesFrom: 'header' | 'keys' | 'default'
}

/** One sample: the axis values and the board's own clock in ms when it prints one. */
export interface Sample {
  values: number[]
  t: number | null
}

export type StreamItem =
  | { type: 'sample'; sample: Sample }
  /** A blank line, or a repeated header: IMU_Capture's end of a gesture. */
  | { type: 'gap' }
  | { type: 'layout'; layout: Layout }
  /** A line of words the board printed ("IMU initialized"). */
  | { type: 'message'; text: string }

export interface ParserStats {
  lines: number
  samples: number
  blank: number
  messages: number
  /** Not numbers: binary noise, a wrong baud rate, a line cut in half. */
  garbled: number
  /** NaN or inf printed by the board. */
  nonFinite: number
  /** Numbers, but not as many as the layout has columns. */
  wrongColumns: number
  /** Timings, memory or results from Microforge's profile or classify firmware: readable, but not samples. */
  profile: number
}

type Classified =
  | { kind: 'blank' }
  | { kind: 'numbers'; values: number[]; keys: string[] | null }
  | { kind: 'header'; names: string[] }
  | { kind: 'message' }
  | { kind: 'nonFinite' }
  | { kind: 'profile' }
  | { kind: 'garbled' }

const NON_FINITE = /^[+-]?(nan|inf|infinity|ovf)$/i
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/
const TIME_NAME = /^(t|ts|time|timestamp|millis|micros|ms|us|µs|t_?ms|t_?us|time_?ms|time_?us|timestamp_?ms|timestamp_?us)$/i

/** Stateless look at one line. */
export function classifyLine(line: string): Classified {
  if (CONTROL.test(line)) return { kind: 'garbled' }
  const tokens = splitTokens(line)
  if (tokens.length === 0) return { kind: 'blank' }
  const values: number[] = []
  let nonNumbers = 0
  let nonFinite = 0
  for (const t of tokens) {
    const v = parseFiniteNumber(t.text)
    if (v === null) {
      nonNumbers++
      if (NON_FINITE.test(t.text)) nonFinite++
    } else values.push(v)
  }
  if (nonNumbers === 0) {
    return { kind: 'numbers', values, keys: tokens.every((t) => t.key !== null) ? tokens.map((t) => t.key as string) : null }
  }
  if (nonFinite > 0 && nonFinite === nonNumbers) return { kind: 'nonFinite' }
  // `sensor:180 preprocess:210 inference:1200 output:5 us`, `label:punch scores:…`: a board
  // running the profile or classify firmware, not a wrong baud rate.
  const profile = parseProfileLine(line).kind
  if (profile === 'timing' || profile === 'memory' || profile === 'classification') return { kind: 'profile' }
  // A word before the numbers: `Acc 0.1 0.2 0.3`. (`a/g:\t1\t2` arrives keyed and is handled above.)
  if (nonNumbers === 1 && values.length >= 2 && parseFiniteNumber(tokens[0].text) === null && /^[A-Za-z][A-Za-z_/. -]+:?$/.test(tokens[0].text)) {
    return { kind: 'numbers', values, keys: null }
  }
  if (values.length === 0 && tokens.every((t) => t.key === null && isIdentifier(t.text)) && looksLikeHeader(line, tokens)) {
    return { kind: 'header', names: tokens.map((t) => t.text) }
  }
  if (values.length === 0 && /^[\x20-\x7e\u00a0-\u024f]+$/.test(line.trim()) && /[A-Za-z]{2}/.test(line)) return { kind: 'message' }
  return { kind: 'garbled' }
}

function looksLikeHeader(line: string, tokens: Token[]): boolean {
  if (tokens.length < 2) return false
  if (/[,;\t]/.test(line)) return true
  // Space-separated words are usually a sentence ("IMU initialized"); short names are axes.
  return tokens.length >= 3 && tokens.every((t) => t.text.length <= 8)
}

export class LineParser {
  readonly stats: ParserStats = { lines: 0, samples: 0, blank: 0, messages: 0, garbled: 0, nonFinite: 0, wrongColumns: 0, profile: 0 }
  private readonly mode: 'auto' | 'none' | TimestampUnit
  private readonly lockLines: number
  private layout: Layout | null = null
  private header: string[] | null = null
  /** Numeric lines held until the layout is decided. */
  private pending: Array<{ values: number[]; keys: string[] | null }> = []

  constructor(opts: LineParserOptions = {}) {
    this.mode = opts.timestamp ?? 'auto'
    this.lockLines = Math.max(1, opts.lockLines ?? 4)
  }

  get currentLayout(): Layout | null {
    return this.layout
  }

  /** Parses one line; returns what it means (usually one sample, sometimes nothing). */
  push(line: string, out: StreamItem[] = []): StreamItem[] {
    this.stats.lines++
    const c = classifyLine(line)
    switch (c.kind) {
      case 'blank':
        this.stats.blank++
        out.push({ type: 'gap' })
        break
      case 'message':
        this.stats.messages++
        out.push({ type: 'message', text: line.trim() })
        break
      case 'garbled':
        this.stats.garbled++
        break
      case 'profile':
        this.stats.profile++
        break
      case 'nonFinite':
        this.stats.nonFinite++
        break
      case 'header':
        this.onHeader(c.names, out)
        break
      case 'numbers':
        this.onNumbers(c.values, c.keys, out)
        break
    }
    return out
  }

  /** Forgets the layout (another board, another sketch). */
  reset(): void {
    this.layout = null
    this.header = null
    this.pending = []
  }

  private onHeader(names: string[], out: StreamItem[]): void {
    if (this.header && names.join(',') === this.header.join(',')) {
      // The board reset or reprints its header per gesture: a window boundary, same layout.
      out.push({ type: 'gap' })
      return
    }
    this.stats.garbled += this.pending.length
    this.pending = []
    this.header = names
    this.layout = null
    if (this.mode === 'ms' || this.mode === 'us') this.lock(this.mode, out)
    else if (this.mode === 'none' || !TIME_NAME.test(names[0])) this.lock(null, out)
    else {
      const unit = unitFromName(names[0])
      if (unit) this.lock(unit, out)
    }
    out.push({ type: 'gap' })
  }

  private onNumbers(values: number[], keys: string[] | null, out: StreamItem[]): void {
    if (this.layout) {
      if (values.length !== this.layout.columns) {
        this.stats.wrongColumns++
        return
      }
      this.emit(values, out)
      return
    }
    const expected = this.header ? this.header.length : this.pending.length > 0 ? this.pending[0].values.length : values.length
    if (values.length !== expected) {
      if (this.header) {
        this.stats.wrongColumns++
        return
      }
      // The first lines disagree (a half line at connect): start over from this one.
      this.stats.wrongColumns += this.pending.length
      this.pending = []
    }
    this.pending.push({ values, keys })
    if (this.pending.length >= this.lockLines) this.lock(this.decideTimestamp(), out)
  }

  private decideTimestamp(): TimestampUnit | null {
    if (this.mode === 'none') return null
    if (this.mode !== 'auto') return this.mode
    const first = this.pending[0]
    const name = this.header?.[0] ?? first.keys?.[0]
    if (name !== undefined) {
      if (!TIME_NAME.test(name)) return null
      return unitFromName(name) ?? unitFromDeltas(this.pending.map((p) => p.values[0]))
    }
    const cols = first.values.length
    // Without names, only an unmistakable clock counts: integers rising on every line, in front
    // of a usual number of axes.
    if (![2, 4, 7, 10].includes(cols)) return null
    const ts = this.pending.map((p) => p.values[0])
    for (let i = 0; i < ts.length; i++) {
      if (!Number.isInteger(ts[i]) || ts[i] < 0) return null
      if (i > 0 && ts[i] <= ts[i - 1]) return null
    }
    return unitFromDeltas(ts)
  }

  private lock(timestamp: TimestampUnit | null, out: StreamItem[]): void {
    const first = this.pending[0]
    const columns = this.header?.length ?? first.values.length
    let names: string[]
    let namesFrom: Layout['namesFrom']
    if (this.header) {
      names = this.header
      namesFrom = 'header'
    } else if (first.keys) {
      names = first.keys
      namesFrom = 'keys'
    } else {
      names = defaultAxisNames(timestamp ? columns - 1 : columns)
      namesFrom = 'default'
    }
    const axes = timestamp && names.length === columns ? names.slice(1) : names
    this.layout = { axes, columns, timestamp, namesFrom }
    out.push({ type: 'layout', layout: this.layout })
    const held = this.pending
    this.pending = []
    for (const p of held) this.emit(p.values, out)
  }

  private emit(values: number[], out: StreamItem[]): void {
    const layout = this.layout as Layout
    this.stats.samples++
    if (layout.timestamp === null) {
      out.push({ type: 'sample', sample: { values, t: null } })
      return
    }
    const raw = values[0]
    out.push({ type: 'sample', sample: { values: values.slice(1), t: layout.timestamp === 'us' ? raw / 1000 : raw } })
  }
}

function unitFromName(name: string): TimestampUnit | null {
  if (/us|µs|micro/i.test(name)) return 'us'
  if (/ms|milli/i.test(name)) return 'ms'
  return null
}

/**
 * Boards print millis() or micros(). A median step of 100 or more would mean under 10 Hz in ms,
 * rare for a motion sensor, and 10 kHz or less in µs: call it µs.
 */
function unitFromDeltas(ts: number[]): TimestampUnit {
  const deltas: number[] = []
  for (let i = 1; i < ts.length; i++) deltas.push(ts[i] - ts[i - 1])
  if (deltas.length === 0) return 'ms'
  deltas.sort((a, b) => a - b)
  return deltas[deltas.length >> 1] >= 100 ? 'us' : 'ms'
}
