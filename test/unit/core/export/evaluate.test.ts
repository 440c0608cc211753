import { describe, expect, it } from 'vitest'
import { compareVariants, evaluateFloat, evaluateTflite } from '../../../../src/main/core/export/evaluate'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { selectRepresentativeWindows } from '../../../../src/main/core/export/representative'
import { convNet, denseNet, loadPunchFlex, trainHead } from './models'

const data = loadPunchFlex()
const train = { windows: data.windows.filter((_, i) => i % 3 !== 0), labels: data.labels.filter((_, i) => i % 3 !== 0) }
const test = { windows: data.windows.filter((_, i) => i % 3 === 0), labels: data.labels.filter((_, i) => i % 3 === 0) }

describe('selectRepresentativeWindows', () => {
  it('takes classes round-robin so a rare class is always present', () => {
    const labels = [...new Array(95).fill(1), 0, 0, 0, 0, 0]
    const windows = labels.map((_, i) => i)
    const pick = selectRepresentativeWindows(windows, labels, 10)
    expect(pick.windows).toHaveLength(10)
    expect(pick.labels.filter((l) => l === 0)).toHaveLength(5)
    // The majority class picks spread over its recording order, not the first five.
    const majority = pick.windows.filter((w) => labels[w] === 1)
    expect(Math.max(...majority) - Math.min(...majority)).toBeGreaterThan(50)
  })

  it('returns everything when there are fewer windows than asked for', () => {
    const pick = selectRepresentativeWindows(train.windows, train.labels, 100)
    expect(pick.windows).toHaveLength(train.windows.length)
    expect(new Set(pick.labels)).toEqual(new Set([0, 1]))
  })
})

describe('evaluation', () => {
  const model = trainHead(denseNet(), train.windows, train.labels)

  it('scores the float model and an exported int8 model on the same windows', () => {
    const float = evaluateFloat(model, test)
    const { bytes } = exportModel(model, { mode: 'int8', representativeData: train.windows })
    const int8 = evaluateTflite(bytes, test)
    expect(float.predictions).toHaveLength(test.windows.length)
    expect(Math.abs(int8.accuracy - float.accuracy)).toBeLessThanOrEqual(0.05)
  })

  it('compares every variant: size shrinks, accuracy holds', () => {
    const rows = compareVariants(trainHead(convNet(), train.windows, train.labels), train, test)
    expect(rows.map((r) => r.variant)).toEqual(['float32', 'dynamicRange', 'float16', 'int8PerTensor', 'int8PerChannel'])
    const f32 = rows[0]
    for (const r of rows.slice(1)) expect(r.sizeBytes).toBeLessThan(f32.sizeBytes)
    for (const r of rows) {
      if (r.accuracy === null) {
        // Our interpreter runs no hybrid convolution (TFLite Micro cannot either).
        expect(r.variant).toBe('dynamicRange')
        expect(r.note).toMatch(/CONV_2D/)
      } else {
        expect(r.accuracy).toBeGreaterThanOrEqual(f32.accuracy! - 0.05)
      }
    }
  })
})
