/**
 * Runs a .tflite in the real TensorFlow Lite runtime (LiteRT.js, @litertjs/core 2.5.3, wasm + XNNPack
 * CPU kernels) from Node, so tests can check our interpreter and our exports against it.
 *
 * Usage:
 *   const [out] = await runLiteRt(modelBytes, [new Int8Array([-64])])       // one inference
 *   const runner = await createLiteRtRunner(modelBytes)                      // many inferences
 *   const outs = await runner.run([input]); runner.delete()
 *
 * @litertjs/core targets browsers. What it takes to run it in Node 20:
 * - Its loader (@litertjs/wasm-utils) injects the Emscripten glue with `importScripts` (workers) or a
 *   <script> tag. We define `self` and an `importScripts` that evaluates the glue as CommonJS (the
 *   package is "type": "module", so a plain require() of the .js would be parsed as ESM and fail).
 *   The glue itself detects Node and reads the .wasm with node:fs.
 * - Its JS layer only maps float32/int32/uint8 tensors (DATATYPES in dist/index.js) and throws
 *   "Element type INT8 is not supported" for int8 models. We load a copy of dist/index.js with int8
 *   and int16 added to that table (the wasm runtime handles them; only the JS mapping was missing).
 * - It checks input buffers against the tensor's shape_signature, so a converter model with a
 *   dynamic batch ([-1, 1]) rejects a [1, 1] input. We hand it a copy of the model whose
 *   shape_signature entries equal the static shape.
 * - WebGPU is absent in Node; it logs that and uses the 'wasm' (XNNPack) accelerator we ask for.
 *
 * What to expect when comparing with our TFLM-exact interpreter (src/main/core/quant/interpreter.ts):
 * - float32: within 1e-5 (only the summation order differs).
 * - int8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED run in XNNPack, which requantizes in fp32 with
 *   round-half-even; TFLM uses the double-rounding fixed-point MultiplyByQuantizedMultiplier. Single
 *   ops agree except near ties (under 1 % of values, never more than 1 step); AVERAGE_POOL_2D,
 *   SOFTMAX, MAX_POOL_2D and int8 QUANTIZE agreed exactly in our tests; a rescaling MEAN (TFLM's
 *   reference QuantizedMeanOrSum rounds a folded fixed-point multiplier twice, TFLite's optimized
 *   kernel differs) is 1 step apart on up to about 20 % of values. Through a
 *   stack of layers the steps add up: compare the predicted class, or cut the model and compare
 *   layer by layer (see test/unit/core/quant/litert-ops.test.ts and tiny-cnn.test.ts).
 * - hybrid (dynamic-range) FULLY_CONNECTED: XNNPack quantizes inputs asymmetrically per row, TFLite's
 *   reference kernel symmetrically; expect about 1 % differences in probabilities.
 * - First load takes about 0.3-1 s (wasm compile); each inference has ~1 ms of JS overhead.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { SafeFlatbuffer } from '../../src/main/core/tflite/flatbuffer-safe'

export type LiteRtArray = Int8Array | Float32Array | Int32Array | Uint8Array | Int16Array

interface LiteRtTensor {
  toTypedArray(): LiteRtArray
  delete(): void
}
interface LiteRtCompiledModel {
  run(inputs: LiteRtTensor[]): Promise<LiteRtTensor[]>
  delete(): void
}
interface LiteRtModule {
  loadLiteRt(dir: string): Promise<unknown>
  loadAndCompile(model: Uint8Array, options: { accelerator: 'wasm' }): Promise<LiteRtCompiledModel>
  Tensor: new (data: LiteRtArray, shape: number[]) => LiteRtTensor
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const litertDir = path.join(repoRoot, 'node_modules', '@litertjs')

let loading: Promise<LiteRtModule> | null = null

function installBrowserShims(): void {
  const g = globalThis as Record<string, unknown>
  g.self ??= globalThis
  // Emscripten reads Module options from self.Module: keep its INFO lines out of test output.
  g.Module = { print: () => {}, printErr: () => {} }
  g.importScripts = (url: string): void => {
    const file = url.startsWith('file:') ? fileURLToPath(url) : url
    const code = readFileSync(file, 'utf8')
    const mod: { exports: unknown } = { exports: {} }
    const factory = new Function('module', 'exports', 'require', '__filename', '__dirname', code)
    factory(mod, mod.exports, createRequire(file), file, path.dirname(file))
    g.ModuleFactory = mod.exports
  }
}

async function loadPatchedLiteRt(): Promise<LiteRtModule> {
  installBrowserShims()
  let src = readFileSync(path.join(litertDir, 'core', 'dist', 'index.js'), 'utf8')
  const table = 'var DATATYPES = Object.freeze(['
  if (!src.includes(table)) throw new Error('@litertjs/core changed: DATATYPES table not found; update test/helpers/litert.ts')
  src = src.replace(
    table,
    `${table}\n  { dtype: "int8", typedArrayConstructor: Int8Array, elementType: ElementType.INT8 },\n  { dtype: "int16", typedArrayConstructor: Int16Array, elementType: ElementType.INT16 },`
  )
  src = src.replace(/^\/\/# sourceMappingURL=.*$/m, '')
  src = src.replace('from "@litertjs/wasm-utils"', `from ${JSON.stringify(pathToFileURL(path.join(litertDir, 'wasm-utils', 'dist', 'index.js')).href)}`)
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microforge-litert-'))
  const file = path.join(dir, 'litert-core.mjs')
  writeFileSync(file, src)
  const lrt = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as LiteRtModule
  const warn = console.warn
  const error = console.error
  // It reports the missing WebGPU device on the console; that is expected in Node.
  console.warn = () => {}
  console.error = () => {}
  try {
    await lrt.loadLiteRt(path.join(litertDir, 'core', 'wasm') + path.sep)
  } finally {
    console.warn = warn
    console.error = error
  }
  return lrt
}

function liteRt(): Promise<LiteRtModule> {
  loading ??= loadPatchedLiteRt()
  return loading
}

/** A copy of the model whose shape_signature (e.g. [-1, 180]) equals its static shape ([1, 180]). */
export function withStaticShapeSignatures(model: Uint8Array): Uint8Array {
  const copy = model.slice()
  const fb = new SafeFlatbuffer(copy)
  for (const sg of fb.root('model').tables(2, 64, 'subgraphs')) {
    for (const t of sg.tables(0, 100_000, 'tensors')) {
      const shape = t.i32s(0, 8, 'shape')
      const sig = t.vector(7, 4, 8, 'shape signature')
      if (!sig || sig.length !== shape.length) continue
      for (let i = 0; i < sig.length; i++) fb.view.setInt32(sig.start + 4 * i, shape[i], true)
    }
  }
  return copy
}

