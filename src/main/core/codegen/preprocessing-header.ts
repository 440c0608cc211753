/**
 * The training step's preprocessing, as constants the firmware applies to every sample before
 * inference. A model that works on the desktop and fails on the board is most often a mismatch
 * here (axis order, units, scaling), so the values are copied from the project, never retyped.
 */
import { MicroforgeError } from '../../../shared/errors'
import { PREPROCESSING_METHOD_NAMES } from '../../../shared/project-file-schema'
import { cDouble, cFloat, cInteger, cString } from './c-literals'
import type { GeneratedFile } from './c-runtime'
import { axisSourcesIn, type RecordedSignal } from './sensor-axes'

/** What the firmware needs, whatever shape project.json's `preprocessing` has. */
export interface FirmwarePreprocessing {
  /** Model input axes in order, as named by the samples. */
  axes: string[]
  windowLength: number
  /** normalized = (raw - offset) * scale, per axis. */
  offset: number[]
  scale: number[]
  method: PreprocessingMethod
  /** Subtract each window's per-axis mean after scaling (the 'window-offset' method). */
  removeWindowMean: boolean
}

/** The closed set of preprocessing methods; project.json's text is matched against it, never copied. */
const PREPROCESSING_METHODS = PREPROCESSING_METHOD_NAMES
export type PreprocessingMethod = (typeof PREPROCESSING_METHODS)[number]

export { SENSOR_CHANNELS, sensorChannel } from './sensor-axes'

function numbers(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : null
}

/**
 * Accepts the training engineer's recipe ({ axes, windowLength, method, offset, scale }) and the
 * simpler { kind: 'minmax' | 'zscore', axes, min/max | mean/std } form.
 */
