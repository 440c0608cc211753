/**
 * Golden models made by Microforge's own exporter (exportModel): every operator, option and
 * quantization mode it writes for a 30-sample, 6-axis window. Weights are seeded; int8 variants are
 * calibrated on the real MPU6050 windows in test/fixtures.
 */
import { exportModel, type ExportOptions } from '../../src/main/core/export/export-model'
import type { Layer, ModelIR } from '../../src/main/core/model/model-ir'
import { AXES, CLASSES, WINDOW, conv1d, dense, depthwise, loadPunchFlex, rng } from '../unit/core/export/models'

export interface GoldenSpec {
  name: string
  /** One sentence: what this golden covers. */
  about: string
  source: 'exporter' | 'builder'
  build: () => Uint8Array
  /** Real input windows (float, as the model sees them) to run besides the edge and random inputs. */
  realWindows?: () => { label: string; values: Float32Array }[]
  /** Inputs of the model's own type to run besides those, e.g. every int8 value once for an elementwise op. */
  extraInputs?: () => { label: string; input: number[] }[]
}

function model(name: string, layers: (r: () => number) => Layer[], seed: number): ModelIR {
  return { name, inputShape: [WINDOW, AXES], classes: CLASSES, layers: layers(rng(seed)) }
}

const denseModel = (): ModelIR =>
  model(
    'dense',
    (r) => [
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense_1', WINDOW * AXES, 16, 'relu'),
      dense(r, 'dense_2', 16, 8, 'relu6'),
      dense(r, 'dense_3', 8, 2, 'softmax')
    ],
    101
  )

const conv1dValid = (): ModelIR =>
  model(
    'conv1d-valid',
    (r) => [
      conv1d(r, 'conv_1', AXES, 8, 5, 'relu', 'valid', 1),
      { type: 'maxPool1d', name: 'max_pool_1', poolSize: 2, strides: 2, padding: 'valid' },
      conv1d(r, 'conv_2', 8, 8, 3, 'relu6', 'same', 2),
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense', 7 * 8, 2, 'softmax')
    ],
    102
  )

const conv1dSame = (): ModelIR =>
  model(
    'conv1d-same',
    (r) => [
      conv1d(r, 'conv_1', AXES, 8, 3, 'linear', 'same', 2),
      conv1d(r, 'conv_2', 8, 6, 3, 'relu', 'valid', 2),
      { type: 'avgPool1d', name: 'avg_pool', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'globalAvgPool1d', name: 'gap' },
      dense(r, 'dense', 6, 2, 'softmax')
    ],
    103
  )

const depthwiseModel = (): ModelIR =>
  model(
    'depthwise',
    (r) => {
      const dw2 = depthwise(r, 'depthwise_2', AXES, 2, 3, 'relu6', 'valid')
      return [
        depthwise(r, 'depthwise_1', AXES, 1, 3, 'relu', 'same'),
        { ...dw2, strides: 2 },
        conv1d(r, 'pointwise', 12, 8, 1, 'linear'),
        { type: 'maxPool1d', name: 'max_pool', poolSize: 3, strides: 1, padding: 'same' },
        { type: 'avgPool1d', name: 'avg_pool', poolSize: 2, strides: 2, padding: 'same' },
        { type: 'globalAvgPool1d', name: 'gap' },
        dense(r, 'dense', 8, 2, 'softmax')
      ]
    },
    104
  )

/** The fused activations the other models leave out: float CONV_2D RELU/RELU6, DEPTHWISE_CONV_2D NONE. */
const activationsModel = (): ModelIR =>
  model(
    'activations',
    (r) => [
      conv1d(r, 'conv_relu', AXES, 8, 3, 'relu', 'same', 1),
      depthwise(r, 'depthwise_none', 8, 1, 3, 'linear', 'same'),
      conv1d(r, 'conv_relu6', 8, 8, 3, 'relu6', 'valid', 2),
      { type: 'globalAvgPool1d', name: 'gap' },
      dense(r, 'dense', 8, 2, 'softmax')
    ],
    105
  )

