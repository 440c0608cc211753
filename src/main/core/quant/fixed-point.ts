/**
 * The integer arithmetic TensorFlow Lite Micro's reference kernels use to requantize, reproduced
 * bit for bit (gemmlowp fixedpoint.h and tflite kernels/internal/common.h, quantization_util.cc;
 * TFLM builds without TFLITE_SINGLE_ROUNDING, so this is the double-rounding variant).
 *
 * JavaScript numbers are doubles: a 32x32-bit product does not fit in 53 bits, so the high-mul is
 * computed from 16-bit halves, exactly, without BigInt (this runs once per output value).
 */

export const INT32_MIN = -2147483648
export const INT32_MAX = 2147483647

/** gemmlowp SaturatingRoundingDoublingHighMul: round((a * b) / 2^31), saturating -1 * -1. */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX
  // a = a1 * 2^16 + a0 with a0 in [0, 2^16), a1 signed; same for b.
  const a0 = a & 0xffff
  const a1 = a >> 16
  const b0 = b & 0xffff
  const b1 = b >> 16
  const hi = a1 * b1 // |hi| <= 2^30
  const mid = a1 * b0 + a0 * b1 // |mid| < 2^32, exact
  const lo = a0 * b0 // [0, 2^32), exact
  // The sign of a*b decides the nudge; a*b in doubles has the right sign even when inexact.
  const nudge = a * b >= 0 ? 1 << 30 : 1 - (1 << 30)
  // total = hi * 2^32 + mid * 2^16 + lo + nudge = H * 2^31 + L, 0 <= L < 2^31.
  const midLo = ((mid % 32768) + 32768) % 32768
  const midHi = (mid - midLo) / 32768
  const low = midLo * 65536 + lo + nudge
  const lowHi = Math.floor(low / 2147483648)
  const L = low - lowHi * 2147483648
  const H = 2 * hi + midHi + lowHi
  // C++ integer division truncates toward zero.
  const q = H < 0 && L !== 0 ? H + 1 : H
  return q | 0
}

/** gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero. */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = exponent >= 31 ? 0x7fffffff : (1 << exponent) - 1
  const remainder = x & mask
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0)
  return (x >> exponent) + (remainder > threshold ? 1 : 0)
}

/** gemmlowp SaturatingRoundingMultiplyByPOT for a compile-time exponent. */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x
  if (exponent < 0) return roundingDivideByPOT(x, -exponent)
  const threshold = (1 << (31 - exponent)) - 1
  if (x > threshold) return INT32_MAX
  if (x < -threshold) return INT32_MIN
  return x << exponent
}

/** tflite MultiplyByQuantizedMultiplier (double rounding): x * multiplier * 2^shift. */
export function multiplyByQuantizedMultiplier(x: number, multiplier: number, shift: number): number {
  const leftShift = shift > 0 ? shift : 0
  const rightShift = shift > 0 ? 0 : -shift
  // C++ multiplies in int32 here; wrap like the hardware does.
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(Math.imul(x, 2 ** leftShift | 0), multiplier), rightShift)
}

export function multiplyByQuantizedMultiplierGreaterThanOne(x: number, multiplier: number, leftShift: number): number {
  return saturatingRoundingDoublingHighMul(Math.imul(x, 2 ** leftShift | 0), multiplier)
}

/** std::frexp: x = fraction * 2^exponent with 0.5 <= |fraction| < 1. Exact (reads the IEEE bits). */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 }
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  let bits = (view.getUint32(0) >>> 20) & 0x7ff
  let extra = 0
  if (bits === 0) {
    // Subnormal: scale into the normal range first.
    view.setFloat64(0, x * 2 ** 64)
    bits = (view.getUint32(0) >>> 20) & 0x7ff
    extra = -64
  }
  const exponent = bits - 1022 + extra
  const hi = view.getUint32(0)
  view.setUint32(0, (hi & 0x800fffff) | (1022 << 20))
  return { fraction: view.getFloat64(0), exponent }
}

/**
 * std::round / TfLiteRound: halves away from zero (Math.round sends -2.5 to -2). Math.round is
 * exact where floor(x + 0.5) is not (0.49999999999999994, odd integers above 2^52).
 */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

export interface QuantizedMultiplier {
  /** Q31 value in [2^30, 2^31), or 0. */
  multiplier: number
  /** Power of two: positive means shift left. */
  shift: number
}

/**
 * tflite QuantizeMultiplier: real = multiplier * 2^(shift - 31), multiplier in [2^30, 2^31). The
 * interpreter, the exporter and the C code generator all take their multipliers from here, so the
 * desktop and the board requantize identically.
 */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 }
  const { fraction, exponent } = frexp(real)
  let shift = exponent
  let qFixed = roundHalfAwayFromZero(fraction * 2147483648)
  if (qFixed === 2147483648) {
    qFixed /= 2
    shift++
  }
  if (shift < -31) return { multiplier: 0, shift: 0 }
  return { multiplier: qFixed, shift }
}

export type Int8Activation = 'NONE' | 'RELU' | 'RELU_N1_TO_1' | 'RELU6' | 'TANH' | 'SIGN_BIT'

/**
 * tflite CalculateActivationRangeQuantized for a quantized output: the fused activation becomes a
 * clamp in the output's integer domain. TFLM quantizes the bounds in float32 (f / scale).
 */
export function quantizedActivationRange(
  activation: Int8Activation,
  scale: number,
  zeroPoint: number,
  qmin = -128,
  qmax = 127
): { min: number; max: number } {
  const quantize = (f: number): number => zeroPoint + roundHalfAwayFromZero(Math.fround(Math.fround(f) / Math.fround(scale)))
  switch (activation) {
    case 'RELU':
      return { min: Math.max(qmin, quantize(0)), max: qmax }
    case 'RELU6':
      return { min: Math.max(qmin, quantize(0)), max: Math.min(qmax, quantize(6)) }
    case 'RELU_N1_TO_1':
      return { min: Math.max(qmin, quantize(-1)), max: Math.min(qmax, quantize(1)) }
    default:
      return { min: qmin, max: qmax }
  }
}

/** tflite CalculateActivationRange for float outputs. */
export function floatActivationRange(activation: Int8Activation): { min: number; max: number } {
  switch (activation) {
    case 'RELU':
      return { min: 0, max: Infinity }
    case 'RELU6':
      return { min: 0, max: 6 }
    case 'RELU_N1_TO_1':
      return { min: -1, max: 1 }
    default:
      return { min: -Infinity, max: Infinity }
  }
}
