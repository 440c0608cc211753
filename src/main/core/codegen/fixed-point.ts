/**
 * The parameter preparation TFLite Micro does at Prepare() time, done once at code generation:
 * real multipliers to (int32 multiplier, shift) pairs, fused-activation ranges, softmax scaling.
 * Doubles here match the reference's doubles; the float32 values from the flatbuffer are exact in
 * a JS number, so the results are the same bits the reference computes on the board.
 */
import type { CgActivation } from './graph'

export interface QuantizedMultiplier {
  multiplier: number
  shift: number
}

/** tflite::QuantizeMultiplier (double-rounding build). */
export function quantizeMultiplier(real: number): QuantizedMultiplier {
  if (real === 0) return { multiplier: 0, shift: 0 }
  const { mantissa, exponent } = frexp(real)
  let shift = exponent
  // Math.round rounds .5 up; C's round() away from zero. The mantissa is positive here, so they agree.
  let q = Math.round(mantissa * 2 ** 31)
  if (q === 2 ** 31) {
    q /= 2
    shift += 1
  }
  if (shift < -31) {
    shift = 0
    q = 0
  }
  return { multiplier: q, shift }
}

/** frexp for positive finite numbers: real = mantissa * 2^exponent with mantissa in [0.5, 1). */
export function frexp(x: number): { mantissa: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { mantissa: x, exponent: 0 }
  let exponent = Math.ceil(Math.log2(Math.abs(x)))
  let mantissa = x / 2 ** exponent
  // log2 can be off by one near powers of two; settle it exactly.
  while (Math.abs(mantissa) >= 1) {
    mantissa /= 2
    exponent += 1
  }
  while (Math.abs(mantissa) < 0.5) {
    mantissa *= 2
    exponent -= 1
  }
  // | 0 turns Math.ceil's -0 into 0, so shifts compare and print as plain integers.
  return { mantissa, exponent: exponent | 0 }
}

/** tflite::CalculateActivationRangeQuantized for int8: the fused activation as an int8 clamp. */
export function activationRange(act: CgActivation, scale: number, zeroPoint: number): { min: number; max: number } {
  const qmin = -128
  const qmax = 127
  // The reference divides in float32: f / scale with both floats, then roundf.
  const quantize = (f: number): number => zeroPoint + roundHalfAway(Math.fround(Math.fround(f) / Math.fround(scale)))
  if (act === 'relu') return { min: Math.max(qmin, quantize(0)), max: qmax }
  if (act === 'relu6') return { min: Math.max(qmin, quantize(0)), max: Math.min(qmax, quantize(6)) }
  if (act === 'relu_n1_to_1') return { min: Math.max(qmin, quantize(-1)), max: Math.min(qmax, quantize(1)) }
  return { min: qmin, max: qmax }
}

export function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x)
}

/** SoftmaxPrepare for int8: input multiplier, left shift and diff_min (5 integer bits). */
export function softmaxParams(beta: number, inputScale: number): { multiplier: number; leftShift: number; diffMin: number } {
  const integerBits = 5
  const maxReal = 2 ** 31 - 1
  const real = Math.min(beta * inputScale * 2 ** (31 - integerBits), maxReal)
  const { multiplier, shift } = quantizeMultiplier(real)
  const radius = Math.floor((((1 << integerBits) - 1) * 2 ** (31 - integerBits)) / 2 ** shift)
  return { multiplier, leftShift: shift, diffMin: -radius }
}

/**
 * QuantizedMeanOrSum folds 1/count into the multiplier at run time; the count is static here, so
 * the same integer arithmetic runs once now.
 */
export function meanMultiplier(inputScale: number, outputScale: number, count: number): QuantizedMultiplier {
  const base = quantizeMultiplier(inputScale / outputScale)
  let msb = 0
  while (2 ** (msb + 1) <= count) msb++
  const shift = Math.max(0, Math.min(msb, 32, 31 + base.shift))
  const multiplier = Number((BigInt(base.multiplier) << BigInt(shift)) / BigInt(count))
  return { multiplier, shift: base.shift - shift }
}
