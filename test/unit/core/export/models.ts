/**
 * Hand-built ModelIRs with seeded random weights for the export tests, shaped like the models the
 * app trains on a 30-sample, 6-axis IMU window.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { Activation, Layer, ModelIR, Padding } from '../../../../src/main/core/model/model-ir'
import { parseImuCaptureCsv } from '../../../../src/main/core/dataset/imu-capture-csv'
import { floatForward } from '../../../../src/main/core/model/float-forward'
import { mulberry32 } from '../../../../src/main/core/util/random'
import { PUNCH_FLEX_DIR } from '../../../helpers/fixtures'

/** Seeded test weights. */
export const rng = mulberry32

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

export { PUNCH_FLEX_DIR }

/**
 * The real MPU6050 punch/flex recordings (17 punch, 43 flex windows of 30 samples), each axis
 * standardized to zero mean and unit variance over the whole set, the way the app's preprocessing
 * feeds a model. Labels follow CLASSES.
 */
export function loadPunchFlex(): { windows: Float32Array[]; labels: number[] } {
  const raw: number[][][] = []
  const labels: number[] = []
  CLASSES.forEach((cls, label) => {
    const csv = parseImuCaptureCsv(readFileSync(path.join(PUNCH_FLEX_DIR, `${cls}.csv`), 'utf8'))
    for (const w of csv.windows) {
      if (w.length !== WINDOW) continue
      raw.push(w)
      labels.push(label)
    }
  })
  const mean = new Array(AXES).fill(0)
  const sq = new Array(AXES).fill(0)
  let n = 0
  for (const w of raw) for (const s of w) {
    n++
    s.forEach((v, a) => {
      mean[a] += v
      sq[a] += v * v
    })
  }
  const mu = mean.map((m) => m / n)
  const sd = sq.map((q, a) => Math.sqrt(Math.max(q / n - mu[a] * mu[a], 1e-12)))
  const windows = raw.map((w) => Float32Array.from(w.flatMap((s) => s.map((v, a) => (v - mu[a]) / sd[a]))))
  return { windows, labels }
}

/**
 * Fits the model's last layer (a Dense softmax) by full-batch gradient descent on the features the
 * rest of the (random) network computes: a cheap way to get a model with a real accuracy to
 * compare float and int8 on, without a training framework in the unit tests.
 */
export function trainHead(model: ModelIR, windows: Float32Array[], labels: number[], epochs = 300, learningRate = 0.5): ModelIR {
  const head = model.layers[model.layers.length - 1]
  if (head.type !== 'dense' || head.activation !== 'softmax') throw new Error('trainHead needs a Dense softmax last layer')
  const body: ModelIR = { ...model, layers: model.layers.slice(0, -1) }
  const features = windows.map((w) => floatForward(body, w))
  const inUnits = features[0].length
  const k = head.units
  const kernel = new Float32Array(inUnits * k)
  const bias = new Float32Array(k)
  const logits = new Float64Array(k)
  for (let epoch = 0; epoch < epochs; epoch++) {
    const gk = new Float64Array(kernel.length)
    const gb = new Float64Array(k)
    features.forEach((f, n) => {
      for (let u = 0; u < k; u++) {
        let acc = bias[u]
        for (let i = 0; i < inUnits; i++) acc += f[i] * kernel[i * k + u]
        logits[u] = acc
      }
      const max = Math.max(...logits)
      let sum = 0
      for (let u = 0; u < k; u++) sum += Math.exp(logits[u] - max)
      for (let u = 0; u < k; u++) {
        const err = Math.exp(logits[u] - max) / sum - (labels[n] === u ? 1 : 0)
        gb[u] += err
        for (let i = 0; i < inUnits; i++) gk[i * k + u] += err * f[i]
      }
    })
    const scale = learningRate / features.length
    for (let i = 0; i < kernel.length; i++) kernel[i] -= scale * gk[i] + 1e-3 * kernel[i]
    for (let u = 0; u < k; u++) bias[u] -= scale * gb[u]
  }
  return { ...model, layers: [...body.layers, { ...head, kernel, bias }] }
}
