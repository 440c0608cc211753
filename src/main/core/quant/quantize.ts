/**
 * TensorFlow Lite int8 quantization arithmetic (https://www.tensorflow.org/lite/performance/quantization_spec):
 * how real values map to int8/int32. Every exporter, the interpreter and the C code generator go
 * through these functions so that they all agree on the numbers the board will see; the fixed-point
 * requantization arithmetic (rounding, QuantizeMultiplier) lives in ./fixed-point.
 */
import { MicroforgeError } from '../../../shared/errors'
import { INT32_MAX, INT32_MIN, roundHalfAwayFromZero } from './fixed-point'

export const INT8_MIN = -128
export const INT8_MAX = 127

export interface QuantParams {
  scale: number
  zeroPoint: number
}

/**
 * TFLite's int8 softmax kernels only accept this output quantization; the converter forces it
 * regardless of calibration because softmax outputs live in [0, 1).
 */
export const SOFTMAX_OUTPUT_PARAMS: Readonly<QuantParams> = Object.freeze({ scale: 1 / 256, zeroPoint: -128 })

/**
 * Asymmetric int8 params for an activation range, as TFLite's calibrator computes them
 * (GetAsymmetricQuantizationParams): the range is widened to include 0 so that zero padding and
 * ReLU are exact, the arithmetic is float32, and the zero point is clamped into [qmin, qmax].
 */
export function asymmetricParams(min: number, max: number, qmin = INT8_MIN, qmax = INT8_MAX): QuantParams {
  if (!Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new MicroforgeError(
      'MODEL_ERROR',
      `Cannot quantize a tensor whose observed range is [${min}, ${max}].`,
      'The model produced NaN or infinite values on the representative data. Check the training result and the input windows.'
    )
  }
  const f = Math.fround
  const lo = f(Math.min(min, 0))
  const hi = f(Math.max(max, 0))
  let scale = f(f(hi - lo) / f(qmax - qmin))
  // An all-zero tensor has no range; any positive scale represents it exactly.
  if (scale === 0) scale = 1
  const zeroPointFromMin = f(qmin - f(lo / scale))
  let zeroPoint: number
  if (zeroPointFromMin < qmin) zeroPoint = qmin
  else if (zeroPointFromMin > qmax) zeroPoint = qmax
  else zeroPoint = roundHalfAwayFromZero(zeroPointFromMin)
  return { scale, zeroPoint }
}

/** Real value -> int8 as TFLite's QUANTIZE reference kernel does (double division, std::round, clamp). */
export function quantizeValue(x: number, p: QuantParams, qmin = INT8_MIN, qmax = INT8_MAX): number {
  const q = roundHalfAwayFromZero(x / p.scale) + p.zeroPoint
  return q < qmin ? qmin : q > qmax ? qmax : q
}

export function dequantizeValue(q: number, p: QuantParams): number {
  return (q - p.zeroPoint) * p.scale
}

export function quantizeArray(x: ArrayLike<number>, p: QuantParams): Int8Array {
  const out = new Int8Array(x.length)
  for (let i = 0; i < x.length; i++) out[i] = quantizeValue(x[i], p)
  return out
}

export function dequantizeArray(q: ArrayLike<number>, p: QuantParams): Float32Array {
  const out = new Float32Array(q.length)
  for (let i = 0; i < q.length; i++) out[i] = dequantizeValue(q[i], p)
  return out
}

export interface SymmetricWeights {
  values: Int8Array
  /** One scale per channel along `quantizedDimension`, or a single scale for per-tensor. */
  scales: Float32Array
  /** The axis the scales run along (TFLite's quantized_dimension); 0 for per-tensor. */
  quantizedDimension: number
}

/**
 * Scale for a symmetric int8 range [-absMax, absMax] -> [-127, 127]. The spec forbids -128 in
 * weights so that the kernels' products stay symmetric. A channel of zeros gets scale 1 so that
 * its bias still quantizes sensibly (bias scale = input scale * weight scale).
 */
export function symmetricScale(absMax: number): number {
  const s = Math.fround(absMax / INT8_MAX)
  return s > 0 && Number.isFinite(s) ? s : 1
}

