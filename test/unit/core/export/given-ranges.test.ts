import { describe, expect, it } from 'vitest'
import { exportModel } from '../../../../src/main/core/export/export-model'
import { asymmetricParams } from '../../../../src/main/core/quant/quantize'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import { cnnModel, randomWeights } from '../optimize/fixtures'

describe('int8 export with learned activation ranges', () => {
  it('uses the given range for the tensors it names and calibrates the rest', () => {
    const model = cnnModel()
    const r = mulberry32(2)
    const windows = Array.from({ length: 8 }, () => randomWeights(180, r, 1))
    const plain = parseTflite(exportModel(model, { mode: 'int8', representativeData: windows }).bytes)
    const given = { input: { min: -2, max: 2 }, conv1d_2: { min: 0, max: 3.5 } }
    const learned = parseTflite(exportModel(model, { mode: 'int8', representativeData: windows, activationRanges: given }).bytes)
    const q = (m: ReturnType<typeof parseTflite>, name: string) => m.subgraphs[0].tensors.find((t) => t.name === name)!.quantization!
    const input = asymmetricParams(-2, 2)
    expect(q(learned, 'input').scale[0]).toBeCloseTo(input.scale, 7)
    expect(q(learned, 'input').zeroPoint[0]).toBe(input.zeroPoint)
    const names = learned.subgraphs[0].tensors.map((t) => t.name)
    const conv2 = names.find((n) => n.startsWith('conv1d_2') && !n.includes('/'))!
    expect(q(learned, conv2).scale[0]).toBeCloseTo(asymmetricParams(0, 3.5).scale, 7)
    // A tensor not named keeps its calibrated range.
    const conv1 = names.find((n) => n.startsWith('conv1d_1') && !n.includes('/'))!
    expect(q(learned, conv1).scale[0]).toBe(q(plain, conv1).scale[0])
  })
})