export interface LiteRtRunner {
  /** Inputs in the model's input order, each with the model's static input shape. */
  run(inputs: LiteRtArray[]): Promise<LiteRtArray[]>
  delete(): void
}

export async function createLiteRtRunner(modelBytes: Uint8Array, inputShapes?: number[][]): Promise<LiteRtRunner> {
  const lrt = await liteRt()
  const model = withStaticShapeSignatures(modelBytes)
  const shapes = inputShapes ?? staticInputShapes(model)
  const compiled = await lrt.loadAndCompile(model, { accelerator: 'wasm' })
  return {
    async run(inputs) {
      if (inputs.length !== shapes.length) throw new Error(`model has ${shapes.length} inputs, got ${inputs.length}`)
      const tensors = inputs.map((data, i) => new lrt.Tensor(data, shapes[i]))
      try {
        const outs = await compiled.run(tensors)
        const arrays = outs.map((o) => o.toTypedArray().slice())
        for (const o of outs) o.delete()
        return arrays
      } finally {
        for (const t of tensors) t.delete()
      }
    },
    delete() {
      compiled.delete()
    }
  }
}

/** One inference in the real TFLite runtime. Int8 models take Int8Array inputs and give Int8Array outputs. */
export async function runLiteRt(modelBytes: Uint8Array, inputs: LiteRtArray[]): Promise<LiteRtArray[]> {
  const runner = await createLiteRtRunner(modelBytes)
  try {
    return await runner.run(inputs)
  } finally {
    runner.delete()
  }
}

function staticInputShapes(model: Uint8Array): number[][] {
  const fb = new SafeFlatbuffer(model)
  const sg = fb.root('model').tables(2, 64, 'subgraphs')[0]
  const tensors = sg.tables(0, 100_000, 'tensors')
  return sg.i32s(1, 1024, 'inputs').map((i) => tensors[i].i32s(0, 8, 'shape'))
}
