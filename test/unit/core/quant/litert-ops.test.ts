import { describe, expect, it } from 'vitest'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { ActivationFunctionType } from '../../../../src/main/core/tflite/schema/tflite/activation-function-type'
import { BuiltinOptions } from '../../../../src/main/core/tflite/schema/tflite/builtin-options'
import { Conv2DOptionsT } from '../../../../src/main/core/tflite/schema/tflite/conv2doptions'
import { DepthwiseConv2DOptionsT } from '../../../../src/main/core/tflite/schema/tflite/depthwise-conv2doptions'
import { FullyConnectedOptionsT } from '../../../../src/main/core/tflite/schema/tflite/fully-connected-options'
import { Padding } from '../../../../src/main/core/tflite/schema/tflite/padding'
import { Pool2DOptionsT } from '../../../../src/main/core/tflite/schema/tflite/pool2doptions'
import { ReducerOptionsT } from '../../../../src/main/core/tflite/schema/tflite/reducer-options'
import { SoftmaxOptionsT } from '../../../../src/main/core/tflite/schema/tflite/softmax-options'
import { createLiteRtRunner } from '../../../helpers/litert'
import { buildModel, type OpSpec, type TensorSpec } from '../../../helpers/tflite-builder'

let seed = 99
const r = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296
const int8s = (n: number) => Array.from({ length: n }, () => Math.round(r() * 255 - 128))

interface Case {
  name: string
  /** Which kernel in LiteRT runs it, and why a one-step difference can appear. */
  why: string
  input: TensorSpec
  extra: TensorSpec[]
  output: TensorSpec
  op: Omit<OpSpec, 'inputs' | 'outputs'>
  maxSteps: number
  /** Share of values allowed to differ (a different rounding rule shows near ties only). */
  maxFraction?: number
}

