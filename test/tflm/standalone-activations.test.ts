/**
 * Standalone RELU and RELU6 end to end: a Keras (tfjs) model whose ReLU6 and ReLU layers follow
 * pooling layers, so the exporter cannot fuse them into a weight layer, goes through
 * layersModelToIR and exportModel, and the exported int8 and float32 models run on real MPU6050
 * windows, random and edge inputs through TensorFlow Lite Micro (the SDK's run_tflite), the
 * TypeScript interpreter and the C runtime (int8): every output identical. A float RELU/RELU6 pair
 * also takes -0, NaN, infinities and values around 6 straight to TFLM. Deploy's generated TFLM
 * firmware (its op resolver registers RELU and RELU6) gives the C-runtime firmware's scores.
 */
import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateFirmware, type FirmwareRequest } from '../../src/main/core/codegen/firmware'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { normalizePreprocessing } from '../../src/main/core/codegen/preprocessing-header'
import { resolveTflmSdk, type TflmTarget } from '../../src/main/sim/tflm-sdk'
import { loadFirmwareTemplates } from '../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../src/main/sim/firmware/firmware-folder'
import { runCheck, writeProject } from '../helpers/firmware-check'
import { RANGES, sensorWindows } from '../helpers/preset-variants'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { mapLimit } from './helpers/map-limit'
import { exportModel } from '../../src/main/core/export/export-model'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import { relu6Int8Bounds } from '../../src/main/core/quant/kernels/relu'
import { quantizeArray } from '../../src/main/core/quant/quantize'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { initTrainingBackend } from '../../src/main/core/train/backend'
import { layersModelToIR } from '../../src/main/core/train/model-ir-convert'
import { buildModel as buildTflite } from '../helpers/tflite-builder'
import { rawBytes, runTflite } from '../helpers/run-tflite'
import { AXES, CLASSES, WINDOW, loadPunchFlex } from '../unit/core/export/models'
import { compareThreeWay, modelInputs, type ModelInput } from './helpers/three-way'

const RANDOM_INPUTS = 50

/** Conv1D -> MaxPooling1D -> ReLU(6) layer -> Conv1D -> AveragePooling1D -> Activation('relu') -> Flatten -> Dense softmax. */
function kerasModel(): ModelIR {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed })
  const m = tf.sequential({ name: 'standalone' })
  m.add(tf.layers.conv1d({ inputShape: [WINDOW, AXES], filters: 8, kernelSize: 3, padding: 'same', kernelInitializer: init(1), biasInitializer: 'ones' }))
  m.add(tf.layers.maxPooling1d({ poolSize: 2, strides: 2 }))
  m.add(tf.layers.reLU({ maxValue: 6 }))
  m.add(tf.layers.conv1d({ filters: 8, kernelSize: 3, kernelInitializer: init(2), biasInitializer: tf.initializers.randomNormal({ seed: 3 }) }))
  m.add(tf.layers.averagePooling1d({ poolSize: 2, strides: 2 }))
  m.add(tf.layers.activation({ activation: 'relu' }))
  m.add(tf.layers.flatten())
  m.add(tf.layers.dense({ units: CLASSES.length, activation: 'softmax', kernelInitializer: init(4) }))
  try {
    return layersModelToIR(m, CLASSES, 'standalone')
  } finally {
    m.dispose()
  }
}

/** Every int8 edge the kernels clamp at, whole-window. */
function edgeInputs(bytes: Uint8Array): ModelInput[] {
  const sg = parseTflite(bytes).subgraphs[0]
  const input = sg.tensors[sg.inputs[0]]
  const n = input.elementCount
  if (input.type === 'INT8') return [-128, 127, input.quantization!.zeroPoint[0]].map((v) => new Int8Array(n).fill(v))
  return [0, 1000, -1000].map((v) => new Float32Array(n).fill(v))
}