/** Activation layers after pooling, which the exporter cannot fuse: standalone RELU6 and RELU. */
const standaloneActivationsModel = (): ModelIR =>
  model(
    'standalone-activations',
    (r) => [
      conv1d(r, 'conv_1', AXES, 8, 3, 'linear', 'same', 1),
      { type: 'maxPool1d', name: 'max_pool', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'activation', name: 'relu6', activation: 'relu6' },
      conv1d(r, 'conv_2', 8, 8, 3, 'linear', 'valid', 1),
      { type: 'avgPool1d', name: 'avg_pool', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'activation', name: 'relu', activation: 'relu' },
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense', 6 * 8, 2, 'softmax')
    ],
    106
  )

let calibration: Float32Array[] | null = null
function int8(ir: () => ModelIR, options: Partial<ExportOptions> = {}): () => Uint8Array {
  return () => {
    calibration ??= loadPunchFlex().windows
    return exportModel(ir(), { mode: 'int8', representativeData: calibration, ...options }).bytes
  }
}

/** The first punch and the first flex recording. */
function realWindows(): { label: string; values: Float32Array }[] {
  const { windows, labels } = loadPunchFlex()
  return CLASSES.map((cls, c) => ({ label: `real ${cls} window`, values: windows[labels.indexOf(c)] }))
}

const float32 = (ir: () => ModelIR) => (): Uint8Array => exportModel(ir(), { mode: 'float32' }).bytes

export const EXPORTED_GOLDENS: GoldenSpec[] = [
  { name: 'dense_int8', about: 'RESHAPE, FULLY_CONNECTED with RELU, RELU6 and NONE, SOFTMAX; per-tensor weights, int8 I/O', source: 'exporter', realWindows, build: int8(denseModel) },
  { name: 'dense_int8_per_channel', about: 'the dense model with per-channel FULLY_CONNECTED weights', source: 'exporter', realWindows, build: int8(denseModel, { perChannelDense: true }) },
  { name: 'dense_int8_float_io', about: 'the dense model with float32 I/O: QUANTIZE and DEQUANTIZE at the edges', source: 'exporter', realWindows, build: int8(denseModel, { inputOutputType: 'float32' }) },
  { name: 'conv1d_valid_int8', about: 'CONV_2D as 1D: VALID stride 1 RELU, SAME stride 2 RELU6; MAX_POOL_2D; per-channel', source: 'exporter', realWindows, build: int8(conv1dValid) },
  { name: 'conv1d_same_int8_per_tensor', about: 'CONV_2D as 1D: SAME stride 2 NONE, VALID stride 2 RELU; AVERAGE_POOL_2D VALID; MEAN; per-tensor', source: 'exporter', realWindows, build: int8(conv1dSame, { perChannel: false }) },
  { name: 'conv1d_same_int8_float_io', about: 'the per-tensor 1D CNN with float32 I/O', source: 'exporter', realWindows, build: int8(conv1dSame, { inputOutputType: 'float32' }) },
  { name: 'depthwise_int8', about: 'DEPTHWISE_CONV_2D multiplier 1 SAME RELU and multiplier 2 VALID stride 2 RELU6; pointwise CONV_2D; MAX_POOL_2D SAME; AVERAGE_POOL_2D SAME; MEAN', source: 'exporter', realWindows, build: int8(depthwiseModel) },
  { name: 'depthwise_int8_float_io', about: 'the depthwise model, per-tensor, with float32 I/O', source: 'exporter', realWindows, build: int8(depthwiseModel, { perChannel: false, inputOutputType: 'float32' }) },
  { name: 'activations_int8', about: 'CONV_2D with RELU and RELU6 around a DEPTHWISE_CONV_2D with NONE; per-channel', source: 'exporter', realWindows, build: int8(activationsModel) },
  { name: 'activations_float32', about: 'the same in float32: CONV_2D RELU and RELU6, DEPTHWISE_CONV_2D NONE', source: 'exporter', realWindows, build: float32(activationsModel) },
  { name: 'standalone_activations_int8', about: 'Activation layers after pooling: standalone RELU6 after MAX_POOL_2D, RELU after AVERAGE_POOL_2D; per-channel', source: 'exporter', realWindows, build: int8(standaloneActivationsModel) },
  { name: 'standalone_activations_float32', about: 'the same in float32: standalone RELU6 and RELU', source: 'exporter', realWindows, build: float32(standaloneActivationsModel) },
  { name: 'dense_float32', about: 'the dense model in float32', source: 'exporter', realWindows, build: float32(denseModel) },
  { name: 'depthwise_float32', about: 'the depthwise model in float32', source: 'exporter', realWindows, build: float32(depthwiseModel) }
]