const inQ = { scale: 0.05, zeroPoint: -3 }
const cases: Case[] = [
  {
    name: 'CONV_2D per-channel, SAME, ReLU',
    why: 'XNNPack requantizes in fp32 with round-half-even; TFLM rounds twice in fixed point',
    input: { type: 'INT8', shape: [1, 1, 20, 3], ...inQ },
    extra: [
      { type: 'INT8', shape: [4, 1, 5, 3], values: int8s(60), scale: [0.01, 0.02, 0.005, 0.03], zeroPoint: [0, 0, 0, 0] },
      { type: 'INT32', shape: [4], values: [100, -2000, 3000, 0], scale: [0.0005, 0.001, 0.00025, 0.0015], zeroPoint: [0, 0, 0, 0] }
    ],
    output: { type: 'INT8', shape: [1, 1, 20, 4], scale: 0.07, zeroPoint: -128 },
    op: { op: 'CONV_2D', optionsType: BuiltinOptions.Conv2DOptions, options: new Conv2DOptionsT(Padding.SAME, 1, 1, ActivationFunctionType.RELU), version: 3 },
    maxSteps: 1
  },
  {
    name: 'DEPTHWISE_CONV_2D per-channel, stride 2',
    why: 'same requantization difference as CONV_2D (XNNPack)',
    input: { type: 'INT8', shape: [1, 1, 21, 4], ...inQ },
    extra: [
      { type: 'INT8', shape: [1, 1, 3, 4], values: int8s(12), scale: [0.02, 0.01, 0.03, 0.015], zeroPoint: [0, 0, 0, 0], quantizedDimension: 3 },
      { type: 'INT32', shape: [4], values: [10, -20, 30, 40], scale: [0.001, 0.0005, 0.0015, 0.00075], zeroPoint: [0, 0, 0, 0] }
    ],
    output: { type: 'INT8', shape: [1, 1, 10, 4], scale: 0.04, zeroPoint: 5 },
    op: { op: 'DEPTHWISE_CONV_2D', optionsType: BuiltinOptions.DepthwiseConv2DOptions, options: new DepthwiseConv2DOptionsT(Padding.VALID, 2, 1, 1), version: 3 },
    maxSteps: 1
  },
  {
    name: 'FULLY_CONNECTED per-tensor',
    why: 'XNNPack fp32 requantization vs TFLM fixed point',
    input: { type: 'INT8', shape: [1, 24], ...inQ },
    extra: [
      { type: 'INT8', shape: [5, 24], values: int8s(120), scale: 0.013 },
      { type: 'INT32', shape: [5], values: [500, -500, 0, 1234, -4321], scale: 0.05 * 0.013 }
    ],
    output: { type: 'INT8', shape: [1, 5], scale: 0.09, zeroPoint: -4 },
    op: { op: 'FULLY_CONNECTED', optionsType: BuiltinOptions.FullyConnectedOptions, options: new FullyConnectedOptionsT(), version: 4 },
    maxSteps: 1
  },
  {
    name: 'MAX_POOL_2D',
    why: 'no arithmetic: must be identical',
    input: { type: 'INT8', shape: [1, 1, 20, 3], ...inQ },
    extra: [],
    output: { type: 'INT8', shape: [1, 1, 10, 3], ...inQ },
    op: { op: 'MAX_POOL_2D', optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.VALID, 2, 1, 2, 1), version: 2 },
    maxSteps: 0
  },
  {
    name: 'AVERAGE_POOL_2D, SAME',
    why: 'XNNPack averages with its own fixed-point rounding',
    input: { type: 'INT8', shape: [1, 1, 20, 3], ...inQ },
    extra: [],
    output: { type: 'INT8', shape: [1, 1, 7, 3], ...inQ },
    op: { op: 'AVERAGE_POOL_2D', optionsType: BuiltinOptions.Pool2DOptions, options: new Pool2DOptionsT(Padding.SAME, 3, 1, 3, 1), version: 2 },
    maxSteps: 1
  },
  {
    name: 'MEAN over time (global average pooling), rescaled',
    why: "TFLM's reference MEAN rescales with a double-rounding fixed-point multiplier, TFLite's optimized one its own way",
    input: { type: 'INT8', shape: [1, 1, 20, 4], ...inQ },
    extra: [{ type: 'INT32', shape: [2], values: [1, 2] }],
    output: { type: 'INT8', shape: [1, 1, 1, 4], scale: 0.02, zeroPoint: 1 },
    op: { op: 'MEAN', optionsType: BuiltinOptions.ReducerOptions, options: new ReducerOptionsT(true), version: 2 },
    maxSteps: 1,
    // Two fixed-point roundings against LiteRT's own: about 21 % of values here land one step apart.
    maxFraction: 0.3
  },
  {
    name: 'SOFTMAX',
    why: "TFLite's optimized int8 softmax uses a float exp lookup table; TFLM uses gemmlowp fixed point",
    input: { type: 'INT8', shape: [4, 6], scale: 0.1, zeroPoint: 0 },
    extra: [],
    output: { type: 'INT8', shape: [4, 6], scale: 1 / 256, zeroPoint: -128 },
    op: { op: 'SOFTMAX', optionsType: BuiltinOptions.SoftmaxOptions, options: new SoftmaxOptionsT(1), version: 2 },
    maxSteps: 1
  },
  {
    name: 'QUANTIZE int8 -> int8 (requantize)',
    why: 'TFLite requantizes with the same fixed-point multiplier',
    input: { type: 'INT8', shape: [1, 64], ...inQ },
    extra: [],
    output: { type: 'INT8', shape: [1, 64], scale: 0.03, zeroPoint: 7 },
    op: { op: 'QUANTIZE', version: 2 },
    maxSteps: 1
  }
]

describe('single int8 operators: our TFLM-exact kernels against LiteRT', () => {
  for (const c of cases) {
    it(`${c.name}: at most ${c.maxSteps} step(s) apart (${c.why})`, async () => {
      const tensors = [c.input, ...c.extra, c.output]
      const bytes = buildModel({ tensors, ops: [{ ...c.op, inputs: tensors.slice(0, -1).map((_, i) => i), outputs: [tensors.length - 1] }], inputs: [0], outputs: [tensors.length - 1] })
      const runner = await createLiteRtRunner(bytes)
      const ours = new Interpreter(parseTflite(bytes))
      const n = c.input.shape.reduce((a, b) => a * b, 1)
      let differing = 0
      let total = 0
      try {
        for (let k = 0; k < 25; k++) {
          const x = Int8Array.from(int8s(n))
          const [theirs] = await runner.run([x])
          const [mine] = ours.invoke([x])
          for (let i = 0; i < mine.length; i++) {
            const d = Math.abs(mine[i] - (theirs[i] as number))
            expect(d, `${c.name} element ${i}`).toBeLessThanOrEqual(c.maxSteps)
            if (d) differing++
            total++
          }
        }
      } finally {
        runner.delete()
      }
      // Most values must agree exactly; a rounding rule only shows near ties.
      expect(differing / total).toBeLessThan(c.maxFraction ?? 0.05)
    })
  }
})
