import { describe, expect, it } from 'vitest'
import { estimateLatency, correctionFromMeasurement, TARGETS } from '../../../../src/main/core/cost/latency'
import { modelCost } from '../../../../src/main/core/cost/model-cost'
import { presetSpec } from '../../../../src/main/core/train/presets'
import { summarizeSpec } from '../../../../src/main/core/train/summary'
import { cnnModel, dscnnModel } from '../optimize/fixtures'

describe('modelCost', () => {
  it('counts the same parameters and MACs as the training summary of the preset', () => {
    const ir = cnnModel(1, 30, 6, 3)
    const spec = summarizeSpec(presetSpec('cnn1d'), [30, 6], 3)
    const cost = modelCost(ir)
    expect(cost.totalParams).toBe(spec.totalParams)
    expect(cost.totalMacs).toBe(spec.totalMacs)
    // Golden: conv1 26*16*5*6, conv2 11*32*3*16, dense 160*32, output 32*3.
    expect(cost.totalMacs).toBe(12480 + 16896 + 5120 + 96)
    expect(cost.layers.map((l) => l.outputShape)).toEqual([[26, 16], [13, 16], [11, 32], [5, 32], [160], [32], [32], [3]])
  })

  it('counts depthwise MACs per channel and multiplier', () => {
    const cost = modelCost(dscnnModel())
    const dw2 = cost.layers.find((l) => l.name === 'depthwise_conv1d_2')!
    expect(dw2.outputShape).toEqual([12, 64])
    expect(dw2.macs).toBe(12 * 64 * 3)
    expect(cost.layers.find((l) => l.name === 'bn_1')!.params).toBe(64)
  })
})

describe('latency model', () => {
  it('ranks boards and formats sensibly and applies corrections', () => {
    const ir = cnnModel()
    const int8 = estimateLatency(ir, 'int8')
    const f32 = estimateLatency(ir, 'float32')
    const ms = (l: typeof int8, id: string): number => l.find((x) => x.target === id)!.ms
    for (const t of TARGETS) expect(ms(f32, t.id)).toBeGreaterThan(ms(int8, t.id))
    expect(ms(int8, 'stm32f4')).toBeLessThan(ms(int8, 'nano33ble'))
    expect(ms(f32, 'pico')).toBeGreaterThan(ms(f32, 'nano33ble'))
    const corrected = estimateLatency(ir, 'int8', { esp32: 1.5 })
    expect(ms(corrected, 'esp32')).toBeCloseTo(ms(int8, 'esp32') * 1.5, 10)
    expect(corrected.find((x) => x.target === 'esp32')!.rawMs).toBeCloseTo(ms(int8, 'esp32'), 10)
    expect(correctionFromMeasurement(3, 2)).toBe(1.5)
    expect(correctionFromMeasurement(0, 2)).toBe(1)
  })
})

describe('target notes shown to users', () => {
  it('use no internal phrases (where the numbers were first measured is not the user\'s business)', () => {
    for (const t of TARGETS) expect(t.notes).not.toMatch(/seed|lesson/i)
  })
})
