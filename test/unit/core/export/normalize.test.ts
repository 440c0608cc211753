import { describe, expect, it } from 'vitest'
import { normalizeModel } from '../../../../src/main/core/export/normalize'
import { lowerModel } from '../../../../src/main/core/export/lower'
import { floatForward } from '../../../../src/main/core/model/float-forward'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { batchNormNet, convNet, depthwiseNet, randomWindows } from './models'

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('normalizeModel (converter-style graph rewrites)', () => {
  it('folds batch norm, fuses the activation and splits softmax without changing the outputs', () => {
    const model = batchNormNet()
    const n = normalizeModel(model)
    expect(n.layers.map((l) => `${l.type}:${'activation' in l ? l.activation : ''}`)).toEqual([
      'conv1d:relu',
      'maxPool1d:',
      'flatten:',
      'dense:relu',
      'dense:linear',
      'activation:softmax'
    ])
    for (const w of randomWindows(20, 5)) expect(maxAbsDiff(floatForward(n, w), floatForward(model, w))).toBeLessThan(1e-5)
  })

  it('folds batch norm into a depthwise convolution channel by channel', () => {
    const base = depthwiseNet()
    const dw = { ...(base.layers[0] as Extract<ModelIR['layers'][number], { type: 'depthwiseConv1d' }>), activation: 'linear' as const }
    const c = 12
    const model: ModelIR = {
      ...base,
      layers: [
        dw,
        {
          type: 'batchNorm',
          name: 'bn',
          gamma: Float32Array.from({ length: c }, (_, i) => 0.5 + i / 10),
          beta: Float32Array.from({ length: c }, (_, i) => i / 20 - 0.3),
          movingMean: Float32Array.from({ length: c }, (_, i) => (i % 3) / 4),
          movingVariance: Float32Array.from({ length: c }, (_, i) => 0.5 + (i % 5) / 5),
          epsilon: 1e-3
        },
        ...base.layers.slice(1)
      ]
    }
    const n = normalizeModel(model)
    expect(n.layers.some((l) => l.type === 'batchNorm')).toBe(false)
    for (const w of randomWindows(10, 6)) expect(maxAbsDiff(floatForward(n, w), floatForward(model, w))).toBeLessThan(1e-5)
  })

  it('drops dropout', () => {
    expect(normalizeModel(convNet()).layers.some((l) => l.type === 'dropout')).toBe(false)
  })

  it('refuses a model with NaN weights (diverged training)', () => {
    const model = convNet()
    const layer = model.layers[0] as Extract<ModelIR['layers'][number], { type: 'conv1d' }>
    layer.kernel[3] = Number.NaN
    expect(() => normalizeModel(model)).toThrow(/"conv1d_1" has NaN or infinite values in its kernel/)
  })

  it('refuses a batch norm it cannot fold, with a next step', () => {
    const model = convNet()
    const bad: ModelIR = {
      ...model,
      layers: [
        model.layers[0],
        { type: 'batchNorm', name: 'bn', gamma: new Float32Array(16).fill(1), beta: new Float32Array(16), movingMean: new Float32Array(16), movingVariance: new Float32Array(16).fill(1), epsilon: 1e-3 },
        ...model.layers.slice(1)
      ]
    }
    expect(() => normalizeModel(bad)).toThrow(/cannot be folded/)
    try {
      normalizeModel(bad)
    } catch (e) {
      expect((e as { code: string; hint: string }).code).toBe('UNSUPPORTED')
      expect((e as { hint: string }).hint).toMatch(/no activation/)
    }
  })
})

describe('lowerModel (TFLite layouts)', () => {
  it('views Conv1D as CONV_2D on [1, 1, W, C] with OHWI filters', () => {
    const model = convNet()
    const g = lowerModel(normalizeModel(model))
    expect(g.ops.map((o) => o.kind)).toEqual(['reshape', 'conv2d', 'maxPool2d', 'conv2d', 'maxPool2d', 'reshape', 'fullyConnected', 'fullyConnected', 'softmax'])
    expect(g.tensors.map((t) => t.shape)).toEqual([
      [1, 30, 6],
      [1, 1, 30, 6],
      [1, 1, 26, 16],
      [1, 1, 13, 16],
      [1, 1, 11, 32],
      [1, 1, 5, 32],
      [1, 160],
      [1, 32],
      [1, 2],
      [1, 2]
    ])
    const conv = g.ops[1] as Extract<(typeof g.ops)[number], { kind: 'conv2d' }>
    expect(conv.weightShape).toEqual([16, 1, 5, 6])
    // Keras kernel[t][i][o] lands at filter[o][0][t][i]
    const layer = model.layers[0] as Extract<ModelIR['layers'][number], { type: 'conv1d' }>
    const [t, i, o] = [3, 4, 7]
    expect(conv.weights[(o * 5 + t) * 6 + i]).toBe(layer.kernel[(t * 6 + i) * 16 + o])
    const fc = g.ops[6] as Extract<(typeof g.ops)[number], { kind: 'fullyConnected' }>
    expect(fc.weightShape).toEqual([32, 160])
  })

  it('lowers global average pooling to MEAN over the time axes and keeps a sequence output in Keras shape', () => {
    const g = lowerModel(normalizeModel(depthwiseNet()))
    const mean = g.ops.find((o) => o.kind === 'mean') as Extract<(typeof g.ops)[number], { kind: 'mean' }>
    expect(mean.axes).toEqual([1, 2])
    const seqOnly = depthwiseNet()
    seqOnly.layers = seqOnly.layers.slice(0, 2)
    const g2 = lowerModel(normalizeModel(seqOnly))
    expect(g2.tensors[g2.output].shape).toEqual([1, 30, 16])
  })
})
