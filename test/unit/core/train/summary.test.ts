import { describe, expect, it } from 'vitest'
import { PRESETS, presetSpec } from '../../../../src/main/core/train/presets'
import { resolveLayers, summarizeSpec } from '../../../../src/main/core/train/summary'

describe('summarizeSpec (no tfjs)', () => {
  it('gives the Keras parameter counts and MACs of the 1D CNN on 30x6 windows', () => {
    const s = summarizeSpec(presetSpec('cnn1d'), [30, 6], 2)
    expect(s.layers.map((l) => [l.name, l.outputShape, l.params, l.macs])).toEqual([
      ['conv1d_1', [26, 16], 496, 12480],
      ['max_pooling1d_1', [13, 16], 0, 0],
      ['conv1d_2', [11, 32], 1568, 16896],
      ['max_pooling1d_2', [5, 32], 0, 0],
      ['flatten_1', [160], 0, 0],
      ['dense_1', [32], 5152, 5120],
      ['dropout_1', [32], 0, 0],
      ['output', [2], 66, 64]
    ])
    expect(s.totalParams).toBe(7282)
    expect(s.totalMacs).toBe(34560)
    expect(s.float32Bytes).toBe(7282 * 4)
    expect(s.text).toContain('conv1d_1 (Conv1D)')
    expect(s.text).toContain('Total params: 7,282 (28.45 KB as float32)')
  })

  it('matches the Arduino workshop dense net on a 119-sample Nano 33 BLE window', () => {
    const s = summarizeSpec(presetSpec('dense'), [119, 6], 2)
    // Keras: 714*50+50, 50*15+15, 15*2+2
    expect(s.layers.map((l) => l.params)).toEqual([0, 35750, 765, 32])
    expect(s.totalMacs).toBe(714 * 50 + 50 * 15 + 15 * 2)
  })

  it('counts depthwise and pointwise layers of the separable CNN', () => {
    const s = summarizeSpec(presetSpec('dscnn'), [30, 6], 3)
    const dw = s.layers.find((l) => l.name === 'depthwise_conv1d_1')!
    expect(dw).toMatchObject({ kind: 'DepthwiseConv1D', outputShape: [24, 8], params: 5 * 8 + 8, macs: 24 * 8 * 5 })
    expect(s.totalMacs).toBeLessThan(summarizeSpec(presetSpec('cnn1d'), [30, 6], 3).totalMacs / 2)
  })

  it('follows edited widths, strides and padding', () => {
    const s = summarizeSpec({ preset: 'custom', layers: [{ type: 'conv1d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }, { type: 'flatten' }] }, [30, 3], 2)
    expect(s.layers[0].outputShape).toEqual([15, 4])
    expect(s.layers[0].macs).toBe(15 * 4 * 3 * 3)
  })

  it('explains a kernel longer than the window, and a model without a flat end', () => {
    expect(() => summarizeSpec({ preset: 'custom', layers: [{ type: 'conv1d', filters: 4, kernelSize: 40, activation: 'relu' }, { type: 'flatten' }] }, [30, 6], 2)).toThrow(/kernel 40 is longer/)
    expect(() => summarizeSpec({ preset: 'custom', layers: [{ type: 'conv1d', filters: 4, kernelSize: 3, activation: 'relu' }] }, [30, 6], 2)).toThrow(/flat vector/)
    expect(() => summarizeSpec(presetSpec('cnn1d'), [30, 6], 1)).toThrow(/two classes/)
  })

  it('names layers like Keras and appends the softmax output', () => {
    const names = resolveLayers(presetSpec('dense'), 4).map((l) => l.name)
    expect(names).toEqual(['flatten_1', 'dense_1', 'dense_2', 'output'])
    expect(PRESETS.map((p) => p.id)).toEqual(['dense', 'cnn1d', 'dscnn'])
  })
})
