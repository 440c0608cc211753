import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import { parseTflite, type ParsedModel } from '../../../../src/main/core/tflite/reader'
import { createLiteRtRunner, runLiteRt, type LiteRtRunner } from '../../../helpers/litert'
import { converterModel, type ConverterModel } from '../../../helpers/fixtures'
import { mulberry32 } from '../../../../src/main/core/util/random'

const random = mulberry32

/** hello_world through XNNPack's arithmetic: int32 accumulation, fp32 rescale, round half to even. */
function xnnpackFp32Requant(model: ParsedModel, input: number): number {
  const sg = model.subgraphs[0]
  let x = [input]
  for (const op of sg.operators) {
    const [inT, wT, bT] = op.inputs.map((k) => sg.tensors[k])
    const outT = sg.tensors[op.outputs[0]]
    const w = new Int8Array(wT.data!.slice().buffer)
    const b = new Int32Array(bT.data!.slice().buffer)
    const [rows, depth] = wT.shape
    const f = Math.fround
    const scale = f(f(inT.quantization!.scale[0] * wT.quantization!.scale[0]) / outT.quantization!.scale[0])
    const inZp = inT.quantization!.zeroPoint[0]
    const outZp = outT.quantization!.zeroPoint[0]
    const lo = op.options.fusedActivation === 'RELU' ? Math.max(-128, outZp) : -128
    const y: number[] = []
    for (let r = 0; r < rows; r++) {
      let acc = b[r]
      for (let c = 0; c < depth; c++) acc += w[r * depth + c] * (x[c] - inZp)
      const p = f(acc * scale)
      const q = Math.abs(p % 1) === 0.5 ? 2 * Math.round(p / 2) : Math.round(p)
      y.push(Math.min(127, Math.max(lo, q + outZp)))
    }
    x = y
  }
  return x[0]
}

describe('LiteRT harness (real TFLite runtime in Node)', () => {
  it('runs hello_world_int8 with int8 input: -64 gives 126', async () => {
    const [out] = await runLiteRt(converterModel('hello_world_int8'), [new Int8Array([-64])])
    expect(out).toBeInstanceOf(Int8Array)
    expect(Array.from(out)).toEqual([126])
  })

  it('runs gesture_dense_float32 on zeros', async () => {
    const [out] = await runLiteRt(converterModel('gesture_dense_float32'), [new Float32Array(180)])
    expect(out[0]).toBeCloseTo(0.651835, 5)
    expect(out[1]).toBeCloseTo(0.348165, 5)
  })
})

describe('our interpreter agrees with LiteRT on the converter models', () => {
  const runners = new Map<ConverterModel, LiteRtRunner>()
  const ours = new Map<ConverterModel, Interpreter>()
  const names: ConverterModel[] = ['hello_world_int8', 'gesture_dense_float32', 'gesture_dense_dynamic_range_int8', 'gesture_dense_float16']
  beforeAll(async () => {
    for (const n of names) {
      runners.set(n, await createLiteRtRunner(converterModel(n)))
      ours.set(n, new Interpreter(parseTflite(converterModel(n))))
    }
  })
  afterAll(() => {
    for (const r of runners.values()) r.delete()
  })

  it('hello_world_int8: all 256 inputs, differences only from FULLY_CONNECTED requantization rounding', async () => {
    // The only op is FULLY_CONNECTED. LiteRT hands it to XNNPack, which requantizes in fp32
    // (acc * float(in_scale * w_scale / out_scale), round half to even). TFLM's reference kernel
    // uses the fixed-point MultiplyByQuantizedMultiplier, whose two roundings turn products like
    // 56.4997 into 57. One step in a hidden layer can grow to a few steps at the output.
    // The fp32 emulation below, fed from our reader, matches LiteRT on every input, so everything
    // else (weights, zero points, bias, fused ReLU) is exact and the rounding step is the whole story.
    const runner = runners.get('hello_world_int8')!
    const interp = ours.get('hello_world_int8')!
    const parsed = parseTflite(converterModel('hello_world_int8'))
    let differing = 0
    for (let v = -128; v <= 127; v++) {
      const [theirs] = await runner.run([new Int8Array([v])])
      const [mine] = interp.invoke([new Int8Array([v])])
      expect(xnnpackFp32Requant(parsed, v), `fp32 emulation, input ${v}`).toBe(theirs[0])
      expect(Math.abs(mine[0] - theirs[0]), `input ${v}`).toBeLessThanOrEqual(3)
      if (mine[0] !== theirs[0]) differing++
    }
    expect(differing).toBeLessThan(32)
  })

  it('gesture_dense_float32: random windows agree within 1e-5', async () => {
    const rnd = random(1)
    const runner = runners.get('gesture_dense_float32')!
    const interp = ours.get('gesture_dense_float32')!
    for (let k = 0; k < 20; k++) {
      const x = Float32Array.from({ length: 180 }, () => rnd() * 4 - 2)
      const [theirs] = await runner.run([x])
      const [mine] = interp.invoke([x])
      for (let i = 0; i < 2; i++) expect(Math.abs(mine[i] - theirs[i])).toBeLessThan(1e-5)
    }
  })

  it('float16 and dynamic-range models: close to LiteRT (TFLite runs them, TFLM does not)', async () => {
    const rnd = random(2)
    for (const n of ['gesture_dense_float16', 'gesture_dense_dynamic_range_int8'] as const) {
      // float16 weights widen to float32 exactly, so only the summation order differs (1e-5).
      // The hybrid FULLY_CONNECTED is where the two runtimes really differ: we follow TFLite's
      // reference EvalHybrid (inputs quantized symmetrically per row to [-127, 127]); LiteRT hands it
      // to XNNPack's dynamic-range GEMM, which quantizes inputs asymmetrically per row. Both are
      // approximations of the float model, a few 0.1 % apart; the predicted class must agree.
      const tolerance = n === 'gesture_dense_float16' ? 1e-5 : 0.03
      for (let k = 0; k < 20; k++) {
        const x = Float32Array.from({ length: 180 }, () => rnd() * 4 - 2)
        const [theirs] = await runners.get(n)!.run([x])
        const [mine] = ours.get(n)!.invoke([x])
        for (let i = 0; i < 2; i++) expect(Math.abs(mine[i] - theirs[i]), `${n} window ${k}`).toBeLessThan(tolerance)
        expect(mine[0] > mine[1], `${n} window ${k} argmax`).toBe(theirs[0] > theirs[1])
      }
    }
  })
})