export function normalizePreprocessing(raw: Record<string, unknown>, fallback: { axes: string[]; windowLength: number | null }): FirmwarePreprocessing {
  const axes = Array.isArray(raw.axes) && raw.axes.every((a) => typeof a === 'string') ? (raw.axes as string[]) : fallback.axes
  const windowLength = typeof raw.windowLength === 'number' ? raw.windowLength : fallback.windowLength
  if (!windowLength || !(windowLength >= 1)) {
    throw new MicroforgeError('INVALID_ARGUMENT', 'The project has no window length yet, so the firmware would not know how many samples to collect.', 'Capture or import some windows, then train a model.')
  }
  if (axes.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'The project names no sensor axes.', 'Capture or import some windows first.')
  const kind = raw.method ?? raw.kind ?? 'none'
  if (typeof kind !== 'string' || !PREPROCESSING_METHODS.includes(kind as PreprocessingMethod)) {
    throw new MicroforgeError(
      'INVALID_ARGUMENT',
      `The project's preprocessing method is not one Microforge knows (it must be one of ${PREPROCESSING_METHODS.join(', ')}).`,
      'Train the model again so the Train step saves its preprocessing.'
    )
  }
  let offset = numbers(raw.offset)
  let scale = numbers(raw.scale)
  if (!offset || !scale) {
    const min = numbers(raw.min)
    const max = numbers(raw.max)
    const mean = numbers(raw.mean)
    const std = numbers(raw.std)
    if ((kind === 'minmax' || kind === 'fixed-range') && min && max) {
      offset = min
      scale = min.map((lo, i) => 1 / (max[i] - lo))
    } else if ((kind === 'zscore' || kind === 'window-offset') && mean && std) {
      offset = mean
      scale = std.map((s) => 1 / (s || 1))
    } else if (kind === 'none' || Object.keys(raw).length === 0) {
      offset = axes.map(() => 0)
      scale = axes.map(() => 1)
    } else {
      throw new MicroforgeError('INVALID_ARGUMENT', `The project's preprocessing (${kind}) has no per-axis numbers the firmware can repeat.`, 'Train the model again so the Train step saves its preprocessing.')
    }
  }
  if (offset.length !== axes.length || scale.length !== axes.length) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The preprocessing has ${offset.length} offsets and ${scale.length} scales for ${axes.length} axes.`, 'Train the model again so the recipe matches the axes.')
  }
  return { axes, windowLength, offset, scale, method: kind as PreprocessingMethod, removeWindowMean: raw.removeWindowMean === true || kind === 'window-offset' }
}

export interface PreprocessingHeaderOptions {
  classes: string[]
  sampleRateHz: number
  /**
   * The signal spec's axes with their units and scale: a model axis found here is converted from the
   * sensor's g or deg/s to what the data was recorded in. Axes not found are taken as g or deg/s.
   */
  signal?: RecordedSignal
}

export function generatePreprocessingHeader(p: FirmwarePreprocessing, opts: PreprocessingHeaderOptions): GeneratedFile {
  const sources = axisSourcesIn(p.axes, opts.signal)
  const classes = opts.classes.length ? opts.classes : ['class_0']
  const rate = opts.sampleRateHz
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > 100_000) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The sample rate (${String(rate).slice(0, 40)} Hz) is not a number from 1 to 100000 Hz.`, 'Set the sensor rate in the Connect step.')
  }
  const periodUs = Math.round(1e6 / rate)
  // The method is one of a closed set; everything else from the project is a number or a cString.
  const method = PREPROCESSING_METHODS.find((m) => m === p.method) ?? 'none'
  return {
    path: 'preprocessing.h',
    contents: `// Generated by Microforge from the project's preprocessing (${method}).
// The firmware must prepare samples exactly as training did: same axes, same order, same scaling.
#ifndef MF_PREPROCESSING_H_
#define MF_PREPROCESSING_H_

#include <stdint.h>

#define MF_WINDOW_LENGTH ${cInteger(p.windowLength, 1, 100_000, 'window length')}
#define MF_AXIS_COUNT ${p.axes.length}
#define MF_INPUT_VALUES (MF_WINDOW_LENGTH * MF_AXIS_COUNT)
#define MF_SAMPLE_RATE_HZ ${Number.isInteger(rate) ? String(rate) : cDouble(rate)}
#define MF_SAMPLE_PERIOD_US ${periodUs}UL
#define MF_CLASS_COUNT ${classes.length}
#define MF_REMOVE_WINDOW_MEAN ${p.removeWindowMean ? 1 : 0}

// Model input order, time-major: value[t * MF_AXIS_COUNT + a] is axis a at sample t.
static const char* const kMfAxisNames[MF_AXIS_COUNT] = {${p.axes.map(cString).join(', ')}};
// Index of each model axis in the sensor reading {aX, aY, aZ, gX, gY, gZ} (g, degrees per second),
// and the gain that turns that reading into what the data was recorded in (${sources.map((s) => s.unit).join(', ')}).
static const uint8_t kMfAxisSource[MF_AXIS_COUNT] = {${sources.map((s) => s.channel).join(', ')}};
static const float kMfAxisGain[MF_AXIS_COUNT] = {${sources.map((s) => cFloat(s.gain)).join(', ')}};
// normalized = (raw - offset) * scale
static const float kMfOffset[MF_AXIS_COUNT] = {${p.offset.map(cFloat).join(', ')}};
static const float kMfScale[MF_AXIS_COUNT] = {${p.scale.map(cFloat).join(', ')}};
static const char* const kMfClassNames[MF_CLASS_COUNT] = {${classes.map(cString).join(', ')}};

// The value of a model axis as recorded: the axis order, units and scale of the training data.
static inline float mf_sensor_value(const float sensor[6], int axis) {
  return sensor[kMfAxisSource[axis]] * kMfAxisGain[axis];
}

static inline float mf_preprocess(const float sensor[6], int axis) {
  return (mf_sensor_value(sensor, axis) - kMfOffset[axis]) * kMfScale[axis];
}

// Once the window is full: with MF_REMOVE_WINDOW_MEAN, each axis loses its own mean over the
// window (how the sensor was held), summed in time order in float as training does.
static inline void mf_preprocess_window(float* window) {
#if MF_REMOVE_WINDOW_MEAN
  for (int a = 0; a < MF_AXIS_COUNT; ++a) {
    float sum = 0.0f;
    for (int t = 0; t < MF_WINDOW_LENGTH; ++t) sum += window[t * MF_AXIS_COUNT + a];
    const float mean = sum / (float)MF_WINDOW_LENGTH;
    for (int t = 0; t < MF_WINDOW_LENGTH; ++t) window[t * MF_AXIS_COUNT + a] -= mean;
  }
#else
  (void)window;
#endif
}

#endif  // MF_PREPROCESSING_H_
`
  }
}
