import { z } from 'zod'

/**
 * The signal spec: the one contract between the board and the model, stored once in project.json.
 * Capture and Import write it; Train, Optimize, Deploy, the virtual board and Profile read it.
 * Nothing else decides a rate or a window.
 */
export interface SignalSpec {
  /** Samples per second; null only while nobody knows (no timing in the data, nobody said). */
  sampleRateHz: number | null
  /** How the rate was learned, so the UI can say how far to trust it. */
  rateSource: RateSource | null
  /** Samples per window; null until the first capture or import decides it. */
  windowLength: number | null
  /** Samples between window starts when a long recording is cut into windows (= windowLength: no overlap). */
  hop: number | null
  /** Axis names in the order the board sends them and the model reads them. */
  axes: string[]
  /** Unit of each axis ('g', 'deg/s', 'deg', 'uT'), null when unknown. Same length as axes. */
  units: Array<string | null>
  /** value in units = raw value * scale, per axis. Same length as axes. */
  scale: number[]
  sensor: SensorInfo
  /**
   * How raw values become model inputs (owned by the Train step; firmware repeats it exactly).
   * Empty until a model is trained.
   */
  preprocessing: Record<string, unknown>
}

export type RateSource = 'timestamps' | 'arrival' | 'user' | 'file' | 'earlier-version'

export interface SensorInfo {
  /** 'Nano 33 BLE Sense IMU', 'MPU6050', 'virtual board', ... */
  name: string | null
  baud: number | null
  port: string | null
}

export const RATE_SOURCES = ['timestamps', 'arrival', 'user', 'file', 'earlier-version'] as const

const axisName = z.string().min(1).max(32)
const rate = z.number().positive().max(100_000)
const length = z.number().int().min(1).max(100_000)

export const sensorInfoSchema = z
  .object({
    name: z.string().max(200).nullable(),
    baud: z.number().int().positive().max(10_000_000).nullable(),
    port: z.string().max(4096).nullable()
  })
  .strict()

export const signalSpecSchema = z
  .object({
    sampleRateHz: rate.nullable(),
    rateSource: z.enum(RATE_SOURCES).nullable(),
    windowLength: length.nullable(),
    hop: length.nullable(),
    axes: z.array(axisName).max(32),
    units: z.array(z.string().max(32).nullable()).max(32),
    scale: z.array(z.number().finite()).max(32),
    sensor: sensorInfoSchema,
    preprocessing: z.record(z.string(), z.unknown())
  })
  .strict()
  .refine((s) => s.units.length === s.axes.length && s.scale.length === s.axes.length, { message: 'units and scale need one entry per axis' })
  .refine((s) => new Set(s.axes).size === s.axes.length, { message: 'axis names must differ' })

/** A partial update; project-service merges it into the stored spec and checks the result. */
export const signalPatchSchema = z
  .object({
    sampleRateHz: rate.nullable().optional(),
    rateSource: z.enum(RATE_SOURCES).nullable().optional(),
    windowLength: length.nullable().optional(),
    hop: length.nullable().optional(),
    axes: z.array(axisName).max(32).optional(),
    units: z.array(z.string().max(32).nullable()).max(32).optional(),
    scale: z.array(z.number().finite()).max(32).optional(),
    sensor: sensorInfoSchema.partial().optional(),
    preprocessing: z.record(z.string(), z.unknown()).optional()
  })
  .strict()

export type SignalPatch = z.infer<typeof signalPatchSchema>

export function emptySignal(): SignalSpec {
  return { sampleRateHz: null, rateSource: null, windowLength: null, hop: null, axes: [], units: [], scale: [], sensor: { name: null, baud: null, port: null }, preprocessing: {} }
}

/** The unit an axis name implies on the boards Microforge knows (aX: g, gX: deg/s, mX: uT). */
export function defaultUnit(axis: string): string | null {
  const a = axis.toLowerCase()
  if (/^(a|acc|accel)[-_]?[xyz]$/.test(a) || /^[xyz]$/.test(a)) return 'g'
  if (/^(g|gyr|gyro)[-_]?[xyz]$/.test(a)) return 'deg/s'
  if (/^(m|mag)[-_]?[xyz]$/.test(a)) return 'uT'
  if (a === 'alpha' || a === 'beta' || a === 'gamma') return 'deg'
  return null
}

