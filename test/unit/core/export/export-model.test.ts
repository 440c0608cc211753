import { describe, expect, it } from 'vitest'
import { exportModel, type ExportMode, type ExportReport } from '../../../../src/main/core/export/export-model'
import { argmax, floatForward } from '../../../../src/main/core/model/float-forward'
import { Interpreter } from '../../../../src/main/core/quant/interpreter'
import type { ModelIR } from '../../../../src/main/core/model/model-ir'
import { biasScale, dequantizeArray, quantizeArray } from '../../../../src/main/core/quant/quantize'
import { parseTflite, type ParsedModel, type ParsedTensor } from '../../../../src/main/core/tflite/reader'
import { MicroforgeError } from '../../../../src/shared/errors'
import { batchNormNet, convNet, denseNet, depthwiseNet, randomWindows } from './models'

const MODELS: [string, () => ModelIR][] = [
  ['dense', denseNet],
  ['conv1d', convNet],
  ['depthwise', depthwiseNet],
  ['batch norm', batchNormNet]
]
const CALIBRATION = randomWindows(100, 11)
const TEST_WINDOWS = randomWindows(100, 12)

function ops(m: ParsedModel): string[] {
  return m.subgraphs[0].operators.map((o) => o.builtin)
}

function tensorsOf(m: ParsedModel): ParsedTensor[] {
  return m.subgraphs[0].tensors
}

/** Runs one window through our interpreter, quantizing and dequantizing at int8 boundaries. */
export function runOurs(interp: Interpreter, report: ExportReport, x: Float32Array): Float32Array {
  const input = report.input.type === 'int8' ? quantizeArray(x, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! }) : x
  const out = interp.invoke([input])[0]
  return report.output.type === 'int8' ? dequantizeArray(out as Int8Array, { scale: report.output.scale!, zeroPoint: report.output.zeroPoint! }) : Float32Array.from(out as Float32Array)
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

