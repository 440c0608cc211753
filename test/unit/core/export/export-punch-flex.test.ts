/**
 * The shared MPU6050 punch/flex recordings as representative and test data: float vs int8 accuracy,
 * and our interpreter vs LiteRT on every window.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { selectRepresentativeWindows } from '../../../../src/main/core/export/representative'
import { argmax, floatForward } from '../../../../src/main/core/model/float-forward'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { quantizeArray } from '../../../../src/main/core/quant/quantize'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { createLiteRtRunner, type LiteRtRunner } from '../../../helpers/litert'
import { convNet, denseNet, depthwiseNet, loadPunchFlex, trainHead } from './models'

const data = loadPunchFlex()
const isTest = (i: number): boolean => i % 3 === 0
const train = { windows: data.windows.filter((_, i) => !isTest(i)), labels: data.labels.filter((_, i) => !isTest(i)) }
const test = { windows: data.windows.filter((_, i) => isTest(i)), labels: data.labels.filter((_, i) => isTest(i)) }

const runners: LiteRtRunner[] = []
afterAll(() => runners.forEach((r) => r.delete()))

function accuracy(predict: (w: Float32Array) => number, set: { windows: Float32Array[]; labels: number[] }): number {
  return set.windows.filter((w, i) => predict(w) === set.labels[i]).length / set.windows.length
}

it('loads all 60 windows (17 punch, 43 flex)', () => {
  expect(data.windows.length).toBe(60)
  expect(data.labels.filter((l) => l === 0).length).toBe(17)
  expect(data.windows.every((w) => w.length === 180)).toBe(true)
})

describe.each([
  ['dense', denseNet],
  ['conv1d', convNet],
  ['depthwise', depthwiseNet]
] as [string, () => ModelIR][])('%s net with a head fitted on punch/flex', (_name, make) => {
  const model = trainHead(make(), train.windows, train.labels)
  const floatAcc = accuracy((w) => argmax(floatForward(model, w)), test)
  const representative = selectRepresentativeWindows(train.windows, train.labels)

  it('the float model learned something', () => {
    expect(floatAcc).toBeGreaterThanOrEqual(0.85)
  })

  it.each([
    ['per-tensor', { perChannel: false }],
    ['per-channel convolutions', { perChannel: true }],
    ['per-channel everywhere', { perChannel: true, perChannelDense: true }]
  ])('int8 (%s) keeps the accuracy and agrees with LiteRT on every window', async (_weights, weights) => {
    const { bytes, report } = exportModel(model, {
      mode: 'int8',
      ...weights,
      representativeData: representative.windows,
      representativeLabels: representative.labels
    })
    // 40 training windows: fewer than the recommended 100, both classes present.
    expect(report.warnings).toHaveLength(1)
    const ours = new Interpreter(parseTflite(bytes))
    const runner = await createLiteRtRunner(bytes)
    runners.push(runner)
    const inParams = { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! }
    const oursPredict = (w: Float32Array): number => argmax(ours.invoke([quantizeArray(w, inParams)])[0] as Int8Array)
    expect(accuracy(oursPredict, test)).toBeGreaterThanOrEqual(floatAcc - 0.05)

    let agreeFloat = 0
    let worst = 0
    for (const w of data.windows) {
      const q = quantizeArray(w, inParams)
      const a = Int8Array.from(ours.invoke([q])[0] as Int8Array)
      const [b] = await runner.run([q])
      expect(argmax(b)).toBe(argmax(a))
      for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]))
      if (argmax(a) === argmax(floatForward(model, w))) agreeFloat++
    }
    // Each conv/dense op may differ by one step (XNNPack's requantization rounding, see
    // export-litert.test.ts); SOFTMAX then magnifies a one-step logit difference by about
    // p(1 - p) * logit_scale * 256 output steps. Measured at most 3 steps (1.2 % probability).
    expect(worst).toBeLessThanOrEqual(4)
    expect(agreeFloat / data.windows.length).toBeGreaterThanOrEqual(58 / 60)
  })
})
