/**
 * Where each axis of the signal spec comes from on the board, and how the board's reading becomes
 * the value the data was recorded in. Every firmware template reads the same six channels
 * (aX, aY, aZ in g; gX, gY, gZ in degrees per second); a project may record fewer axes, in another
 * order, in m/s^2 or rad/s, or as raw counts with a scale. The firmware must hand the model the
 * numbers it was trained on, so the conversion is derived here, once, from the spec.
 */
import { MicroforgeError } from '../../../shared/errors'
import { UNIT_CHOICES } from '../../../shared/signal'

/** The sensor channels every firmware template reads, in this order (g and degrees per second). */
export const SENSOR_CHANNELS = ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] as const

type Quantity = 'acceleration' | 'rotation'

/** Units the firmware can convert to, keyed by a normalized spelling; factor = value in unit per g or per deg/s. */
const UNITS: Record<string, { quantity: Quantity; factor: number; name: string }> = {
  g: { quantity: 'acceleration', factor: 1, name: 'g' },
  mg: { quantity: 'acceleration', factor: 1000, name: 'mg' },
  'm/s^2': { quantity: 'acceleration', factor: 9.80665, name: 'm/s^2' },
  'm/s2': { quantity: 'acceleration', factor: 9.80665, name: 'm/s^2' },
  'm/s²': { quantity: 'acceleration', factor: 9.80665, name: 'm/s^2' },
  'deg/s': { quantity: 'rotation', factor: 1, name: 'deg/s' },
  dps: { quantity: 'rotation', factor: 1, name: 'deg/s' },
  '°/s': { quantity: 'rotation', factor: 1, name: 'deg/s' },
  'rad/s': { quantity: 'rotation', factor: Math.PI / 180, name: 'rad/s' },
  mdps: { quantity: 'rotation', factor: 1000, name: 'mdps' }
}

export const KNOWN_UNITS = [...UNIT_CHOICES.acceleration, ...UNIT_CHOICES.rotation]

export interface AxisSource {
  axis: string
  /** Index into the sensor reading {aX, aY, aZ, gX, gY, gZ}. */
  channel: number
  /** recorded value = sensor reading (g or deg/s) * gain: the unit's factor divided by the spec's scale. */
  gain: number
  /** The unit the axis is recorded in, spelled one way (never the project's text). */
  unit: string
}

/** Which of the six sensor channels an axis name means (aX, accX, acc_x, gyroZ, gZ, ...), or -1. */
export function sensorChannel(axis: string): number {
  const n = axis.toLowerCase().replace(/[^a-z]/g, '')
  const m = /^(a|acc|accel|accelerometer|g|gyr|gyro|gyroscope)([xyz])$/.exec(n)
  if (!m) return -1
  const base = m[1].startsWith('a') ? 0 : 3
  return base + 'xyz'.indexOf(m[2])
}

function unitOf(unit: string | null | undefined): (typeof UNITS)[string] | null {
  if (unit === null || unit === undefined) return null
  const key = unit.trim().toLowerCase().replace(/\s+/g, '').replace('**', '^')
  return Object.prototype.hasOwnProperty.call(UNITS, key) ? UNITS[key] : null
}

/**
 * Each axis's channel and gain. Axes named only x, y, z (phone and logger exports) are the
 * accelerometer unless their unit is a rotation. A unit the firmware cannot produce, or one that
 * contradicts the axis (aX in deg/s), is an error that says which axis and what to do.
 */
export function axisSources(spec: { axes: string[]; units?: Array<string | null>; scale?: number[] }): AxisSource[] {
  return spec.axes.map((axis, i) => {
    const rawUnit = spec.units?.[i] ?? null
    const unit = unitOf(rawUnit)
    if (rawUnit !== null && !unit) {
      throw new MicroforgeError(
        'UNSUPPORTED',
        `The axis "${axis.slice(0, 32)}" is recorded in "${String(rawUnit).slice(0, 32)}", a unit the firmware cannot convert the sensor's reading to.`,
        `Set its unit to one of ${KNOWN_UNITS.join(', ')} (microforge project set PROJECT --units ...).`
      )
    }
    let channel = sensorChannel(axis)
    const single = /^[xyz]$/i.exec(axis.trim())
    if (channel < 0 && single) channel = (unit?.quantity === 'rotation' ? 3 : 0) + 'xyz'.indexOf(single[0].toLowerCase())
    if (channel < 0) {
      throw new MicroforgeError(
        'UNSUPPORTED',
        `The model uses the axis "${axis.slice(0, 32)}", which the firmware templates cannot read (they read ${SENSOR_CHANNELS.join(', ')}).`,
        'Train on accelerometer and gyroscope axes only (pick them in the import preview).'
      )
    }
    const quantity: Quantity = channel < 3 ? 'acceleration' : 'rotation'
    if (unit && unit.quantity !== quantity) {
      throw new MicroforgeError(
        'UNSUPPORTED',
        `The axis "${axis.slice(0, 32)}" is ${quantity === 'acceleration' ? 'an accelerometer' : 'a gyroscope'} axis but is recorded in ${unit.name}.`,
        `Set its unit to ${quantity === 'acceleration' ? 'g, mg or m/s^2' : 'deg/s, rad/s or mdps'}.`
      )
    }
    const scale = spec.scale?.[i] ?? 1
    if (!Number.isFinite(scale) || scale === 0) {
      throw new MicroforgeError('INVALID_ARGUMENT', `The axis "${axis.slice(0, 32)}" has the scale ${String(scale)}, so its raw values cannot be computed.`, 'Set a non-zero scale (1 when the values are already in the unit).')
    }
    const native = quantity === 'acceleration' ? 'g' : 'deg/s'
    return { axis, channel, gain: (unit?.factor ?? 1) / scale, unit: unit?.name ?? native }
  })
}

export interface RecordedSignal {
  axes: string[]
  units: Array<string | null>
  scale: number[]
}

/** axisSources for the model's axes, their units and scale looked up by name in the signal spec (g or deg/s, scale 1 when absent). */
export function axisSourcesIn(axes: string[], signal?: RecordedSignal): AxisSource[] {
  const at = axes.map((a) => signal?.axes.indexOf(a) ?? -1)
  return axisSources({
    axes,
    units: at.map((i) => (i >= 0 ? (signal!.units[i] ?? null) : null)),
    scale: at.map((i) => (i >= 0 ? (signal!.scale[i] ?? 1) : 1))
  })
}
