import { describe, expect, it } from 'vitest'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { measureVariant } from '../../../../src/main/core/optimize/measure'
import { tflmVerdict } from '../../../../src/shared/optimize'
import { denseNet, loadPunchFlex } from '../export/models'

describe('measureVariant: whether TensorFlow Lite Micro can load the variant', () => {
  const model = denseNet()
  const { windows, labels } = loadPunchFlex()
  const test = { x: Float32Array.from(windows.slice(0, 10).flatMap((w) => Array.from(w))), y: labels.slice(0, 10), ids: labels.slice(0, 10).map((_, i) => `w${i}`) }

  it('int8 and float32: yes; dynamic range (hybrid) and float16: no, with the reason', () => {
    const int8 = measureVariant(model, exportModel(model, { mode: 'int8', representativeData: windows }).bytes, 'int8', test, {})
    expect([int8.tflmSupported, int8.tflmProblem]).toEqual([true, null])
    const float = measureVariant(model, exportModel(model, { mode: 'float32' }).bytes, 'float32', test, {})
    expect(float.tflmSupported).toBe(true)
    const hybrid = measureVariant(model, exportModel(model, { mode: 'dynamicRange' }).bytes, 'dynamic', test, {})
    expect(hybrid.tflmSupported).toBe(false)
    expect(hybrid.tflmProblem).toMatch(/hybrid/)
    const fp16 = measureVariant(model, exportModel(model, { mode: 'float16' }).bytes, 'fp16', test, {})
    expect(fp16.tflmSupported).toBe(false)
    expect(fp16.tflmProblem).toMatch(/float16/)
  })

  it('records written before the verdict existed are judged by format', () => {
    expect(tflmVerdict({ format: 'dynamic' }).supported).toBe(false)
    expect(tflmVerdict({ format: 'fp16' }).problem).toMatch(/float16/)
    expect(tflmVerdict({ format: 'int8' })).toEqual({ supported: true, problem: null })
    expect(tflmVerdict({ format: 'int8', tflmSupported: false, tflmProblem: 'x' })).toEqual({ supported: false, problem: 'x' })
  })
})
