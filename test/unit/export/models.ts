/**
 * Hand-built ModelIRs with seeded random weights for the export tests, shaped like the models the
 * app trains on a 30-sample, 6-axis IMU window.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Activation, Layer, ModelIR, Padding } from '../../../src/main/core/model-ir'
import { parseImuCaptureCsv } from '../../../src/main/core/dataset/imu-capture-csv'

/** mulberry32: small, fast, good enough for test weights. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function uniform(rand: () => number, n: number, limit: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = (rand() * 2 - 1) * limit
  return out
}

/** Glorot-uniform kernel, small random bias (trained biases are rarely exactly zero). */
function weights(rand: () => number, fanIn: number, fanOut: number, n: number, units: number): { kernel: Float32Array; bias: Float32Array } {
  return { kernel: uniform(rand, n, Math.sqrt(6 / (fanIn + fanOut))), bias: uniform(rand, units, 0.1) }
}

export function dense(rand: () => number, name: string, inUnits: number, units: number, activation: Activation): Layer {
  return { type: 'dense', name, units, activation, ...weights(rand, inUnits, units, inUnits * units, units) }
}

export function conv1d(rand: () => number, name: string, inC: number, filters: number, kernelSize: number, activation: Activation, padding: Padding = 'valid', strides = 1): Layer {
  return { type: 'conv1d', name, filters, kernelSize, strides, padding, activation, ...weights(rand, kernelSize * inC, filters, kernelSize * inC * filters, filters) }
}

export function depthwise(rand: () => number, name: string, inC: number, depthMultiplier: number, kernelSize: number, activation: Activation, padding: Padding = 'same'): Layer {
  return {
    type: 'depthwiseConv1d',
    name,
    kernelSize,
    depthMultiplier,
    strides: 1,
    padding,
    activation,
    ...weights(rand, kernelSize, depthMultiplier, kernelSize * inC * depthMultiplier, inC * depthMultiplier)
  }
}

export const WINDOW = 30
export const AXES = 6
export const CLASSES = ['punch', 'flex']

export function denseNet(seed = 1): ModelIR {
  const r = rng(seed)
  return {
    name: 'dense-net',
    inputShape: [WINDOW, AXES],
    classes: CLASSES,
    layers: [
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense_1', WINDOW * AXES, 50, 'relu'),
      dense(r, 'dense_2', 50, 15, 'relu'),
      dense(r, 'dense_3', 15, 2, 'softmax')
    ]
  }
}

export function convNet(seed = 2): ModelIR {
  const r = rng(seed)
  return {
    name: 'conv-net',
    inputShape: [WINDOW, AXES],
    classes: CLASSES,
    layers: [
      conv1d(r, 'conv1d_1', AXES, 16, 5, 'relu'),
      { type: 'maxPool1d', name: 'max_pooling1d_1', poolSize: 2, strides: 2, padding: 'valid' },
      conv1d(r, 'conv1d_2', 16, 32, 3, 'relu'),
      { type: 'maxPool1d', name: 'max_pooling1d_2', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense_1', 5 * 32, 32, 'relu'),
      { type: 'dropout', name: 'dropout', rate: 0.3 },
      dense(r, 'dense_2', 32, 2, 'softmax')
    ]
  }
}

/** Depthwise-separable block, 'same' padding, stride 2, average pooling, global average pooling. */
export function depthwiseNet(seed = 3): ModelIR {
  const r = rng(seed)
  return {
    name: 'depthwise-net',
    inputShape: [WINDOW, AXES],
    classes: CLASSES,
    layers: [
      depthwise(r, 'depthwise_1', AXES, 2, 5, 'relu6'),
      conv1d(r, 'pointwise_1', 12, 16, 1, 'relu'),
      { type: 'avgPool1d', name: 'average_pooling1d', poolSize: 3, strides: 2, padding: 'same' },
      conv1d(r, 'conv1d_2', 16, 16, 3, 'relu', 'same', 2),
      { type: 'globalAvgPool1d', name: 'global_average_pooling1d' },
      dense(r, 'dense', 16, 2, 'softmax')
    ]
  }
}

/** Conv1D (no activation) -> BatchNorm -> ReLU, and Dense -> BatchNorm -> Activation, as Keras builds them. */
export function batchNormNet(seed = 4): ModelIR {
  const r = rng(seed)
  const bn = (name: string, c: number): Layer => ({
    type: 'batchNorm',
    name,
    gamma: Float32Array.from(uniform(r, c, 0.5), (v) => 1 + v),
    beta: uniform(r, c, 0.3),
    movingMean: uniform(r, c, 0.5),
    movingVariance: Float32Array.from(uniform(r, c, 0.5), (v) => 1 + v),
    epsilon: 0.001
  })
  return {
    name: 'batchnorm-net',
    inputShape: [WINDOW, AXES],
    classes: CLASSES,
    layers: [
      conv1d(r, 'conv1d', AXES, 8, 3, 'linear'),
      bn('batch_normalization_1', 8),
      { type: 'activation', name: 'activation_1', activation: 'relu' },
      { type: 'maxPool1d', name: 'max_pooling1d', poolSize: 2, strides: 2, padding: 'valid' },
      { type: 'flatten', name: 'flatten' },
      dense(r, 'dense_1', 14 * 8, 16, 'linear'),
      bn('batch_normalization_2', 16),
      { type: 'activation', name: 'activation_2', activation: 'relu' },
      dense(r, 'dense_2', 16, 2, 'linear'),
      { type: 'activation', name: 'softmax', activation: 'softmax' }
    ]
  }
}

/** Random windows with the spread of normalized IMU data (mostly within [-1, 1]). */
export function randomWindows(count: number, seed: number, size = WINDOW * AXES): Float32Array[] {
  const r = rng(seed)
  return Array.from({ length: count }, () => {
    const w = new Float32Array(size)
    for (let i = 0; i < size; i++) w[i] = (r() + r() + r() - 1.5) * 1.2
    return w
  })
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const PUNCH_FLEX_DIR = path.resolve(repoRoot, '..', 'shared', 'datasets', 'mpu6050-punch-flex')

/**
 * The shared MPU6050 punch/flex recordings, scaled the way the Arduino gesture tutorial does
 * (accelerometer +-4 g and gyroscope +-2000 dps mapped to [0, 1]). Labels follow CLASSES.
 */
export function loadPunchFlex(): { windows: Float32Array[]; labels: number[] } {
  const windows: Float32Array[] = []
  const labels: number[] = []
  CLASSES.forEach((cls, label) => {
    const csv = parseImuCaptureCsv(readFileSync(path.join(PUNCH_FLEX_DIR, `${cls}.csv`), 'utf8'))
    for (const w of csv.windows) {
      if (w.length !== WINDOW) continue
      windows.push(Float32Array.from(w.flatMap((s) => s.map((v, a) => (a < 3 ? (v + 4) / 8 : (v + 2000) / 4000)))))
      labels.push(label)
    }
  })
  return { windows, labels }
}
