import { defaultUnit } from '../../../shared/signal'
import { parseFiniteNumber } from '../serial/number-tokens'

/**
 * What each column of a table-shaped recording is: a time column (used for the rate, never an
 * axis), a label, a window id, a split, or a sensor axis. Names decide first, values second: a
 * column called `y` full of numbers is an axis, not a label.
 */
export type ColumnRole = 'time' | 'label' | 'window' | 'split' | 'axis'

const LABEL = /^(label|labels|class|class_?name|gesture|target|y|category|activity)$/i
const WINDOW = /^(window|window_?id|sample_?id|sample|gesture_?id|id|recording|segment|seq|sequence|index|idx|sample_?index|step)$/i
const TIME =
  /^(t|ts|time|timestamp|millis|micros|ms|us|µs|t_?ms|t_?us|time_?ms|time_?us|timestamp_?ms|timestamp_?us|time_?s|t_?s|seconds|secs?|s|t_?rel|time_?rel|rel_?time|relative_?time|elapsed|elapsed_?(ms|s|us)|epoch|epoch_?(ms|s|us)|unix|unix_?(ms|s|us))$/i
const SPLIT = /^(split|set|subset)$/i
const SECONDS_NAME = /^(time_?s|t_?s|seconds|secs?|s|t_?rel|time_?rel|rel_?time|relative_?time|elapsed(_?s)?|epoch_?s|unix_?s)$/i
const MICROS_NAME = /(us|µs|micro)/i

export interface ColumnPlan {
  header: string[]
  roles: ColumnRole[]
  /** Index of the time column the rate comes from, -1 when none. */
  timeCol: number
  /** Milliseconds per unit of the time column (1 for ms, 1000 for s, 0.001 for µs). */
  timeScale: number
  labelCol: number
  windowCol: number
  splitCol: number
}

/** Roles of the columns, given the header and some data rows (cells as text). */
export function planColumns(header: string[], rows: string[][]): ColumnPlan {
  const numeric = (c: number): boolean => rows.length > 0 && rows.every((r) => r[c] === undefined || r[c] === '' || parseFiniteNumber(r[c]) !== null)
  const roles: ColumnRole[] = header.map((h, c) => {
    if (TIME.test(h) && numeric(c)) return 'time'
    if (LABEL.test(h) && !numeric(c)) return 'label'
    if (WINDOW.test(h)) return 'window'
    if (SPLIT.test(h) && !numeric(c)) return 'split'
    return 'axis'
  })
  const first = (role: ColumnRole): number => roles.indexOf(role)
  const timeCols = roles.map((r, c) => (r === 'time' ? c : -1)).filter((c) => c >= 0)
  // Several clocks (epoch ms and relative seconds): the one with the finest steps gives the rate.
  let timeCol = -1
  let timeScale = 1
  let best = Infinity
  for (const c of timeCols) {
    const scale = timeUnitMs(header[c], rows.map((r) => Number(r[c])))
    const step = medianStep(rows.map((r) => Number(r[c]) * scale))
    if (step > 0 && step < best) {
      best = step
      timeCol = c
      timeScale = scale
    }
  }
  if (timeCol < 0 && timeCols.length > 0) timeCol = timeCols[0]
  return { header, roles, timeCol, timeScale, labelCol: first('label'), windowCol: first('window'), splitCol: first('split') }
}

/** One line of a table: cells split at commas, semicolons, tabs or runs of spaces; quoted cells may hold the separator and "" for a quote. */
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

/** Whether the header names a label column whose first values are words, not numbers. */
export function hasTextLabelColumn(header: string[], rows: string[][]): boolean {
  return planColumns(header, rows).labelCol >= 0
}

/**
 * The axes imported when the user has not picked: motion sensors (accelerometer, gyroscope) when
 * the names say which they are, so orientation angles and magnetometers stay out; else every axis.
 */
export function defaultAxes(names: string[]): string[] {
  const motion = names.filter((n) => {
    const u = defaultUnit(n)
    return u === 'g' || u === 'deg/s'
  })
  return motion.length > 0 ? motion : names
}

/** Milliseconds per unit of a time column, from its name, else from its values. */
export function timeUnitMs(name: string, values: number[]): number {
  if (MICROS_NAME.test(name) && !SECONDS_NAME.test(name)) return 0.001
  if (SECONDS_NAME.test(name)) return 1000
  const finite = values.filter((v) => Number.isFinite(v))
  if (finite.length === 0) return 1
  const min = Math.min(...finite)
  // Epoch clocks: microseconds since 1970 are ~1.7e15, milliseconds ~1.7e12.
  if (min > 1e14) return 0.001
  if (min > 1e11) return 1
  const step = medianStep(finite)
  if (step > 0 && step < 0.5 && finite.some((v) => !Number.isInteger(v))) return 1000
  return 1
}

/** Samples per second from times in ms: the mean of the usual steps (phones alternate 16 and 17 ms). */
export function rateFromTimes(ms: number[]): number | null {
  if (ms.length < 2) return null
  const steps: number[] = []
  for (let k = 1; k < ms.length; k++) steps.push(ms[k] - ms[k - 1])
  const med = median(steps)
  if (!(med > 0)) return null
  const usual = steps.filter((s) => s >= 0.5 * med && s <= 1.5 * med)
  const mean = usual.reduce((a, b) => a + b, 0) / usual.length
  return Math.round((1000 / mean) * 100) / 100
}

function medianStep(values: number[]): number {
  const steps: number[] = []
  for (let k = 1; k < values.length; k++) if (Number.isFinite(values[k]) && Number.isFinite(values[k - 1])) steps.push(values[k] - values[k - 1])
  return steps.length ? median(steps) : 0
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
