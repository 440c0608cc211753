/**
 * One model, many inputs, three runtimes: TensorFlow Lite Micro's reference kernels (the SDK's
 * run_tflite), Microforge's TypeScript interpreter and, for int8 models, the generated C runtime
 * built with host gcc. Every output value is compared bit for bit, float32 too; the counts are what
 * the oracle suite reports. A model that differs is kept with its inputs for a look (the folder is
 * named in the first mismatch).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateCRuntimeModel } from '../../../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../../../src/main/core/codegen/graph'
import { Interpreter } from '../../../src/main/core/quant/interpreter'
import { mulberry32 } from '../../../src/main/core/util/random'
import { quantizeArray } from '../../../src/main/core/quant/quantize'
import { parseTflite } from '../../../src/main/core/tflite/reader'
import { rawBytes, runTflite } from '../../helpers/run-tflite'
import { buildHost, runHost, writeFiles } from '../../integration/helpers/c-build'

export type ModelInput = Int8Array | Float32Array

export interface ThreeWay {
  inputs: number
  /** Output values compared per runtime pair. */
  values: number
  /** 'TFLM vs interpreter' and, for int8 models, 'TFLM vs C runtime': the first few differences. */
  mismatches: string[]
  cRuntime: boolean
  arenaUsedBytes: number
}

/** The model's input as the runtimes take it: int8 quantized with its own parameters, or float32. */
export function modelInputs(bytes: Uint8Array, windows: Float32Array[], randomCount: number, seed: number): ModelInput[] {
  const t = parseTflite(bytes).subgraphs[0]
  const input = t.tensors[t.inputs[0]]
  const n = input.elementCount
  const r = mulberry32(seed)
  if (input.type === 'INT8') {
    const q = { scale: input.quantization!.scale[0], zeroPoint: input.quantization!.zeroPoint[0] }
    const random = Array.from({ length: randomCount }, () => Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128))
    return [...random, ...windows.map((w) => quantizeArray(w, q))]
  }
  if (input.type !== 'FLOAT32') throw new Error(`input type ${input.type}`)
  const random = Array.from({ length: randomCount }, () => Float32Array.from({ length: n }, () => (r() * 2 - 1) * 3))
  return [...random, ...windows]
}

/** Distance in float32 units in the last place (0 when bit-identical). */
export function floatUlps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer)
  const ordered = (x: number) => (x < 0 ? -2147483648 - x : x)
  return Math.abs(ordered(bits[0]) - ordered(bits[1]))
}

/**
 * Every value identical, float32 included: the float kernels follow TFLM's arithmetic order in
 * float32 and SOFTMAX takes glibc's expf (kernels/expf.ts). The one-ulp allowance this replaced was
 * for a value seen twice in earlier runs and never again: 0 differences in 494,400 float32 outputs
 * of 120 freshly trained float models (3 presets x 40 seeds, 2,060 inputs each) and in every
 * intermediate tensor of the DS-CNN on 300 inputs, all against TFLM's host build.
 */
function differences(label: string, a: ArrayLike<number>, b: ArrayLike<number>, isFloat: boolean, out: string[]): void {
  if (a.length !== b.length) {
    out.push(`${label}: ${a.length} values vs ${b.length}`)
    return
  }
  for (let i = 0; i < a.length; i++) {
    if (Object.is(a[i], b[i])) continue
    if (out.length < 20) out.push(`${label} [${i}]: ${a[i]} vs ${b[i]}${isFloat ? ` (${floatUlps(a[i], b[i])} ulp)` : ''}`)
  }
}

/** Keeps a model and its inputs that gave a difference, for a look with run_tflite; returns the folder. */
function keepForInspection(bytes: Uint8Array, inputs: ModelInput[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-oracle-mismatch-'))
  writeFileSync(path.join(dir, 'model.tflite'), bytes)
  inputs.forEach((x, k) => writeFileSync(path.join(dir, `input${k}.bin`), rawBytes(x)))
  return dir
}

export function compareThreeWay(bytes: Uint8Array, inputs: ModelInput[]): ThreeWay {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-oracle-'))
  try {
    const modelPath = path.join(dir, 'model.tflite')
    writeFileSync(modelPath, bytes)
    const tflm = runTflite(modelPath, inputs.map((x) => [rawBytes(x)]))
    const interp = new Interpreter(parseTflite(bytes))
    // An int8 model has int8 activations; float32, float16 and dynamic-range models have none.
    const isInt8 = interp.tensors.some((t) => t.type === 'INT8' && !t.isConstant)
    let c: Uint8Array | null = null
    if (isInt8) {
      const cDir = writeFiles(generateCRuntimeModel(cgModelFromTflite(bytes)).files, 'mf-oracle-c-')
      try {
        c = runHost(buildHost(cDir), Buffer.concat(inputs.map((x) => Buffer.from(rawBytes(x)))))
      } finally {
        rmSync(cDir, { recursive: true, force: true })
      }
    }
    const outType = interp.outputs[0].type
    const width = outType === 'FLOAT32' ? 4 : 1
    const count = interp.outputs[0].data.length
    const mismatches: string[] = []
    let arenaUsedBytes = -1
    inputs.forEach((x, k) => {
      const res = tflm[k]
      if (!res.ok) {
        mismatches.push(`input ${k}: TFLM refused the model (status ${res.refusal.status}): ${res.refusal.stderr.trim()}`)
        return
      }
      arenaUsedBytes = res.run.arenaUsedBytes
      const want = res.run.outputs[0].values
      const isFloat = outType === 'FLOAT32'
      differences(`input ${k} TFLM vs interpreter`, want, Array.from(interp.invoke([x])[0] as ArrayLike<number>), isFloat, mismatches)
      if (c) {
        const slice = c.slice(k * count * width, (k + 1) * count * width)
        const got = outType === 'FLOAT32' ? new Float32Array(slice.buffer) : new Int8Array(slice.buffer)
        differences(`input ${k} TFLM vs C runtime`, want, got, isFloat, mismatches)
      }
    })
    if (mismatches.length) mismatches.unshift(`model and inputs kept in ${keepForInspection(bytes, inputs)}`)
    return { inputs: inputs.length, values: inputs.length * count, mismatches, cRuntime: c !== null, arenaUsedBytes }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