describe('export: structure of each mode (conv1d net)', () => {
  const model = convNet()
  const build = (mode: ExportMode, extra: object = {}): { parsed: ParsedModel; report: ExportReport; bytes: Uint8Array } => {
    const { bytes, report } = exportModel(model, { mode, representativeData: CALIBRATION, ...extra })
    return { parsed: parseTflite(bytes), report, bytes }
  }

  it('float32 maps layers like the TF converter', () => {
    const { parsed, report } = build('float32')
    expect(ops(parsed)).toEqual(['RESHAPE', 'CONV_2D', 'MAX_POOL_2D', 'CONV_2D', 'MAX_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX'])
    expect(parsed.description).toBe('Microforge')
    expect(parsed.schemaVersion).toBe(3)
    expect(tensorsOf(parsed).every((t) => t.type === 'FLOAT32' || t.type === 'INT32')).toBe(true)
    const sg = parsed.subgraphs[0]
    const conv = sg.operators[1]
    expect(sg.tensors[conv.inputs[1]].shape).toEqual([16, 1, 5, 6])
    expect(conv.options).toMatchObject({ padding: 'VALID', strideW: 1, strideH: 1, fusedActivation: 'RELU' })
    expect(sg.operators[2].options).toMatchObject({ filterW: 2, filterH: 1, strideW: 2 })
    expect(report).toMatchObject({ mode: 'float32', tensorsQuantized: 0, input: { type: 'float32', shape: [1, 30, 6] }, output: { type: 'float32', shape: [1, 2] } })
    expect(report.sizeBytes).toBe(parsed.sizes.fileBytes)
  })

  it('float16 stores weights and biases as FLOAT16 behind DEQUANTIZE ops', () => {
    const { parsed, report } = build('float16')
    const sg = parsed.subgraphs[0]
    const halves = sg.tensors.filter((t) => t.type === 'FLOAT16')
    expect(halves.length).toBe(8)
    expect(report.tensorsQuantized).toBe(8)
    const deq = sg.operators.filter((o) => o.builtin === 'DEQUANTIZE')
    expect(deq.length).toBe(8)
    expect(deq.every((o) => o.version === 3 && sg.tensors[o.inputs[0]].type === 'FLOAT16')).toBe(true)
    // Each weight op reads the dequantized float32 copy.
    const conv = sg.operators.find((o) => o.builtin === 'CONV_2D')!
    expect(sg.tensors[conv.inputs[1]].type).toBe('FLOAT32')
    expect(sg.tensors[conv.inputs[1]].data).toBeNull()
  })

  it('dynamic range quantizes big weights to int8 and keeps float activations (hybrid ops)', () => {
    const { parsed, report } = build('dynamicRange')
    const sg = parsed.subgraphs[0]
    // conv1d_1 has 480 weights (< 1024, stays float like the converter), conv1d_2 1536, dense_1 5120, dense_2 64.
    const int8 = sg.tensors.filter((t) => t.type === 'INT8')
    expect(int8.map((t) => t.name)).toEqual(['conv1d_2/kernel', 'dense_1/kernel'])
    expect(report.tensorsQuantized).toBe(2)
    const versions = sg.operators.map((o) => `${o.builtin}/${o.version}`)
    expect(versions).toEqual(['RESHAPE/1', 'CONV_2D/1', 'MAX_POOL_2D/1', 'CONV_2D/5', 'MAX_POOL_2D/1', 'RESHAPE/1', 'FULLY_CONNECTED/3', 'FULLY_CONNECTED/1', 'SOFTMAX/1'])
    expect(sg.tensors.find((t) => t.name === 'conv1d_2/kernel')!.quantization!.scale.length).toBe(32)
    expect(sg.tensors.find((t) => t.name === 'dense_1/kernel')!.quantization!.scale.length).toBe(1)
    expect(report.input.type).toBe('float32')
  })

  it('int8 with per-channel weights: int8 tensors, int32 bias with scale input x weight, softmax 1/256 -128', () => {
    const { parsed, report } = build('int8')
    const sg = parsed.subgraphs[0]
    expect(sg.operators.map((o) => `${o.builtin}/${o.version}`)).toEqual([
      'RESHAPE/1', 'CONV_2D/3', 'MAX_POOL_2D/2', 'CONV_2D/3', 'MAX_POOL_2D/2', 'RESHAPE/1', 'FULLY_CONNECTED/4', 'FULLY_CONNECTED/4', 'SOFTMAX/2'
    ])
    for (const op of sg.operators) {
      if (op.builtin === 'RESHAPE') continue
      expect(sg.tensors[op.inputs[0]].type).toBe('INT8')
      expect(sg.tensors[op.outputs[0]].type).toBe('INT8')
    }
    for (const op of sg.operators.filter((o) => o.builtin === 'CONV_2D' || o.builtin === 'FULLY_CONNECTED')) {
      const [input, weights, bias] = op.inputs.map((i) => sg.tensors[i])
      // Per-channel for convolutions; dense layers keep one scale unless asked (perChannelDense).
      expect(weights.quantization!.scale.length).toBe(op.builtin === 'CONV_2D' ? weights.shape[0] : 1)
      expect(weights.quantization!.zeroPoint.every((z) => z === 0)).toBe(true)
      expect(new Int8Array(weights.data!.slice().buffer).every((v) => v >= -127)).toBe(true)
      expect(bias.type).toBe('INT32')
      bias.quantization!.scale.forEach((s, c) => expect(s).toBe(biasScale(input.quantization!.scale[0], weights.quantization!.scale[c])))
    }
    const out = sg.tensors[sg.outputs[0]]
    expect(out.quantization).toMatchObject({ scale: [1 / 256], zeroPoint: [-128] })
    // Pools and reshapes cannot rescale: their output shares the input's params.
    for (const op of sg.operators.filter((o) => o.builtin === 'MAX_POOL_2D' || o.builtin === 'RESHAPE')) {
      expect(sg.tensors[op.outputs[0]].quantization!.scale).toEqual(sg.tensors[op.inputs[0]].quantization!.scale)
      expect(sg.tensors[op.outputs[0]].quantization!.zeroPoint).toEqual(sg.tensors[op.inputs[0]].quantization!.zeroPoint)
    }
    // A fused ReLU output never goes below zero: zero point at the bottom of the int8 range.
    expect(sg.tensors[sg.operators[1].outputs[0]].quantization!.zeroPoint).toEqual([-128])
    expect(report).toMatchObject({ mode: 'int8', perChannel: true, perChannelDense: false, tensorsQuantized: 8, input: { type: 'int8' }, output: { type: 'int8', scale: 1 / 256, zeroPoint: -128 } })
    expect(report.calibration).toEqual({ method: 'minmax', windows: 100 })
    expect(report.warnings).toEqual([])
  })

  it('int8 per-tensor keeps one scale per weight tensor and is no smaller', () => {
    const perTensor = build('int8', { perChannel: false })
    const perChannel = build('int8')
    for (const t of tensorsOf(perTensor.parsed).filter((t) => t.name.endsWith('/kernel'))) expect(t.quantization!.scale.length).toBe(1)
    expect(perTensor.report.perChannel).toBe(false)
    expect(perTensor.bytes.length).toBeLessThan(perChannel.bytes.length)
  })

  it('int8 per-channel dense layers on request', () => {
    const { parsed, report } = build('int8', { perChannelDense: true })
    const sg = parsed.subgraphs[0]
    for (const op of sg.operators.filter((o) => o.builtin === 'FULLY_CONNECTED')) {
      const [input, weights, bias] = op.inputs.map((i) => sg.tensors[i])
      expect(weights.quantization!.scale.length).toBe(weights.shape[0])
      expect(bias.quantization!.scale.length).toBe(weights.shape[0])
      bias.quantization!.scale.forEach((s, c) => expect(s).toBe(biasScale(input.quantization!.scale[0], weights.quantization!.scale[c])))
    }
    expect(report.perChannelDense).toBe(true)
  })

  it('int8 with float32 input/output adds QUANTIZE and DEQUANTIZE at the boundaries', () => {
    const { parsed, report } = build('int8', { inputOutputType: 'float32' })
    const names = ops(parsed)
    expect(names[0]).toBe('QUANTIZE')
    expect(names[names.length - 1]).toBe('DEQUANTIZE')
    const sg = parsed.subgraphs[0]
    expect(sg.tensors[sg.inputs[0]].type).toBe('FLOAT32')
    expect(sg.tensors[sg.outputs[0]].type).toBe('FLOAT32')
    expect(report.input.type).toBe('float32')
  })

  it('sizes: int8 and dynamic range well under half of float32, float16 about half', () => {
    // 7,200 weights: 28.8 KB as float32, 7.2 KB as int8, plus a few KB of tensor metadata and
    // per-channel scales that do not shrink.
    const size = (mode: ExportMode): number => build(mode, { dynamicRangeMinElements: 1 }).bytes.length
    const f32 = size('float32')
    expect(size('float16') / f32).toBeLessThan(0.6)
    expect(size('int8') / f32).toBeLessThan(0.45)
    expect(size('dynamicRange') / f32).toBeLessThan(0.45)
  })

  it('explains what to do when int8 has no representative data', () => {
    expect(() => exportModel(model, { mode: 'int8' })).toThrow(MicroforgeError)
    expect(() => exportModel(model, { mode: 'int8', representativeData: [] })).toThrow(/representative windows/)
  })

  it('warns about few windows and missing classes', () => {
    const { report } = exportModel(model, { mode: 'int8', representativeData: CALIBRATION.slice(0, 10), representativeLabels: new Array(10).fill(0) })
    expect(report.warnings.join(' ')).toMatch(/10 windows/)
    expect(report.warnings.join(' ')).toMatch(/class "flex"/)
  })
})

