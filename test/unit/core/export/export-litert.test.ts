/**
 * Our exports in the real TensorFlow Lite runtime (LiteRT.js: TFLite's wasm build with XNNPack CPU
 * kernels), compared with the float model and with our own interpreter.
 *
 * Where int8 results may differ: LiteRT runs CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED through
 * XNNPack, which requantizes the int32 accumulators with its own (float-based) rounding instead of
 * TFLite Micro's reference double-rounding fixed-point multiply, so single outputs land one step
 * apart now and then (measured: about 1 output in 500-1000 for CONV_2D, fewer for FULLY_CONNECTED).
 * AVERAGE_POOL_2D, SOFTMAX, MAX_POOL_2D and RESHAPE gave identical int8 outputs on every
 * window measured here. MEAN with a rescale does not: TFLite Micro's reference QuantizedMeanOrSum
 * rescales with a fixed-point multiplier (1/count folded in, rounded twice), LiteRT's optimized
 * kernel otherwise, so outputs land one step apart now and then. Through a whole network a one-step difference shifts the next op's input,
 * so end to end outputs may differ by two steps; the predicted class still agrees.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { exportModel, type ExportMode, type ExportReport } from '../../../../src/main/core/export/export-model'
import { argmax, floatForward } from '../../../../src/main/core/model/float-forward'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { quantizeArray } from '../../../../src/main/core/quant/quantize'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { createLiteRtRunner, type LiteRtRunner } from '../../../helpers/litert'
import { AXES, WINDOW, batchNormNet, conv1d, convNet, dense, denseNet, depthwise, depthwiseNet, randomWindows, rng } from './models'

const CALIBRATION = randomWindows(100, 21)
const WINDOWS = randomWindows(40, 22)
const OP_WINDOWS = randomWindows(60, 25)

const runners: LiteRtRunner[] = []
afterAll(() => runners.forEach((r) => r.delete()))

async function liteRt(bytes: Uint8Array): Promise<LiteRtRunner> {
  const r = await createLiteRtRunner(bytes)
  runners.push(r)
  return r
}

function quantizedInput(report: ExportReport, x: Float32Array): Int8Array {
  return quantizeArray(x, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! })
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

/** Largest int8 difference between our interpreter and LiteRT over the windows. */
async function int8Gap(model: ModelIR, windows: Float32Array[], calibration = CALIBRATION, perChannelDense = false): Promise<{ steps: number; argmaxAgree: number }> {
  const { bytes, report } = exportModel(model, { mode: 'int8', representativeData: calibration, perChannelDense })
  const ours = new Interpreter(parseTflite(bytes))
  const theirs = await liteRt(bytes)
  let steps = 0
  let argmaxAgree = 0
  for (const w of windows) {
    const q = quantizedInput(report, w)
    const a = Int8Array.from(ours.invoke([q])[0] as Int8Array)
    const [b] = await theirs.run([q])
    steps = Math.max(steps, maxAbsDiff(a, b))
    if (argmax(a) === argmax(b)) argmaxAgree++
  }
  return { steps, argmaxAgree: argmaxAgree / windows.length }
}

const seq = (layers: ModelIR['layers'], inputShape = [WINDOW, AXES]): ModelIR => ({ name: 'op', inputShape, classes: [], layers })

describe('LiteRT vs our interpreter, one int8 op at a time', () => {
  const r = rng(31)
  const cases: [string, number, ModelIR][] = [
    ['CONV_2D', 1, seq([conv1d(r, 'conv', AXES, 8, 3, 'linear')])],
    ['CONV_2D (same, stride 2, relu)', 1, seq([conv1d(r, 'conv', AXES, 8, 5, 'relu', 'same', 2)])],
    ['DEPTHWISE_CONV_2D', 1, seq([depthwise(r, 'dw', AXES, 2, 3, 'linear')])],
    ['FULLY_CONNECTED', 1, seq([{ type: 'flatten', name: 'flatten' }, dense(r, 'fc', WINDOW * AXES, 10, 'linear')])],
    ['FULLY_CONNECTED (per-channel)', 1, seq([{ type: 'flatten', name: 'flatten' }, dense(r, 'fc', WINDOW * AXES, 10, 'linear')])],
    ['MAX_POOL_2D', 0, seq([{ type: 'maxPool1d', name: 'pool', poolSize: 2, strides: 2, padding: 'valid' }])],
    ['AVERAGE_POOL_2D', 0, seq([{ type: 'avgPool1d', name: 'pool', poolSize: 3, strides: 2, padding: 'same' }])],
    ['MEAN', 1, seq([{ type: 'globalAvgPool1d', name: 'gap' }])],
    ['SOFTMAX', 0, seq([{ type: 'activation', name: 'softmax', activation: 'softmax' }], [10])],
    ['RESHAPE', 0, seq([{ type: 'flatten', name: 'flatten' }])]
  ]
  it.each(cases)('%s: int8 outputs within %i step(s)', async (_op, allowed, model) => {
    // Softmax gets logits-like inputs (a few units wide) of its own shape.
    const flat = model.inputShape.length === 1
    const logits = (seed: number, n: number): Float32Array[] => randomWindows(n, seed, model.inputShape[0]).map((w) => w.map((v) => v * 4))
    const { steps } = flat ? await int8Gap(model, logits(23, 60), logits(24, 100)) : await int8Gap(model, OP_WINDOWS, CALIBRATION, _op.includes('per-channel'))
    expect(steps).toBeLessThanOrEqual(allowed)
  })
})

describe.each([
  ['dense', denseNet],
  ['conv1d', convNet],
  ['depthwise', depthwiseNet],
  ['batch norm', batchNormNet]
] as [string, () => ModelIR][])('LiteRT runs the %s net in every mode', (_name, make) => {
  const model = make()
  const reference = WINDOWS.map((w) => floatForward(model, w))

  it.each([
    ['float32', 1e-5],
    ['float16', 5e-3],
    ['dynamicRange', 0.05]
  ] as [ExportMode, number][])('%s is close to the float model', async (mode, tolerance) => {
    const { bytes } = exportModel(model, { mode, dynamicRangeMinElements: 1 })
    const runner = await liteRt(bytes)
    for (let i = 0; i < WINDOWS.length; i++) {
      const [out] = await runner.run([WINDOWS[i]])
      expect(maxAbsDiff(out, reference[i])).toBeLessThan(tolerance)
    }
  })

  it('int8 agrees with our interpreter within 2 steps and on the class', async () => {
    const { steps, argmaxAgree } = await int8Gap(model, WINDOWS)
    expect(steps).toBeLessThanOrEqual(2)
    expect(argmaxAgree).toBeGreaterThanOrEqual(0.95)
  })
})
