/**
 * The Microforge C runtime, compiled by real compilers, against the TypeScript int8 interpreter:
 * every output byte must be identical. Inputs: all 256 int8 values for hello_world (a real
 * converter model), and the real MPU6050 punch/flex windows for int8 exports of dense, conv1d,
 * depthwise and pooling/mean models.
 */
import { describe, expect, it } from 'vitest'
import { generateCRuntimeModel } from '../../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { exportModel, type IoType } from '../../src/main/core/export/export-model'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { quantizeArray } from '../../src/main/core/quant/quantize'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { conv1d, convNet, dense, denseNet, depthwiseNet, loadPunchFlex, rng } from '../unit/core/export/models'
import { buildArm, buildHost, runHost, writeFiles } from './helpers/c-build'
import { readFixture } from '../helpers/fixtures'
import { gestureIr } from './helpers/gesture-ir'

function poolMeanNet(seed = 5): ModelIR {
  const r = rng(seed)
  return {
    name: 'pool_mean',
    inputShape: [30, 6],
    classes: ['punch', 'flex'],
    layers: [
      conv1d(r, 'c1', 6, 8, 3, 'relu', 'same'),
      { type: 'avgPool1d', name: 'ap', poolSize: 2, strides: 2, padding: 'valid' },
      conv1d(r, 'c2', 8, 12, 3, 'relu6', 'valid'),
      { type: 'globalAvgPool1d', name: 'gap' },
      dense(r, 'out', 12, 2, 'softmax')
    ]
  }
}

/** Runs every input through both and returns how many outputs matched byte for byte, and the C outputs. */
function compare(bytes: Uint8Array, inputs: Array<Int8Array | Float32Array>): { same: number; total: number; ops: string[]; c: Uint8Array } {
  const interp = new Interpreter(parseTflite(bytes))
  const gen = generateCRuntimeModel(cgModelFromTflite(bytes))
  const bin = buildHost(writeFiles(gen.files))
  const inBytes = inputs.map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength))
  const stdin = new Uint8Array(inBytes.reduce((s, b) => s + b.length, 0))
  let o = 0
  for (const b of inBytes) {
    stdin.set(b, o)
    o += b.length
  }
  const c = runHost(bin, stdin)
  const outLen = c.length / inputs.length
  let same = 0
  inputs.forEach((x, i) => {
    const ts = interp.invoke([x])[0]
    const tsBytes = new Uint8Array(ts.buffer, ts.byteOffset, ts.byteLength)
    const cBytes = c.subarray(i * outLen, (i + 1) * outLen)
    if (tsBytes.length === cBytes.length && tsBytes.every((v, k) => v === cBytes[k])) same++
  })
  return { same, total: inputs.length, ops: gen.ops, c }
}

describe('C runtime vs TypeScript interpreter, bit for bit', () => {
  it('hello_world_int8 (converter model): all 256 int8 inputs, and -64 -> 126', () => {
    const bytes = readFixture('models', 'hello_world_int8.tflite')
    const inputs = Array.from({ length: 256 }, (_, i) => Int8Array.of(i - 128))
    const r = compare(bytes, inputs)
    expect(r.same).toBe(256)
    expect(new Int8Array(r.c.buffer, r.c.byteOffset)[-64 + 128]).toBe(126)
  })

  const { windows, labels } = loadPunchFlex()

  it('the converter-made gesture model, int8 by our exporter: the 60 real windows, same outputs and accuracy', () => {
    const { bytes, report } = exportModel(gestureIr(), { mode: 'int8', representativeData: windows })
    const inputs = windows.map((w) => quantizeArray(w, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! }))
    const r = compare(bytes, inputs)
    expect(r.same).toBe(60)
    // The C build's argmax against the recorded labels: the int8 model on the board is as good as on the desktop.
    const out = new Int8Array(r.c.buffer, r.c.byteOffset, r.c.length)
    const correct = labels.filter((label, i) => (out[2 * i + 1] > out[2 * i] ? 1 : 0) === label).length
    expect(correct).toBeGreaterThanOrEqual(54)
  })
  const calibration = windows.slice(0, 40)
  // float32 I/O adds QUANTIZE/DEQUANTIZE around the same kernels: checked on two models, not all.
  const models: Array<[string, () => ModelIR, IoType[]]> = [
    ['dense', denseNet, ['int8']],
    ['conv1d', convNet, ['int8', 'float32']],
    ['depthwise', depthwiseNet, ['int8']],
    ['avg pool + mean', poolMeanNet, ['int8', 'float32']]
  ]
  for (const [name, make, ioTypes] of models) {
    for (const io of ioTypes) {
      it(`${name} int8 export (${io} I/O) on ${windows.length} real MPU6050 windows`, () => {
        const { bytes, report } = exportModel(make(), { mode: 'int8', representativeData: calibration, inputOutputType: io })
        const inputs = windows.map((w) => (io === 'int8' ? quantizeArray(w, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! }) : Float32Array.from(w)))
        const r = compare(bytes, inputs)
        expect(r.same, `${name}: ${r.ops.join(', ')}`).toBe(r.total)
      })
    }
  }

  it('MEAN that rescales takes TFLM\'s integer QuantizedMeanOrSum path in C too, identical on every window', () => {
    const { bytes, report } = exportModel(poolMeanNet(), { mode: 'int8', representativeData: calibration })
    const graph = cgModelFromTflite(bytes)
    const mean = graph.operators.find((o) => o.op === 'MEAN')!
    const [mi, mo] = [graph.tensors[mean.inputs[0]], graph.tensors[mean.outputs[0]]]
    expect(mi.scale[0] !== mo.scale[0] || mi.zeroPoint[0] !== mo.zeroPoint[0]).toBe(true)
    expect(generateCRuntimeModel(graph).ops).toContain('MEAN')
    const inputs = windows.map((w) => quantizeArray(w, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! }))
    expect(compare(bytes, inputs).same).toBe(windows.length)
  })

  it('compiles for Cortex-M4 with arm-none-eabi-gcc -Os, no warnings', () => {
    const { bytes } = exportModel(convNet(), { mode: 'int8', representativeData: calibration })
    const dir = writeFiles(generateCRuntimeModel(cgModelFromTflite(bytes)).files)
    const { model, baseline } = buildArm(dir)
    const flash = model.flash - baseline.flash
    const ram = model.ram - baseline.ram
    expect(flash).toBeGreaterThan(bytes.length / 4)
    expect(flash).toBeLessThan(bytes.length + 8192)
    expect(ram).toBeLessThan(16 * 1024)
  })
})
