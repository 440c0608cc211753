/**
 * Randomly shaped models (kernel sizes, strides, 'same'/'valid' padding, depth multipliers, pools,
 * batch norm, global pooling or flatten) exported and run: the lowering must be right for every
 * geometry, not only the hand-picked nets.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { argmax, floatForward, inferShapes } from '../../../../src/main/core/model/float-forward'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import type { Activation, Layer, ModelIR, Padding } from '../../../../src/main/core/model/model-ir'
import { dequantizeArray, quantizeArray } from '../../../../src/main/core/quant/quantize'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { createLiteRtRunner, type LiteRtRunner } from '../../../helpers/litert'
import { conv1d, dense, depthwise, randomWindows, rng, uniform } from './models'

function randomModel(seed: number): ModelIR {
  for (let attempt = 0; ; attempt++) {
    const r = rng(seed * 1000 + attempt)
    const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]
    const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1))
    const steps = int(8, 40)
    const inputChannels = int(1, 6)
    let channels = inputChannels
    const layers: Layer[] = []
    const blocks = int(1, 4)
    for (let b = 0; b < blocks; b++) {
      const kind = pick(['conv', 'conv', 'depthwise', 'pool', 'bn-conv'])
      const padding = pick<Padding>(['valid', 'same'])
      const act = pick<Activation>(['linear', 'relu', 'relu6'])
      if (kind === 'conv') {
        const filters = int(1, 12)
        layers.push(conv1d(r, `conv_${b}`, channels, filters, int(1, 5), act, padding, int(1, 2)))
        channels = filters
      } else if (kind === 'bn-conv') {
        const filters = int(2, 8)
        layers.push(conv1d(r, `conv_${b}`, channels, filters, int(1, 4), 'linear', padding))
        layers.push({
          type: 'batchNorm',
          name: `bn_${b}`,
          gamma: Float32Array.from(uniform(r, filters, 0.5), (v) => 1 + v),
          beta: uniform(r, filters, 0.5),
          movingMean: uniform(r, filters, 0.5),
          movingVariance: Float32Array.from(uniform(r, filters, 0.5), (v) => 1 + v),
          epsilon: 1e-3
        })
        layers.push({ type: 'activation', name: `act_${b}`, activation: pick<Activation>(['relu', 'relu6']) })
        channels = filters
      } else if (kind === 'depthwise') {
        const mult = int(1, 3)
        layers.push({ ...depthwise(r, `dw_${b}`, channels, mult, int(1, 5), act, padding), strides: int(1, 2) } as Layer)
        channels *= mult
      } else {
        layers.push({ type: pick(['maxPool1d', 'avgPool1d'] as const), name: `pool_${b}`, poolSize: int(1, 3), strides: int(1, 3), padding })
      }
    }
    layers.push(pick<Layer>([{ type: 'flatten', name: 'flatten' }, { type: 'globalAvgPool1d', name: 'gap' }]))
    if (r() < 0.3) layers.push({ type: 'dropout', name: 'dropout', rate: 0.2 })
    const model: ModelIR = { name: `random-${seed}`, inputShape: [steps, inputChannels], classes: [], layers }
    try {
      const shapes = inferShapes(model)
      const features = shapes[shapes.length - 1][0]
      const classes = int(2, 5)
      if (r() < 0.5) {
        const hidden = int(4, 24)
        layers.push(dense(r, 'hidden', features, hidden, pick<Activation>(['relu', 'linear'])), dense(r, 'out', hidden, classes, 'softmax'))
      } else {
        layers.push(dense(r, 'out', features, classes, 'softmax'))
      }
      model.classes = Array.from({ length: classes }, (_, i) => `c${i}`)
      inferShapes(model)
      return model
    } catch {
      // A geometry that does not fit the window (kernel longer than the steps left): draw again.
    }
  }
}

const runners: LiteRtRunner[] = []
afterAll(() => runners.forEach((r) => r.delete()))

describe('export of randomly shaped models', () => {
  const seeds = Array.from({ length: 10 }, (_, i) => i + 1)
  it.each(seeds)('model %i: float32 exact, int8 close, LiteRT agrees', async (seed) => {
    const model = randomModel(seed)
    const size = model.inputShape[0] * model.inputShape[1]
    const calibration = randomWindows(60, seed + 100, size)
    const windows = randomWindows(20, seed + 200, size)
    const reference = windows.map((w) => floatForward(model, w))

    const f32 = exportModel(model, { mode: 'float32' })
    const oursF32 = new Interpreter(parseTflite(f32.bytes))
    const lrtF32 = await createLiteRtRunner(f32.bytes)
    runners.push(lrtF32)
    for (let i = 0; i < windows.length; i++) {
      const a = oursF32.invoke([windows[i]])[0] as Float32Array
      const [b] = await lrtF32.run([windows[i]])
      for (let k = 0; k < a.length; k++) {
        expect(Math.abs(a[k] - reference[i][k])).toBeLessThan(1e-4)
        expect(Math.abs(b[k] - reference[i][k])).toBeLessThan(1e-4)
      }
    }

    const { bytes, report } = exportModel(model, { mode: 'int8', representativeData: calibration })
    const ours = new Interpreter(parseTflite(bytes))
    const lrt = await createLiteRtRunner(bytes)
    runners.push(lrt)
    let worstProb = 0
    let sameAsLiteRt = 0
    for (let i = 0; i < windows.length; i++) {
      const q = quantizeArray(windows[i], { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! })
      const a = Int8Array.from(ours.invoke([q])[0] as Int8Array)
      const [b] = await lrt.run([q])
      if (argmax(a) === argmax(b)) sameAsLiteRt++
      const probs = dequantizeArray(a, { scale: report.output.scale!, zeroPoint: report.output.zeroPoint! })
      for (let k = 0; k < probs.length; k++) worstProb = Math.max(worstProb, Math.abs(probs[k] - reference[i][k]))
    }
    // Random weights over several layers: int8 stays within a few percent of the float probabilities.
    expect(worstProb).toBeLessThan(0.12)
    expect(sameAsLiteRt).toBeGreaterThanOrEqual(windows.length - 1)
  })
})