let ir: ModelIR
let windows: Float32Array[]
beforeAll(async () => {
  await initTrainingBackend('wasm')
  ir = kerasModel()
  windows = loadPunchFlex().windows
})

describe('standalone RELU and RELU6 from a Keras model: TFLM = interpreter = C runtime', () => {
  it('the exporter keeps both activations as their own operators, RELU6 output in its input quantization', () => {
    expect(ir.layers.filter((l) => l.type === 'activation').map((l) => (l.type === 'activation' ? l.activation : ''))).toEqual(['relu6', 'relu'])
    const bytes = exportModel(ir, { mode: 'int8', representativeData: windows }).bytes
    const sg = parseTflite(bytes).subgraphs[0]
    const ops = sg.operators.map((o) => o.builtin)
    expect(ops).toEqual(['RESHAPE', 'CONV_2D', 'MAX_POOL_2D', 'RELU6', 'CONV_2D', 'AVERAGE_POOL_2D', 'RELU', 'RESHAPE', 'FULLY_CONNECTED', 'SOFTMAX'])
    // TFLM's int8 RELU6 does not requantize: an output scale of its own would be read wrongly downstream.
    const relu6 = sg.operators[ops.indexOf('RELU6')]
    expect(sg.tensors[relu6.outputs[0]].quantization).toEqual(sg.tensors[relu6.inputs[0]].quantization)
    // Both of RELU6's clamps act on the real windows (six inside the int8 range, values above it).
    const q = sg.tensors[relu6.inputs[0]].quantization!
    const { zero, six } = relu6Int8Bounds({ scale: q.scale[0], zeroPoint: q.zeroPoint[0] })
    const interp = new Interpreter(parseTflite(bytes))
    let below = 0
    let above = 0
    for (const w of windows) {
      interp.invoke([quantizeArray(w, { scale: interp.inputs[0].quantization!.scale[0], zeroPoint: interp.inputs[0].quantization!.zeroPoint[0] })])
      for (const v of interp.tensors[relu6.inputs[0]].data as Int8Array) {
        if (v < zero) below++
        if (v > six) above++
      }
    }
    console.log(`RELU6 clamps to [${zero}, ${six}]: ${below} values below, ${above} above over ${windows.length} windows`)
    expect(six).toBeLessThan(127)
    expect(below).toBeGreaterThan(0)
    expect(above).toBeGreaterThan(0)
    // RELU does requantize, and its output range starts at 0.
    const reluOp = sg.operators[ops.indexOf('RELU')]
    expect(sg.tensors[reluOp.outputs[0]].quantization!.zeroPoint[0]).toBe(-128)
    expect(sg.tensors[reluOp.outputs[0]].quantization!.scale[0]).not.toBe(sg.tensors[reluOp.inputs[0]].quantization!.scale[0])
  })

  it('the int8 model computes what the float model does (within 0.05 per probability on the real windows)', () => {
    const int8 = new Interpreter(parseTflite(exportModel(ir, { mode: 'int8', representativeData: windows, inputOutputType: 'float32' }).bytes))
    const float = new Interpreter(parseTflite(exportModel(ir, { mode: 'float32' }).bytes))
    let worst = 0
    for (const w of windows) {
      const a = Array.from(int8.invoke([w])[0])
      const b = Array.from(float.invoke([w])[0])
      a.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - b[k]))))
    }
    console.log(`standalone activations: worst int8 vs float32 probability difference ${worst.toFixed(4)} over ${windows.length} windows`)
    expect(worst).toBeLessThan(0.05)
  })

  it.each([
    ['int8', { mode: 'int8' as const }],
    ['int8 per-tensor', { mode: 'int8' as const, perChannel: false }],
    ['int8 with float32 I/O', { mode: 'int8' as const, inputOutputType: 'float32' as const }],
    ['float32', { mode: 'float32' as const }]
  ])('%s: identical outputs on real, random and edge inputs', (_label, options) => {
    const bytes = exportModel(ir, { ...options, representativeData: windows }).bytes
    const inputs = [...modelInputs(bytes, windows, RANDOM_INPUTS, 7), ...edgeInputs(bytes)]
    const r = compareThreeWay(bytes, inputs)
    expect(r.mismatches).toEqual([])
    expect(r.cRuntime).toBe(options.mode === 'int8')
    expect(r.inputs).toBe(windows.length + RANDOM_INPUTS + 3)
  })

  it('generated TFLM firmware (host, Cortex-M4 reference and CMSIS-NN in QEMU) gives the C-runtime firmware\'s scores', async () => {
    const sdk = resolveTflmSdk({ kind: 'm4', kernels: 'cmsis-nn' }, tflmSdkDir())
    const templates = await loadFirmwareTemplates(firmwareResourcesDir())
    const bytes = exportModel(ir, { mode: 'int8', representativeData: windows }).bytes
    const axes = ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
    const request = (runtime: 'tflm' | 'c'): FirmwareRequest => ({
      name: 'standalone',
      projectName: 'standalone activations',
      target: 'nano33ble',
      runtime,
      mode: 'classify',
      model: { bytes, graph: cgModelFromTflite(bytes), label: 'standalone' },
      preprocessing: normalizePreprocessing({ kind: 'minmax', axes, ...RANGES, windowLength: WINDOW }, { axes: [], windowLength: null }),
      classes: CLASSES,
      sampleRateHz: 100,
      baud: 115200,
      templates
    })
    const tflm = generateFirmware(request('tflm'))
    const ops = tflm.files.find((f) => f.path.endsWith('model_ops.h'))!.contents
    expect(ops).toContain('AddRelu()')
    expect(ops).toContain('AddRelu6()')
    const sensor = sensorWindows(12, 5)
    const targets: TflmTarget[] = [{ kind: 'host' }, { kind: 'm4', kernels: 'reference' }, { kind: 'm4', kernels: 'cmsis-nn' }]
    const tflmDir = writeProject(tflm)
    const jobs = [...targets.map((target) => ({ target, dir: tflmDir })), { target: { kind: 'host' } as TflmTarget, dir: writeProject(generateFirmware(request('c'))) }]
    const results = await mapLimit(jobs, 2, (j) => runCheck(sdk, j.target, j.dir, sensor))
    const c = results[targets.length]
    expect(c.runtime).toBe('microforge-c')
    expect(c.scores).toHaveLength(sensor.length)
    for (const t of results.slice(0, targets.length)) {
      expect(t.runtime).toBe('tflite-micro')
      expect(t.scores, t.program.description).toEqual(c.scores)
    }
  }, 900_000)

  it.each(['RELU', 'RELU6'] as const)('float32 %s on -0, NaN, infinities and values around 6: what TFLM gives', (op) => {
    const values = [-0, 0, NaN, Infinity, -Infinity, -1e-45, 1e-45, 5.9999995, 6, 6.0000005, -3.4e38, 3.4e38]
    const shape = [1, values.length]
    const bytes = buildTflite({ tensors: [{ type: 'FLOAT32', shape }, { type: 'FLOAT32', shape }], ops: [{ op, inputs: [0], outputs: [1] }], inputs: [0], outputs: [1] })
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-relu-'))
    try {
      const file = path.join(dir, 'relu.tflite')
      writeFileSync(file, bytes)
      const [res] = runTflite(file, [[rawBytes(Float32Array.from(values))]])
      if (!res.ok) throw new Error(`TFLM refused the model: ${res.refusal.stderr}`)
      const tflm = res.run.outputs[0].values
      const ours = Array.from(new Interpreter(parseTflite(bytes)).invoke([Float32Array.from(values)])[0])
      expect(ours.map(String)).toEqual(tflm.map(String))
      ours.forEach((v, i) => expect(Object.is(v, tflm[i]), `[${i}] ${values[i]}: ${v} vs TFLM ${tflm[i]}`).toBe(true))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
