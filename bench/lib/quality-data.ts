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

export function subtleGestures(seed: number): BenchDataset {
  const classes = ['wave', 'punch', 'flex', 'circle', 'shake', 'tap', 'lift', 'twist', 'drop', 'swipe']
  const counts = [48, 40, 36, 30, 26, 22, 18, 14, 12, 10]
  const T = 50
  const rate = 50
  const r = mulberry32(seed * 7919 + 1)
  const sessions = Array.from({ length: 4 }, () => ({ gravity: direction(r), gyroBias: [0, 1, 2].map(() => (r() - 0.5) * 10) }))
  const samples: SampleWindow[] = []
  classes.forEach((label, c) => {
    const shape = shapeFor(label)
    for (let i = 0; i < counts[c]; i++) {
      const session = sessions[Math.floor(r() * sessions.length)]
      const perf = perform(shape, r)
      const strength = perf.strength * 0.15
      const onset = r() * Math.max(0, T / rate - perf.seconds)
      const values = Array.from({ length: T }, (_, t) => {
        const time = t / rate - onset
        const motion = time >= 0 && time <= perf.seconds ? shape.at(time / perf.seconds, strength) : [0, 0, 0, 0, 0, 0]
        return motion.map((m, a) => (a < 3 ? m + session.gravity[a] + 0.015 * gaussian(r) : m + session.gyroBias[a - 3] + 1.5 * gaussian(r)))
      })
      samples.push(sample(`${label}-${i}`, label, values))
    }
  })
  return { name: 'subtle-10', description: 'virtual-board gestures at 15% strength, random onset, 4 sessions with different grips and gyro bias, 10 imbalanced classes (10-48 windows), 50 x 6 at 50 Hz', classes, windowLength: T, samples }
}

export function phoneGestures(seed: number): BenchDataset {
  const classes = ['wave', 'punch', 'flex', 'circle', 'shake', 'knock', 'lift', 'twist', 'drop', 'swipe']
  const counts = [45, 42, 40, 36, 34, 32, 30, 26, 28, 20]
  const T = 121
  const rate = 100
  const r = mulberry32(seed * 15485863 + 5)
  const samples: SampleWindow[] = []
  classes.forEach((label, c) => {
    const shape = shapeFor(label)
    for (let i = 0; i < counts[c]; i++) {
      const perf = perform(shape, r)
      const strength = perf.strength * 0.15
      const onset = r() * Math.max(0, T / rate - perf.seconds)
      const tilt = [(r() - 0.5) * 0.15, 0, (r() - 0.5) * 0.15]
      const values = Array.from({ length: T }, (_, t) => {
        const time = t / rate - onset
        const motion = time >= 0 && time <= perf.seconds ? shape.at(time / perf.seconds, strength) : [0, 0, 0]
        return [0, 1, 2].map((a) => motion[a] + (a === 1 ? 0.98 : 0) + tilt[a] + 0.01 * gaussian(r))
      })
      samples.push({ ...sample(`${label}-${i}`, label, values), axes: ['aX', 'aY', 'aZ'], rateHz: rate })
    }
  })
  return { name: 'phone-10', description: 'ten gestures at 15% strength (about +-0.3 g), accelerometer only, 121 x 3 at 100 Hz, phone held upright (~1 g on Y, tilt jitter), random onset, 333 windows (20-45 per class)', classes, windowLength: T, samples }
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
