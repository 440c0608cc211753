/**
 * `npm run bench -- deploy`: flash and RAM of Microforge's C runtime against the TensorFlow Lite
 * Micro path, per model, and instructions per inference.
 *
 * How each number is obtained:
 * - C runtime flash/RAM: arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mfloat-abi=hard, --gc-sections,
 *   newlib nosys; arm-none-eabi-size of (model + runtime + a main that invokes it) minus the same
 *   link of an empty main. Flash = text + data (text includes rodata), RAM = data + bss.
 * - TFLM flash: interpreter + registered kernels (estimate, core/codegen/tflm-estimate.ts) + the
 *   .tflite bytes. TFLM RAM: kTensorArenaSize as generated (estimate + 25% + 512 B) plus ~2 KB of
 *   interpreter objects; the lead's arena planner total is listed beside it.
 * - Cortex-M4 instructions per inference: QEMU mps2-an386 with -singlestep -d exec,nochain logs
 *   every executed instruction; the image runs the model once and twice, the difference is one
 *   inference (test/fixtures/deploy/m4/startup.c).
 * - Host instructions: valgrind --tool=callgrind --toggle-collect=mf_model_invoke, x86-64 gcc -O2.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { generateCRuntimeModel } from '../src/main/core/codegen/c-runtime'
import { cgModelFromTflite, type CgModel } from '../src/main/core/codegen/graph'
import { checkTflmSupport, tflmArenaSize } from '../src/main/core/codegen/op-resolver'
import { estimateTflm } from '../src/main/core/codegen/tflm-estimate'
import { exportModel } from '../src/main/core/export/export-model'
import { Interpreter } from '../src/main/core/quant/interpreter'
import type { ModelIR } from '../src/main/core/model/model-ir'
import { quantizeArray } from '../src/main/core/quant/quantize'
import { parseTflite } from '../src/main/core/tflite/reader'
import { gestureIr } from '../test/integration/helpers/gesture-ir'
import { buildArm, buildHost, callgrindHostInstructions, countM4Instructions, repoRoot, runHost, writeFiles } from '../test/integration/helpers/c-build'
import { readFixture } from '../test/helpers/fixtures'
import { conv1d, convNet, dense, depthwiseNet, loadPunchFlex, rng } from '../test/unit/core/export/models'

interface Row {
  model: string
  source: string
  ops: string[]
  tfliteBytes: number
  c: null | {
    flashBytes: number
    ramBytes: number
    arenaBytes: number
    weightBytes: number
    m4Instructions: number
    hostInstructions: number
    bitExactWindows: string
  }
  cUnsupported?: string
  tflm: null | {
    flashBytesEstimate: number
    runtimeFlashEstimate: number
    arenaSizeGenerated: number
    arenaEstimate: number
    arenaRequired: number
    ramBytesEstimate: number
  }
  tflmUnsupported?: string
}

function poolMeanNet(): ModelIR {
  const r = rng(5)
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

function tflmColumns(graph: CgModel, bytes: Uint8Array): Pick<Row, 'tflm' | 'tflmUnsupported'> {
  try {
    checkTflmSupport(graph)
  } catch (err) {
    return { tflm: null, tflmUnsupported: (err as Error).message }
  }
  const est = estimateTflm(graph, bytes)
  const arena = tflmArenaSize(est)
  return {
    tflm: {
      flashBytesEstimate: est.runtimeFlashBytes + bytes.length,
      runtimeFlashEstimate: est.runtimeFlashBytes,
      arenaSizeGenerated: arena,
      arenaEstimate: est.arenaBytes,
      arenaRequired: est.requiredBytes,
      ramBytesEstimate: arena + 2048
    }
  }
}

function measure(name: string, source: string, bytes: Uint8Array, windows: Float32Array[]): Row {
  const graph = cgModelFromTflite(bytes)
  const row: Row = { model: name, source, ops: [...new Set(graph.operators.map((o) => o.op))], tfliteBytes: bytes.length, c: null, ...tflmColumns(graph, bytes) }
  let gen
  try {
    gen = generateCRuntimeModel(graph, { modelName: name })
  } catch (err) {
    row.cUnsupported = (err as Error).message
    return row
  }
  const dir = writeFiles(gen.files, 'mf-bench-')
  const { model, baseline } = buildArm(dir)
  const bin = buildHost(dir)
  // Inputs: the real windows quantized like the interpreter's input (or 256 int8 values for a 1-input model).
  const interp = new Interpreter(parseTflite(bytes))
  const inT = interp.inputs[0]
  const inputs: ArrayLike<number>[] =
    inT.data.length === 1
      ? Array.from({ length: 256 }, (_, i) => Int8Array.of(i - 128))
      : windows.map((w) => (inT.type === 'INT8' ? quantizeArray(w, { scale: inT.quantization!.scale[0], zeroPoint: inT.quantization!.zeroPoint[0] }) : w))
  let same = 0
  for (const x of inputs) {
    const typed = inT.type === 'INT8' ? Int8Array.from(x) : Float32Array.from(x)
    const ts = interp.invoke([typed])[0]
    const c = runHost(bin, new Uint8Array(typed.buffer))
    const tsBytes = new Uint8Array(ts.buffer, ts.byteOffset, ts.byteLength)
    if (Buffer.compare(Buffer.from(tsBytes), Buffer.from(c)) === 0) same++
  }
  const first = inT.type === 'INT8' ? Int8Array.from(inputs[0]) : Float32Array.from(inputs[0])
  row.c = {
    flashBytes: model.flash - baseline.flash,
    ramBytes: model.ram - baseline.ram,
    arenaBytes: gen.arenaBytes,
    weightBytes: gen.weightBytes,
    m4Instructions: countM4Instructions(dir),
    hostInstructions: callgrindHostInstructions(dir, bin, new Uint8Array(first.buffer)),
    bitExactWindows: `${same}/${inputs.length}`
  }
  return row
}

const { windows } = loadPunchFlex()
const calib = windows.slice(0, 40)
const int8 = (ir: ModelIR): Uint8Array => exportModel(ir, { mode: 'int8', representativeData: calib }).bytes
const rows: Row[] = []
const started = Date.now()
rows.push(measure('hello_world_int8', 'TF converter (shared)', readFixture('models', 'hello_world_int8.tflite'), windows))
for (const v of ['float32', 'dynamic_range_int8', 'float16']) {
  rows.push(measure(`gesture_dense_${v}`, 'TF converter (shared)', readFixture('models', `gesture_dense_${v}.tflite`), windows))
}
rows.push(measure('gesture_dense_int8', 'shared float32 weights, Microforge int8 export', int8(gestureIr()), windows))
rows.push(measure('conv1d_int8', 'Microforge int8 export (test weights)', int8(convNet()), windows))
rows.push(measure('depthwise_int8', 'Microforge int8 export (test weights)', int8(depthwiseNet()), windows))
rows.push(measure('pool_mean_int8', 'Microforge int8 export (test weights)', int8(poolMeanNet()), windows))

const gccVersion = execFileSync('arm-none-eabi-gcc', ['-dumpversion']).toString().trim()
const result = {
  name: 'deploy',
  date: new Date().toISOString(),
  toolchain: `arm-none-eabi-gcc ${gccVersion} -Os -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16`,
  method: {
    cFlashRam: 'arm-none-eabi-size (Berkeley): flash = text + data, RAM = data + bss; model image minus empty-main image, both --gc-sections with newlib nosys',
    tflm: 'estimate: interpreter + kernels (core/codegen/tflm-estimate.ts) + .tflite bytes; RAM = generated kTensorArenaSize + 2 KB interpreter objects',
    m4Instructions: 'QEMU 7.2 mps2-an386, -singlestep -d exec,nochain: executed-instruction trace of 2 inferences minus 1 inference',
    hostInstructions: 'valgrind --tool=callgrind --toggle-collect=mf_model_invoke (x86-64, gcc -O2)',
    bitExact: 'outputs of the host build vs the TypeScript interpreter, byte for byte, on the 60 real MPU6050 windows (hello_world: all 256 int8 inputs)'
  },
  seconds: (Date.now() - started) / 1000,
  rows
}
writeFileSync(path.join(repoRoot, 'bench', 'results', 'deploy.json'), `${JSON.stringify(result, null, 2)}\n`)

const kb = (n: number | undefined): string => (n === undefined ? '-' : n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`)
console.log(`${'model'.padEnd(30)} ${'C flash'.padStart(9)} ${'C RAM'.padStart(9)} ${'TFLM flash*'.padStart(11)} ${'TFLM RAM*'.padStart(10)} ${'M4 instr'.padStart(9)} ${'bit-exact'.padStart(9)}`)
for (const r of rows) {
  console.log(
    `${r.model.padEnd(30)} ${kb(r.c?.flashBytes).padStart(9)} ${kb(r.c?.ramBytes).padStart(9)} ${(r.tflm ? kb(r.tflm.flashBytesEstimate) : 'n/a').padStart(11)} ${(r.tflm ? kb(r.tflm.ramBytesEstimate) : 'n/a').padStart(10)} ${String(r.c?.m4Instructions ?? '-').padStart(9)} ${(r.c?.bitExactWindows ?? '-').padStart(9)}`
  )
}
console.log('* TFLM columns are estimates; C columns are measured. Results: bench/results/deploy.json')
