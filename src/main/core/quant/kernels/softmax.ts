/**
 * SOFTMAX as TFLM computes it. int8 -> int8 goes through gemmlowp fixed point exactly like
 * reference_ops::Softmax<int8_t, int8_t> (TFLM builds no LUT for int8; the LUTs in softmax_common.cc
 * are for int16 only): input differences rescaled to Q5.26, exp_on_negative_values, a Q12.19 sum,
 * a Newton-Raphson reciprocal, output scale 1/256 with zero point -128.
 */
import {
  INT32_MAX, multiplyByQuantizedMultiplierGreaterThanOne, quantizeMultiplier, roundingDivideByPOT,
  saturatingRoundingDoublingHighMul as srdhm, saturatingRoundingMultiplyByPOT
} from '../fixed-point'
import { badModel, expectElements, expectType, input, output, quant, unsupported, type Eval, type KernelNode } from './types'
import { expf } from './expf'

const SCALED_DIFF_INTEGER_BITS = 5
const ACCUMULATION_INTEGER_BITS = 12

/** gemmlowp exp_on_interval_between_negative_one_quarter_and_0_excl, Q0.31 in and out. */
function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const constantTerm = 1895147668 // exp(-1/8)
  const constant1Over3 = 715827883
  const x = (a + (1 << 28)) | 0
  const x2 = srdhm(x, x)
  const x3 = srdhm(x2, x)
  const x4 = srdhm(x2, x2)
  const x4Over4 = roundingDivideByPOT(x4, 2)
  const poly = roundingDivideByPOT((srdhm((x4Over4 + x3) | 0, constant1Over3) + x2) | 0, 1)
  return (constantTerm + srdhm(constantTerm, (x + poly) | 0)) | 0
}

const BARREL: Array<[number, number]> = [
  [-2, 1672461947],
  [-1, 1302514674],
  [0, 790015084],
  [1, 290630308],
  [2, 39332535],
  [3, 720401],
  [4, 242]
]

/** gemmlowp exp_on_negative_values for a Q5.26 input; result Q0.31. */
export function expOnNegativeValues(a: number): number {
  const integerBits = SCALED_DIFF_INTEGER_BITS
  const fractionalBits = 31 - integerBits
  const oneQuarter = 1 << (fractionalBits - 2)
  const mask = oneQuarter - 1
  const aModQuarterMinusOneQuarter = ((a & mask) - oneQuarter) | 0
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, integerBits))
  const remainder = (aModQuarterMinusOneQuarter - a) | 0
  for (const [exponent, multiplier] of BARREL) {
    if (integerBits > exponent && remainder & (1 << (fractionalBits + exponent))) result = srdhm(result, multiplier)
  }
  // With 5 integer bits gemmlowp skips the clamp below -32 (it only applies when integerBits > 5).
  return a === 0 ? INT32_MAX : result
}

/** gemmlowp one_over_one_plus_x_for_x_in_0_1, Q0.31 in and out. */
export function oneOverOnePlusXForXIn01(a: number): number {
  const sum = a + INT32_MAX
  const halfDenominator = Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2) // RoundingHalfSum in int64
  const constant48Over17 = 1515870810
  const constantNeg32Over17 = -1010580540
  const f2One = 1 << 29
  let x = (constant48Over17 + srdhm(halfDenominator, constantNeg32Over17)) | 0
  for (let i = 0; i < 3; i++) {
    const halfDenominatorTimesX = srdhm(halfDenominator, x)
    const oneMinus = (f2One - halfDenominatorTimesX) | 0
    x = (x + saturatingRoundingMultiplyByPOT(srdhm(x, oneMinus), 2)) | 0
  }
  return saturatingRoundingMultiplyByPOT(x, 1)
}

/** tflite GetReciprocal: 1 / x for x in Q(integerBits), as a Q0.31 scale and the bits above one. */
export function getReciprocal(x: number, integerBits: number): { scale: number; numBitsOverUnit: number } {
  const headroomPlusOne = Math.clz32(x)
  const numBitsOverUnit = integerBits - headroomPlusOne
  const shiftedSumMinusOne = (x << headroomPlusOne) ^ (1 << 31)
  return { scale: oneOverOnePlusXForXIn01(shiftedSumMinusOne), numBitsOverUnit }
}

