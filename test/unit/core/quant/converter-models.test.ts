import { describe, expect, it } from 'vitest'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { converterModel } from '../../../helpers/fixtures'

describe('converter models (facts from test/fixtures/models/README.md)', () => {
  it('hello_world_int8: input -64 gives 126', () => {
    const interp = new Interpreter(parseTflite(converterModel('hello_world_int8')))
    const [out] = interp.invoke([new Int8Array([-64])])
    expect(out).toBeInstanceOf(Int8Array)
    expect(out[0]).toBe(126)
  })

  it('gesture_dense_float32 on zeros gives about [0.651835, 0.348165]', () => {
    const interp = new Interpreter(parseTflite(converterModel('gesture_dense_float32')))
    const [out] = interp.invoke([new Float32Array(180)])
    expect(out[0]).toBeCloseTo(0.651835, 6)
    expect(out[1]).toBeCloseTo(0.348165, 6)
  })
})