describe.each(MODELS)('export: %s net runs in our interpreter close to the float model', (_name, make) => {
  const model = make()
  const reference = TEST_WINDOWS.map((w) => floatForward(model, w))

  it('float32 matches the float forward pass', () => {
    const { bytes, report } = exportModel(model, { mode: 'float32' })
    const interp = new Interpreter(parseTflite(bytes))
    TEST_WINDOWS.slice(0, 50).forEach((w, i) => expect(maxAbsDiff(runOurs(interp, report, w), reference[i])).toBeLessThan(1e-5))
  })

  it('float16 stays within float16 rounding of the float model', () => {
    const { bytes, report } = exportModel(model, { mode: 'float16' })
    const interp = new Interpreter(parseTflite(bytes))
    TEST_WINDOWS.slice(0, 50).forEach((w, i) => expect(maxAbsDiff(runOurs(interp, report, w), reference[i])).toBeLessThan(5e-3))
  })

  it.each([
    ['per-tensor', { perChannel: false }],
    ['per-channel convolutions', { perChannel: true }],
    ['per-channel everywhere', { perChannel: true, perChannelDense: true }]
  ])('int8 (%s) agrees with the float model on the predicted class', (_name, weights) => {
    const { bytes, report } = exportModel(model, { mode: 'int8', representativeData: CALIBRATION, ...weights })
    const interp = new Interpreter(parseTflite(bytes))
    let agree = 0
    let worst = 0
    TEST_WINDOWS.forEach((w, i) => {
      const out = runOurs(interp, report, w)
      worst = Math.max(worst, maxAbsDiff(out, reference[i]))
      if (argmax(out) === argmax(reference[i])) agree++
    })
    // Disagreements only where the float model itself is nearly undecided.
    expect(agree / TEST_WINDOWS.length).toBeGreaterThanOrEqual(0.97)
    expect(worst).toBeLessThan(0.1)
  })

  it('int8 with float32 input/output gives the dequantized int8 result', () => {
    const intIo = exportModel(model, { mode: 'int8', representativeData: CALIBRATION })
    const floatIo = exportModel(model, { mode: 'int8', representativeData: CALIBRATION, inputOutputType: 'float32' })
    const a = new Interpreter(parseTflite(intIo.bytes))
    const b = new Interpreter(parseTflite(floatIo.bytes))
    for (const w of TEST_WINDOWS.slice(0, 20)) expect(Array.from(runOurs(b, floatIo.report, w))).toEqual(Array.from(runOurs(a, intIo.report, w)))
  })
})