export interface SoftmaxInt8Params {
  rows: number
  depth: number
  inputMultiplier: number
  inputLeftShift: number
  diffMin: number
}

/** tflite PreprocessSoftmaxScaling + CalculateInputRadius for int8 input. */
export function softmaxInt8Params(beta: number, inputScale: number, rows: number, depth: number): SoftmaxInt8Params {
  const real = Math.min(beta * inputScale * 2 ** (31 - SCALED_DIFF_INTEGER_BITS), 2 ** 31 - 1)
  const { multiplier, shift } = quantizeMultiplier(real)
  const radius = Math.floor((((1 << SCALED_DIFF_INTEGER_BITS) - 1) * 2 ** (31 - SCALED_DIFF_INTEGER_BITS)) / 2 ** shift)
  return { rows, depth, inputMultiplier: multiplier, inputLeftShift: shift, diffMin: -radius }
}

export function softmaxInt8(p: SoftmaxInt8Params, input: Int8Array, output: Int8Array): void {
  const { rows, depth, inputMultiplier, inputLeftShift, diffMin } = p
  for (let r = 0; r < rows; r++) {
    const base = r * depth
    let max = -128
    for (let c = 0; c < depth; c++) if (input[base + c] > max) max = input[base + c]
    let sumOfExps = 0
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c] - max
      if (diff >= diffMin) {
        const rescaled = multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift)
        sumOfExps = (sumOfExps + roundingDivideByPOT(expOnNegativeValues(rescaled), ACCUMULATION_INTEGER_BITS)) | 0
      }
    }
    const { scale, numBitsOverUnit } = getReciprocal(sumOfExps, ACCUMULATION_INTEGER_BITS)
    const exponent = numBitsOverUnit + 31 - 8
    for (let c = 0; c < depth; c++) {
      const diff = input[base + c] - max
      if (diff >= diffMin) {
        const rescaled = multiplyByQuantizedMultiplierGreaterThanOne(diff, inputMultiplier, inputLeftShift)
        const unsat = roundingDivideByPOT(srdhm(scale, expOnNegativeValues(rescaled)), exponent)
        const shifted = unsat - 128
        output[base + c] = shifted < -128 ? -128 : shifted > 127 ? 127 : shifted
      } else {
        output[base + c] = -128
      }
    }
  }
}

export function softmaxFloat(rows: number, depth: number, beta: number, input: Float32Array, output: Float32Array): void {
  const f = Math.fround
  const b = f(beta)
  for (let r = 0; r < rows; r++) {
    const base = r * depth
    let max = -3.4028234663852886e38
    for (let c = 0; c < depth; c++) max = Math.max(max, input[base + c])
    let sum = 0
    for (let c = 0; c < depth; c++) {
      const e = expf(f(f(input[base + c] - max) * b))
      output[base + c] = e
      sum = f(sum + e)
    }
    for (let c = 0; c < depth; c++) output[base + c] = f(output[base + c] / sum)
  }
}

export const softmax = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const out = output(node, 0)
  if (inp.shape.length < 1) throw badModel(node, 'has a scalar input')
  const depth = inp.shape[inp.shape.length - 1]
  const rows = depth === 0 ? 0 : inp.data.length / depth
  expectElements(node, out, inp.data.length)
  const beta = node.options.beta ?? 1
  if (inp.type === 'INT8') {
    expectType(node, out, 'INT8')
    const oq = quant(out, node)
    // TFLM's SoftmaxPrepare insists on exactly this output quantization.
    if (oq.zeroPoint !== -128 || oq.scale !== Math.fround(1 / 256)) {
      throw unsupported(node, `needs int8 output scale 1/256 and zero point -128 (the model has ${oq.scale} and ${oq.zeroPoint})`)
    }
    const p = softmaxInt8Params(beta, quant(inp, node).scale, rows, depth)
    return () => softmaxInt8(p, inp.data as Int8Array, out.data as Int8Array)
  }
  if (inp.type === 'FLOAT32') {
    expectType(node, out, 'FLOAT32')
    return () => softmaxFloat(rows, depth, beta, inp.data as Float32Array, out.data as Float32Array)
  }
  throw unsupported(node, `does not support ${inp.type} input`)
}
