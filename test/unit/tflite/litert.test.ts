import { describe, expect, it } from 'vitest'
import { createLiteRtRunner, runLiteRt } from '../../helpers/litert'
import { sharedModel } from '../../helpers/shared-models'

describe('LiteRT harness (real TFLite runtime in Node)', () => {
  it('runs hello_world_int8 with int8 input: -64 gives 126', async () => {
    const [out] = await runLiteRt(sharedModel('hello_world_int8'), [new Int8Array([-64])])
    expect(out).toBeInstanceOf(Int8Array)
    expect(Array.from(out)).toEqual([126])
  })

  it('runs gesture_dense_float32 on zeros', async () => {
    const runner = await createLiteRtRunner(sharedModel('gesture_dense_float32'))
    const [out] = await runner.run([new Float32Array(180)])
    runner.delete()
    expect(out[0]).toBeCloseTo(0.651835, 5)
    expect(out[1]).toBeCloseTo(0.348165, 5)
  })
})
