/**
 * The golden vectors TensorFlow Lite Micro computed (test/fixtures/golden, written by `npm run golden`
 * with the SDK's reference kernels): the TypeScript interpreter reproduces every golden and the C
 * runtime (generated through the code generator's public API, built with host gcc) every int8 golden,
 * bit for bit. No SDK is needed here.
 */
import { describe, expect, it } from 'vitest'
import { C_RUNTIME_OPS, generateCRuntimeModel } from '../../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { loadGoldens, typedValues, type LoadedGolden } from '../golden/golden-file'
import { buildHost, runHost, writeFiles } from './helpers/c-build'
import { boundaryInputs, divisionsDisagree, inputQuantizeScale, quantizeBoundaryValues } from '../helpers/quantize-boundary'

const goldens = loadGoldens()
const isInt8Model = (g: LoadedGolden): boolean => parseTflite(g.tflite).subgraphs[0].tensors.some((t) => t.type === 'INT8')

/** Indices of the values that differ, for a readable failure. */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>): string[] {
  const bad: string[] = []
  if (got.length !== want.length) return [`length ${got.length} != ${want.length}`]
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) bad.push(`[${i}] ${got[i]} != ${want[i]}`)
  return bad
}

describe('golden vectors from TensorFlow Lite Micro', () => {
  it('cover every operator the C runtime has, and every option the exporter writes', () => {
    const ops = new Set(goldens.flatMap((g) => g.ops))
    for (const op of C_RUNTIME_OPS) expect(ops, op).toContain(op)
    const options = new Set<string>()
    const fused = new Set<string>()
    for (const g of goldens) {
      const sg = parseTflite(g.tflite).subgraphs[0]
      for (const op of sg.operators) {
        const o = op.options
        if (o.fusedActivation) options.add(`${op.builtin}/${o.fusedActivation}`)
        if (o.fusedActivation) fused.add(`${op.builtin}/${o.fusedActivation}/${sg.tensors[op.inputs[0]].type}`)
        if (o.padding) options.add(`${op.builtin}/${o.padding}`)
        if ((o.strideH ?? 1) > 1 || (o.strideW ?? 1) > 1) options.add(`${op.builtin}/stride`)
        if ((o.dilationH ?? 1) > 1 || (o.dilationW ?? 1) > 1) options.add(`${op.builtin}/dilation`)
        if (o.depthMultiplier) options.add(`${op.builtin}/multiplier${o.depthMultiplier}`)
        if (op.builtin === 'FULLY_CONNECTED' && op.inputs[2] === -1) options.add('FULLY_CONNECTED/no bias')
        if (op.builtin === 'RELU' || op.builtin === 'RELU6') options.add(`${op.builtin}/${sg.tensors[op.inputs[0]].type}`)
      }
    }
    const wanted = [
      'CONV_2D/NONE', 'CONV_2D/RELU', 'CONV_2D/RELU6', 'CONV_2D/SAME', 'CONV_2D/VALID', 'CONV_2D/stride', 'CONV_2D/dilation',
      'DEPTHWISE_CONV_2D/multiplier1', 'DEPTHWISE_CONV_2D/multiplier2', 'DEPTHWISE_CONV_2D/dilation', 'DEPTHWISE_CONV_2D/stride',
      'FULLY_CONNECTED/NONE', 'FULLY_CONNECTED/RELU', 'FULLY_CONNECTED/RELU6', 'FULLY_CONNECTED/no bias',
      'MAX_POOL_2D/SAME', 'MAX_POOL_2D/VALID', 'AVERAGE_POOL_2D/SAME', 'AVERAGE_POOL_2D/VALID', 'AVERAGE_POOL_2D/RELU',
      // Standalone activations (an Activation layer the exporter cannot fuse), int8 and float32.
      'RELU/INT8', 'RELU/FLOAT32', 'RELU6/INT8', 'RELU6/FLOAT32'
    ]
    for (const w of wanted) expect(options, w).toContain(w)
    // Every fused activation the exporter writes, on each weighted operator, int8 and float32.
    for (const op of ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED']) {
      for (const act of ['NONE', 'RELU', 'RELU6']) for (const type of ['INT8', 'FLOAT32']) expect(fused, `${op}/${act}/${type}`).toContain(`${op}/${act}/${type}`)
    }
    expect(goldens.some((g) => g.input.type === 'FLOAT32' && isInt8Model(g)), 'int8 model with float I/O').toBe(true)
    expect(goldens.some((g) => !isInt8Model(g)), 'float32 model').toBe(true)
  })

  it.each(goldens.map((g) => [g.name, g] as const))('%s: the interpreter gives TFLM\'s outputs bit for bit', (_name, g) => {
      const interp = new Interpreter(parseTflite(g.tflite))
      for (const c of g.cases) {
        const [out] = interp.invoke([typedValues(g.input.type, c.input)])
        expect(mismatches(out, typedValues(g.output.type, c.output)), c.label).toEqual([])
      }
  })

  it.each(goldens.filter(isInt8Model).map((g) => [g.name, g] as const))('%s: the C runtime gives TFLM\'s outputs bit for bit (host gcc)', (_name, g) => {
      const generated = generateCRuntimeModel(cgModelFromTflite(g.tflite), { modelName: g.name })
      const bin = buildHost(writeFiles(generated.files, 'mf-golden-'))
      const stdin = Buffer.concat(g.cases.map((c) => Buffer.from(new Uint8Array(typedValues(g.input.type, c.input).buffer))))
      const raw = runHost(bin, stdin)
      const width = g.output.type === 'FLOAT32' ? 4 : 1
      const perCase = g.cases[0].output.length * width
      expect(raw.byteLength).toBe(perCase * g.cases.length)
      g.cases.forEach((c, k) => {
        const bytes = raw.slice(k * perCase, (k + 1) * perCase)
        const got = g.output.type === 'FLOAT32' ? new Float32Array(bytes.buffer) : new Int8Array(bytes.buffer)
        expect(mismatches(got, typedValues(g.output.type, c.output)), c.label).toEqual([])
      })
  })
})