/** Per-tensor symmetric int8 weights (what the converter does with per-channel disabled). */
export function quantizeWeightsPerTensor(w: Float32Array): SymmetricWeights {
  let absMax = 0
  for (let i = 0; i < w.length; i++) absMax = Math.max(absMax, Math.abs(w[i]))
  const scale = symmetricScale(absMax)
  return { values: quantizeSymmetric(w, () => scale), scales: Float32Array.of(scale), quantizedDimension: 0 }
}

/**
 * Per-channel symmetric int8 weights: one scale per index along `axis` of `shape` (TFLite uses the
 * output channel: 0 for CONV_2D [O,H,W,I] and FULLY_CONNECTED [O,I], 3 for DEPTHWISE_CONV_2D [1,H,W,O]).
 */
export function quantizeWeightsPerChannel(w: Float32Array, shape: number[], axis: number): SymmetricWeights {
  const size = shape.reduce((a, b) => a * b, 1)
  if (size !== w.length || axis < 0 || axis >= shape.length) {
    throw new MicroforgeError('INTERNAL', `Weight shape [${shape.join(', ')}] does not match ${w.length} values (axis ${axis}).`)
  }
  const channels = shape[axis]
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
  const channelOf = (i: number): number => Math.floor(i / inner) % channels
  const absMax = new Float32Array(channels)
  for (let i = 0; i < w.length; i++) {
    const c = channelOf(i)
    absMax[c] = Math.max(absMax[c], Math.abs(w[i]))
  }
  const scales = new Float32Array(channels)
  for (let c = 0; c < channels; c++) scales[c] = symmetricScale(absMax[c])
  return { values: quantizeSymmetric(w, (i) => scales[channelOf(i)]), scales, quantizedDimension: axis }
}

function quantizeSymmetric(w: Float32Array, scaleAt: (i: number) => number): Int8Array {
  const out = new Int8Array(w.length)
  for (let i = 0; i < w.length; i++) {
    const q = roundHalfAwayFromZero(w[i] / scaleAt(i))
    out[i] = Math.max(-INT8_MAX, Math.min(INT8_MAX, q))
  }
  return out
}

/**
 * The bias scale the kernels check against: input_scale * weight_scale computed in float32, as
 * TFLite does before comparing it with the stored bias scale.
 */
export function biasScale(inputScale: number, weightScale: number): number {
  return Math.fround(Math.fround(inputScale) * Math.fround(weightScale))
}

/** int32 bias, zero point 0, scale input_scale * weight_scale (per channel when the weights are). */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const scales = new Float32Array(weightScales.length)
  for (let c = 0; c < scales.length; c++) scales[c] = biasScale(inputScale, weightScales[c])
  const values = new Int32Array(bias.length)
  for (let i = 0; i < bias.length; i++) {
    const s = scales.length === 1 ? scales[0] : scales[i]
    const q = roundHalfAwayFromZero(bias[i] / s)
    values[i] = Math.max(INT32_MIN, Math.min(INT32_MAX, q))
  }
  return { values, scales }
}

/** IEEE 754 binary16 bits of a float, rounding to nearest even (as Eigen::half and the converter do). */
export function float32ToFloat16Bits(x: number): number {
  const view = new DataView(new ArrayBuffer(4))
  view.setFloat32(0, x)
  const u = view.getUint32(0)
  const sign = (u >>> 16) & 0x8000
  const exp = (u >>> 23) & 0xff
  const mant = u & 0x7fffff
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0)
  const e = exp - 127 + 15
  if (e <= 0) {
    if (e < -10) return sign
    const m = mant | 0x800000
    const shift = 14 - e
    let half = m >>> shift
    const rem = m & ((1 << shift) - 1)
    const halfway = 1 << (shift - 1)
    if (rem > halfway || (rem === halfway && (half & 1) === 1)) half++
    return sign | half
  }
  let half = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1) === 1)) half++
  if (half >= 0x7c00) return sign | 0x7c00
  return sign | half
}

/** IEEE binary16 bits to float32 (exact: every half is a float); the one float16 decoder. */
export function float16BitsToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exp = (h >>> 10) & 0x1f
  const mant = h & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN
  return sign * 2 ** (exp - 15) * (1 + mant / 1024)
}

export function toFloat16(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i])
  return out
}

export function fromFloat16(bits: ArrayLike<number>): Float32Array {
  const out = new Float32Array(bits.length)
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i])
  return out
}