/**
 * Merges a patch into a spec. New axes without units or scale get the defaults their names imply;
 * changing the axes keeps the units and scale of axes that stay.
 */
export function mergeSignal(spec: SignalSpec, patch: SignalPatch): SignalSpec {
  const axes = patch.axes ?? spec.axes
  const keep = <T>(list: T[], fallback: (a: string) => T): T[] => axes.map((a) => {
    const i = spec.axes.indexOf(a)
    return i >= 0 && i < list.length ? list[i] : fallback(a)
  })
  return {
    sampleRateHz: patch.sampleRateHz !== undefined ? patch.sampleRateHz : spec.sampleRateHz,
    rateSource: patch.rateSource !== undefined ? patch.rateSource : patch.sampleRateHz !== undefined ? (patch.sampleRateHz === null ? null : spec.rateSource) : spec.rateSource,
    windowLength: patch.windowLength !== undefined ? patch.windowLength : spec.windowLength,
    hop: patch.hop !== undefined ? patch.hop : spec.hop,
    axes,
    units: patch.units ?? keep(spec.units, defaultUnit),
    scale: patch.scale ?? keep(spec.scale, () => 1),
    sensor: { ...spec.sensor, ...patch.sensor },
    preprocessing: patch.preprocessing ?? spec.preprocessing
  }
}

/** Seconds a window of n samples lasts at the spec's rate, or null when the rate is unknown. */
export function windowSeconds(n: number, rateHz: number | null): number | null {
  return rateHz && rateHz > 0 ? n / rateHz : null
}

/** The window hop in samples: the stored hop, else the window length (no overlap). */
export function hopOf(spec: Pick<SignalSpec, 'hop' | 'windowLength'>): number | null {
  return spec.hop ?? spec.windowLength
}

/** Sample rates of the sensors Microforge's boards carry, offered when a stream has no timing. */
export const KNOWN_RATES: Array<{ label: string; rateHz: number }> = [
  { label: 'Nano 33 BLE Sense IMU (LSM9DS1, IMU_Capture)', rateHz: 119 },
  { label: 'MPU6050 sketches (configured rate)', rateHz: 100 },
  { label: 'MPU6050 sketches at 50 Hz', rateHz: 50 }
]

/**
 * project.json format 1 kept sensor, windowLength and preprocessing at the top level. Format 2 keeps
 * them in one signal spec.
 */
export function signalFromV1(p: { sensor?: unknown; windowLength?: unknown; preprocessing?: unknown }): SignalSpec {
  const s = emptySignal()
  const sensor = p.sensor as { axes?: unknown; rateHz?: unknown; baud?: unknown; port?: unknown } | null | undefined
  if (sensor && typeof sensor === 'object') {
    if (Array.isArray(sensor.axes)) s.axes = sensor.axes.filter((a): a is string => typeof a === 'string')
    if (typeof sensor.rateHz === 'number' && sensor.rateHz > 0) {
      s.sampleRateHz = sensor.rateHz
      s.rateSource = 'earlier-version'
    }
    s.sensor = {
      name: null,
      baud: typeof sensor.baud === 'number' ? sensor.baud : null,
      port: typeof sensor.port === 'string' ? sensor.port : null
    }
  }
  s.units = s.axes.map(defaultUnit)
  s.scale = s.axes.map(() => 1)
  if (typeof p.windowLength === 'number' && Number.isInteger(p.windowLength) && p.windowLength > 0) s.windowLength = p.windowLength
  if (p.preprocessing && typeof p.preprocessing === 'object' && !Array.isArray(p.preprocessing)) s.preprocessing = p.preprocessing as Record<string, unknown>
  return s
}

/** Units the firmware converts the board's sensor to, per quantity (core/codegen/sensor-axes.ts holds the factors). */
export const UNIT_CHOICES = {
  acceleration: ['g', 'mg', 'm/s^2'],
  rotation: ['deg/s', 'rad/s', 'mdps']
} as const

/** The units to offer for an axis: by what its name implies, else every unit the firmware knows. */
export function unitChoices(axis: string): string[] {
  const d = defaultUnit(axis)
  if (d === 'g') return [...UNIT_CHOICES.acceleration]
  if (d === 'deg/s') return [...UNIT_CHOICES.rotation]
  return [...UNIT_CHOICES.acceleration, ...UNIT_CHOICES.rotation]
}
