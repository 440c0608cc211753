import { mulberry32 } from '../core/util/random'

/**
 * Synthetic accelerometer + gyroscope gestures (g and °/s, as an MPU6050 sketch prints them),
 * distinct per class so a model can learn them, with the variation real people bring: speed,
 * strength, wrist tilt, sensor noise.
 */
export const AXES = ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] as const

export type Rand = () => number

export interface GestureShape {
  /** Typical duration, seconds. */
  seconds: number
  /** Value at phase p (0..1 through the gesture) for strength k; 6 axes, before gravity and noise. */
  at(p: number, k: number): number[]
}

const TAU = Math.PI * 2
const bump = (p: number, c: number, w: number): number => Math.exp(-(((p - c) / w) ** 2))

const SHAPES: Record<string, GestureShape> = {
  // Side to side twice: aX swings, the wrist turns about Z.
  wave: { seconds: 1.2, at: (p, k) => [2.0 * k * Math.sin(TAU * 2 * p), 0.2 * k * Math.sin(TAU * 4 * p), 0, 20 * k * Math.sin(TAU * 2 * p), 0, 250 * k * Math.cos(TAU * 2 * p)] },
  // A sharp push forward along Y, then the stop.
  punch: { seconds: 0.5, at: (p, k) => [0, 2.5 * k * (bump(p, 0.3, 0.12) - 0.8 * bump(p, 0.62, 0.1)), 0.3 * k * bump(p, 0.3, 0.2), 0, 40 * k * bump(p, 0.4, 0.2), 0] },
  // Curl the forearm up and back: a rotation about X that tilts gravity from Z into Y, and the
  // hand's lift (speeding up, then slowing down) along X.
  flex: { seconds: 1.0, at: (p, k) => { const th = 1.3 * k * Math.sin(Math.PI * p); return [1.6 * k * Math.sin(TAU * p), Math.sin(th), Math.cos(th) - 1, 180 * k * Math.cos(Math.PI * p) * Math.sin(Math.PI * p) * 2, 0, 0] } },
  // A circle in the X-Y plane.
  circle: { seconds: 1.5, at: (p, k) => [1.5 * k * Math.cos(TAU * p), 1.5 * k * Math.sin(TAU * p), 0, 0, 0, 120 * k] },
  // Fast shaking along X.
  shake: { seconds: 0.8, at: (p, k) => [2.2 * k * Math.sin(TAU * 7 * p), 0, 0, 0, 0, 90 * k * Math.sin(TAU * 7 * p)] }
}

/** The shape for a class; unknown names get their own mix derived from the name. */
export function shapeFor(name: string): GestureShape {
  const known = SHAPES[name.toLowerCase()]
  if (known) return known
  let h = 2166136261
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619)
  const r = mulberry32(h >>> 0)
  const freq = 1 + Math.floor(r() * 4)
  const amp = [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1].map((a) => a * 1.5)
  const gyro = [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1].map((g) => g * 200)
  return { seconds: 0.6 + r(), at: (p, k) => [...amp.map((a, i) => k * a * Math.sin(TAU * freq * p + i)), ...gyro.map((g, i) => k * g * Math.cos(TAU * freq * p + i))] }
}

export function gaussian(rand: Rand): number {
  const u = Math.max(rand(), 1e-12)
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(TAU * rand())
}

/** One performance of a gesture: fixed strength, speed and tilt for its whole duration. */
export interface Performance {
  shape: GestureShape
  strength: number
  seconds: number
  tilt: number
}

export function perform(shape: GestureShape, rand: Rand): Performance {
  return { shape, strength: 0.8 + 0.4 * rand(), seconds: shape.seconds * (0.85 + 0.3 * rand()), tilt: (rand() - 0.5) * 0.3 }
}

/** A sample at time t (s) into a performance, or at rest when perf is null; gravity on Z plus noise. */
export function sampleAt(perf: Performance | null, t: number, rand: Rand): number[] {
  const base = perf ? perf.shape.at(Math.min(1, t / perf.seconds), perf.strength) : [0, 0, 0, 0, 0, 0]
  const tilt = perf?.tilt ?? 0
  const out = [base[0] + Math.sin(tilt), base[1], base[2] + Math.cos(tilt), base[3], base[4], base[5]]
  for (let a = 0; a < 3; a++) out[a] = clamp(out[a] + 0.015 * gaussian(rand), -4, 4)
  for (let a = 3; a < 6; a++) out[a] = clamp(out[a] + 1.5 * gaussian(rand), -2000, 2000)
  return out
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v
}
