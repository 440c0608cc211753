import { MicroforgeError } from '../../../shared/errors'
import type { Preprocessing, PreprocessingChoice } from '../../../shared/training'

/** Full-scale settings real IMUs offer (MPU6050, LSM6DS3, BMI160...): ±g and ±degrees per second. */
const ACCEL_RANGES_G = [2, 4, 8, 16]
const GYRO_RANGES_DPS = [125, 250, 500, 1000, 2000]

export type AxisKind = 'accel' | 'gyro' | 'other'

/** Guesses the sensor from the axis name the sketch printed (aX, accX, gZ, gyroY, ...). */
export function axisKind(name: string): AxisKind {
  const n = name.toLowerCase()
  if (/^(a|acc|accel)[_-]?[xyz]$/.test(n) || n.startsWith('acc')) return 'accel'
  if (/^(g|gyr|gyro)[_-]?[xyz]$/.test(n) || n.startsWith('gyr')) return 'gyro'
  return 'other'
}

/**
 * The fixed range per axis: the smallest standard full scale that holds every observed value (the
 * sensor clips there anyway), or the observed min..max for axes that are not accelerometer or gyro.
 * Fixed ranges, unlike statistics, do not change when more data is recorded.
 */
export function suggestRanges(axes: string[], windows: number[][][]): Array<{ min: number; max: number }> {
  return axes.map((name, a) => {
    let lo = Infinity
    let hi = -Infinity
    for (const w of windows) for (const row of w) {
      const v = row[a]
      if (v < lo) lo = v
      if (v > hi) hi = v
    }
    if (!Number.isFinite(lo)) return { min: -1, max: 1 }
    const peak = Math.max(Math.abs(lo), Math.abs(hi))
    const kind = axisKind(name)
    const table = kind === 'accel' ? ACCEL_RANGES_G : kind === 'gyro' ? GYRO_RANGES_DPS : null
    if (table) {
      const full = table.find((r) => peak <= r) ?? Math.ceil(peak)
      return { min: -full, max: full }
    }
    return hi > lo ? { min: lo, max: hi } : { min: lo - 1, max: hi + 1 }
  })
}

/** Cuts or edge-pads to length and keeps only the chosen axis columns (indices into the raw axes). */
export function shapeWindow(values: number[][], columns: number[], length: number): number[][] {
  const out: number[][] = []
  for (let t = 0; t < length; t++) {
    // Edge padding repeats the last sample: a zero would be a jump to "no gravity" for an accelerometer.
    const row = values[Math.min(t, values.length - 1)]
    out.push(columns.map((c) => row[c]))
  }
  return out
}

/** Per-axis mean and standard deviation over every sample of the shaped windows (optionally each window's own mean removed first). */
function axisStats(shaped: number[][][], axes: number, windowLength: number, removeWindowMean: boolean): { mean: number[]; std: number[] } {
  const n = shaped.length * windowLength
  if (n === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no training windows to compute statistics from.', 'Record or import some windows first.')
  const mean = new Array<number>(axes).fill(0)
  const sq = new Array<number>(axes).fill(0)
  for (const w of shaped) for (const row of w) row.forEach((v, a) => (mean[a] += v))
  for (let a = 0; a < axes; a++) mean[a] /= n
  for (const w of shaped) {
    const own = removeWindowMean ? mean.map((_, a) => w.reduce((s, row) => s + row[a], 0) / w.length) : mean
    for (const row of w) row.forEach((v, a) => (sq[a] += (v - own[a]) ** 2))
  }
  // A constant axis would divide by zero; 1 keeps it as a harmless constant input.
  const std = sq.map((s) => Math.sqrt(s / n) || 1)
  return { mean, std }
}

/**
 * Builds the full recipe for one method from the user's choice and the training windows (raw
 * values, all axes of the samples). Statistics come from the training split only, so the test stays
 * unseen. 'auto' is resolved by the caller (see preprocess-auto.ts); here it means z-score.
 */
export function fitPreprocessing(choice: PreprocessingChoice, sampleAxes: string[], trainWindows: number[][][], defaultLength: number): Preprocessing {
  const axes = choice.axes ?? sampleAxes
  const missing = axes.filter((a) => !sampleAxes.includes(a))
  if (missing.length) throw new MicroforgeError('INVALID_ARGUMENT', `The samples have no axis ${missing.join(', ')}.`, `Choose from: ${sampleAxes.join(', ')}.`)
  const columns = axes.map((a) => sampleAxes.indexOf(a))
  const windowLength = choice.windowLength ?? defaultLength
  const shaped = trainWindows.map((w) => shapeWindow(w, columns, windowLength))
  const method = !choice.method || choice.method === 'auto' ? 'zscore' : choice.method
  if (method === 'none') return { version: 1, axes, windowLength, method, offset: axes.map(() => 0), scale: axes.map(() => 1) }
  if (method === 'fixed-range') {
    const ranges = choice.ranges ?? suggestRanges(axes, shaped)
    if (ranges.length !== axes.length) throw new MicroforgeError('INVALID_ARGUMENT', `Give one range per axis (${axes.length}), not ${ranges.length}.`, 'Edit the ranges so each selected axis has one.')
    for (const r of ranges) if (!(r.max > r.min)) throw new MicroforgeError('INVALID_ARGUMENT', `The range ${r.min}..${r.max} is empty.`, 'Each range needs max greater than min.')
    return { version: 1, axes, windowLength, method, ranges, offset: ranges.map((r) => r.min), scale: ranges.map((r) => 1 / (r.max - r.min)) }
  }
  const removeWindowMean = method === 'window-offset'
  const { mean, std } = axisStats(shaped, axes.length, windowLength, removeWindowMean)
  const p: Preprocessing = { version: 1, axes, windowLength, method, mean, std, offset: mean, scale: std.map((s) => 1 / s) }
  if (removeWindowMean) p.removeWindowMean = true
  return p
}

const f32 = Math.fround

/**
 * Applies the recipe to windows of raw values (columns in sampleAxes order) and returns one flat
 * Float32Array [windows, windowLength, axes], ready to become a tensor. Every step is a float32
 * operation in the order preprocessing.h does it (subtract, multiply; then per axis a running sum,
 * a division and a subtraction), so firmware and training see the same bits.
 */
export function applyPreprocessing(p: Preprocessing, sampleAxes: string[], windows: number[][][]): Float32Array {
  const columns = p.axes.map((a) => {
    const i = sampleAxes.indexOf(a)
    if (i < 0) throw new MicroforgeError('INVALID_ARGUMENT', `A window has no axis ${a}.`, 'Every window needs the axes the model was trained on.')
    return i
  })
  const C = columns.length
  const T = p.windowLength
  const offset = p.offset.map(f32)
  const scale = p.scale.map(f32)
  const out = new Float32Array(windows.length * T * C)
  windows.forEach((w, i) => {
    const shaped = shapeWindow(w, columns, T)
    const base = i * T * C
    for (let t = 0; t < T; t++) for (let a = 0; a < C; a++) out[base + t * C + a] = f32(f32(shaped[t][a]) - offset[a]) * scale[a]
    if (p.removeWindowMean) {
      for (let a = 0; a < C; a++) {
        let sum = 0
        for (let t = 0; t < T; t++) sum = f32(sum + out[base + t * C + a])
        const mean = f32(sum / T)
        for (let t = 0; t < T; t++) out[base + t * C + a] = out[base + t * C + a] - mean
      }
    }
  })
  return out
}