// QUANTIZE's rounding edge: TFLM divides by the scale in float32 (test/tflm/float-io-boundary shows
// TFLM, the interpreter and the C runtime agree there); a double division lands one step away.
describe('float inputs at QUANTIZE\'s rounding edge', () => {
  const floatIo = goldens.filter((g) => g.input.type === 'FLOAT32' && inputQuantizeScale(g.tflite) !== null)

  it.each(floatIo.map((g) => [g.name, g] as const))('%s: the C runtime gives the interpreter\'s outputs (host gcc)', (_name, g) => {
    const scale = inputQuantizeScale(g.tflite)!
    const values = quantizeBoundaryValues(scale)
    // Every value is one a double-division quantizer gets wrong.
    expect(values.length).toBeGreaterThan(50)
    expect(values.every((x) => divisionsDisagree(x, scale))).toBe(true)
    const inputs = boundaryInputs(values, g.input.shape.reduce((a, b) => a * b, 1), 40, 3)
    const interp = new Interpreter(parseTflite(g.tflite))
    const want = inputs.map((x) => Float32Array.from(interp.invoke([x])[0] as Float32Array))
    const raw = runHost(buildHost(writeFiles(generateCRuntimeModel(cgModelFromTflite(g.tflite), { modelName: g.name }).files, 'mf-golden-edge-')), Buffer.concat(inputs.map((x) => Buffer.from(x.buffer))))
    const got = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))
    const per = want[0].length
    expect(got.length).toBe(per * inputs.length)
    want.forEach((w, k) => expect(mismatches(got.subarray(k * per, (k + 1) * per), w), `input ${k}`).toEqual([]))
  })
})
