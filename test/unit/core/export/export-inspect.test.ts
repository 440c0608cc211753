import { describe, expect, it } from 'vitest'
import { exportModel, type ExportMode } from '../../../../src/main/core/export/export-model'
import { inspectTflite } from '../../../../src/main/core/inspect/inspect-model'
import { convNet, depthwiseNet, randomWindows } from './models'

// What the inspector says about our exports is what the user is told before flashing.
describe('inspector verdict on our exports', () => {
  const data = randomWindows(20, 51)
  it.each([
    ['int8', true, []],
    ['float32', true, []],
    ['float16', false, ['float16']],
    ['dynamicRange', false, ['hybrid']]
  ] as [ExportMode, boolean, string[]][])('%s: TFLite Micro can run it: %s', (mode, supported, kinds) => {
    for (const model of [convNet(), depthwiseNet()]) {
      const { bytes, report } = exportModel(model, { mode, representativeData: data, dynamicRangeMinElements: 1 })
      const summary = inspectTflite(bytes)
      expect(summary.tflmSupported).toBe(supported)
      expect([...new Set(summary.problems.map((p) => p.kind))]).toEqual(kinds)
      expect(summary.ops).toEqual(report.ops)
      expect(summary.sizes.fileBytes).toBe(report.sizeBytes)
    }
  })
})
