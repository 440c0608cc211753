import { LabelledCsvReader, type CsvRecording, type LabelledCsvOptions } from './labelled-csv-reader'
import { rowsOf } from './window-rows'

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

/** A whole text, read as a file is: a first pass for the columns and recordings, a second for the samples. */
export function parseLabelledCsv(text: string, opts: LabelledCsvOptions = {}): LabelledCsv {
  const lines = text.split(/\r\n|\r|\n/)
  const first = new LabelledCsvReader(opts)
  for (const line of lines) first.push(line)
  const { windowIsId, recordings: _r, ...columns } = first.finish()
  const windows: LabelledWindow[] = []
  const second = new LabelledCsvReader(opts, { windowIsId, onRecording: (r) => windows.push(labelledWindow(r, columns.axes.length)) })
  for (const line of lines) second.push(line)
  second.finish()
  return { ...columns, windows }
}

/** A recording with its samples as rows of numbers. */
export function labelledWindow(r: CsvRecording, axes: number): LabelledWindow {
  return { label: r.label, values: rowsOf(r.values as Float64Array, axes), split: r.split, rateHz: r.rateHz }
}
