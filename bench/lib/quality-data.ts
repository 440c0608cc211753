/**
 * Hard datasets for `npm run bench -- quality`, built from a generator seed so defaults can be
 * chosen on one seed and judged on another. Each is hard in a way real recordings are:
 *
 * - subtle-10: ten gestures of the virtual board (five named shapes, five derived from names)
 *   performed at 15% strength (about +-0.3 g, like a phone's gestures), at a random moment in a
 *   1 s window at 50 Hz, recorded in four sessions that each hold the sensor at a different
 *   orientation (gravity along another direction) with its own gyro bias, and imbalanced
 *   (class sizes 10 to 48 windows).
 * - phone-10: like the phone recordings: ten gestures (accelerometer only, 121 samples
 *   of x/y/z in g), a phone held upright (about 1 g on Y, tilt jitter of a few degrees per window),
 *   motions of about +-0.3 g at a random moment, 333 windows with 20-45 per class.
 * - punch-flex-offsets: the real MPU6050 punch/flex windows (test/fixtures, 30 samples of
 *   6 axes), motion scaled to 30%, each window in one of five sessions with an accelerometer
 *   offset up to +-0.8 g per axis and a gyro bias up to +-30 deg/s, plus sensor noise.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseImuCaptureCsv } from '../../src/main/core/dataset/imu-capture-csv'
import { mulberry32 } from '../../src/main/core/util/random'
import { AXES, gaussian, perform, shapeFor } from '../../src/main/sim/gestures'
import type { SampleWindow } from '../../src/shared/dataset'
import { fixturesDir } from '../../test/helpers/fixtures'

export interface BenchDataset {
  name: string
  description: string
  classes: string[]
  windowLength: number
  samples: SampleWindow[]
}

const sample = (id: string, label: string, values: number[][]): SampleWindow => ({ id, label, split: 'train', axes: [...AXES], rateHz: 50, values, source: 'bench', createdAt: '' })

/** A unit vector: which way gravity points in a session's grip. */
function direction(r: () => number): number[] {
  const v = [gaussian(r), gaussian(r), gaussian(r) + 1.5]
  const n = Math.hypot(...v)
  return v.map((x) => x / n)
}

/** `counts[label]` windows of each class in turn (the order the generators draw them), made by `make`. */
function windowsPerClass(counts: Record<string, number>, make: (label: string, i: number) => SampleWindow): SampleWindow[] {
  return Object.entries(counts).flatMap(([label, n]) => Array.from({ length: n }, (_, i) => make(label, i)))
}

/**
 * The motion of one gesture of the virtual board at 15% strength, placed at a random moment in a
 * window of T samples at `rate` Hz: one row per sample (every axis of the shape), zero outside the
 * gesture. Draws from `r` in the same order as before it was shared (performance, then onset).
 */
function weakGesture(shape: ReturnType<typeof shapeFor>, r: () => number, T: number, rate: number): number[][] {
  const perf = perform(shape, r)
  const strength = perf.strength * 0.15
  const onset = r() * Math.max(0, T / rate - perf.seconds)
  const still = AXES.map(() => 0)
  return Array.from({ length: T }, (_, t) => {
    const time = t / rate - onset
    return time >= 0 && time <= perf.seconds ? shape.at(time / perf.seconds, strength) : still
  })
}

export function subtleGestures(seed: number): BenchDataset {
  const counts = { wave: 48, punch: 40, flex: 36, circle: 30, shake: 26, tap: 22, lift: 18, twist: 14, drop: 12, swipe: 10 }
  const T = 50
  const rate = 50
  const r = mulberry32(seed * 7919 + 1)
  const sessions = Array.from({ length: 4 }, () => ({ gravity: direction(r), gyroBias: [0, 1, 2].map(() => (r() - 0.5) * 10) }))
  const classes = Object.keys(counts)
  const samples = windowsPerClass(counts, (label, i) => {
    const session = sessions[Math.floor(r() * sessions.length)]
    const motion = weakGesture(shapeFor(label), r, T, rate)
    const values = motion.map((m) => m.map((x, a) => (a < 3 ? x + session.gravity[a] + 0.015 * gaussian(r) : x + session.gyroBias[a - 3] + 1.5 * gaussian(r))))
    return sample(`${label}-${i}`, label, values)
  })
  return { name: 'subtle-10', description: 'virtual-board gestures at 15% strength, random onset, 4 sessions with different grips and gyro bias, 10 imbalanced classes (10-48 windows), 50 x 6 at 50 Hz', classes, windowLength: T, samples }
}

export function phoneGestures(seed: number): BenchDataset {
  const counts = { wave: 45, punch: 42, flex: 40, circle: 36, shake: 34, knock: 32, lift: 30, twist: 26, drop: 28, swipe: 20 }
  const T = 121
  const rate = 100
  const r = mulberry32(seed * 15485863 + 5)
  const classes = Object.keys(counts)
  const samples = windowsPerClass(counts, (label, i) => {
    const motion = weakGesture(shapeFor(label), r, T, rate)
    const tilt = [(r() - 0.5) * 0.15, 0, (r() - 0.5) * 0.15]
    const values = motion.map((m) => [0, 1, 2].map((a) => m[a] + (a === 1 ? 0.98 : 0) + tilt[a] + 0.01 * gaussian(r)))
    return { ...sample(`${label}-${i}`, label, values), axes: ['aX', 'aY', 'aZ'], rateHz: rate }
  })
  return { name: 'phone-10', description: 'ten gestures at 15% strength (about +-0.3 g), accelerometer only, 121 x 3 at 100 Hz, phone held upright (~1 g on Y, tilt jitter), random onset, 333 windows (20-45 per class)', classes, windowLength: T, samples }
}

/** The three datasets from one generator seed; `only` (a comma list of names) keeps some of them. */
export function qualityDatasets(seed: number, only?: string): BenchDataset[] {
  return [phoneGestures(seed), subtleGestures(seed), punchFlexOffsets(seed, fixturesDir)].filter((d) => !only || only.split(',').includes(d.name))
}

export function punchFlexOffsets(seed: number, fixturesDir: string): BenchDataset {
  const r = mulberry32(seed * 104729 + 3)
  const sessions = Array.from({ length: 5 }, () => ({ accel: [0, 1, 2].map(() => (r() - 0.5) * 1.6), gyro: [0, 1, 2].map(() => (r() - 0.5) * 60) }))
  const samples: SampleWindow[] = []
  for (const label of ['punch', 'flex']) {
    const csv = parseImuCaptureCsv(readFileSync(join(fixturesDir, 'datasets', 'mpu6050-punch-flex', `${label}.csv`), 'utf8'))
    csv.windows.forEach((w, i) => {
      const s = sessions[Math.floor(r() * sessions.length)]
      const values = w.map((row) => row.map((v, a) => (a < 3 ? 0.3 * v + s.accel[a] + 0.03 * gaussian(r) : 0.3 * v + s.gyro[a - 3] + 3 * gaussian(r))))
      samples.push(sample(`${label}-${i}`, label, values))
    })
  }
  return {
    name: 'punch-flex-offsets',
    description: 'real MPU6050 punch/flex (17 + 43 windows of 30 x 6), motion scaled to 30%, 5 sessions with accel offsets up to +-0.8 g and gyro bias up to +-30 deg/s, noise 0.03 g / 3 deg/s',
    classes: ['punch', 'flex'],
    windowLength: 30,
    samples
  }
}
