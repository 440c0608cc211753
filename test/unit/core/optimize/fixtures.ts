import type { Layer, ModelIR } from '../../../../src/main/core/model/model-ir'
import { mulberry32 } from '../../../../src/main/core/train/rng'

/** Seeded random weights in [-scale, scale). */
export function randomWeights(n: number, random: () => number, scale = 0.5): Float32Array {
  return Float32Array.from({ length: n }, () => (random() * 2 - 1) * scale)
}

/** The cnn1d preset as a ModelIR with random weights: conv, pool, conv, pool, flatten, dense, dropout, softmax. */
export function cnnModel(seed = 1, T = 30, C = 6, classes = 3): ModelIR {
  const r = mulberry32(seed)
  const layers: Layer[] = [
    { type: 'conv1d', name: 'conv1d_1', filters: 16, kernelSize: 5, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(5 * C * 16, r), bias: randomWeights(16, r, 0.1) },
    { type: 'maxPool1d', name: 'max_pooling1d_1', poolSize: 2, strides: 2, padding: 'valid' },
    { type: 'conv1d', name: 'conv1d_2', filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(3 * 16 * 32, r), bias: randomWeights(32, r, 0.1) },
    { type: 'maxPool1d', name: 'max_pooling1d_2', poolSize: 2, strides: 2, padding: 'valid' },
    { type: 'flatten', name: 'flatten_1' },
    { type: 'dense', name: 'dense_1', units: 32, activation: 'relu', kernel: randomWeights(5 * 32 * 32, r, 0.2), bias: randomWeights(32, r, 0.1) },
    { type: 'dropout', name: 'dropout_1', rate: 0.3 },
    { type: 'dense', name: 'output', units: classes, activation: 'softmax', kernel: randomWeights(32 * classes, r), bias: randomWeights(classes, r, 0.1) }
  ]
  return { name: 'cnn', inputShape: [T, C], layers, classes: Array.from({ length: classes }, (_, i) => `c${i}`) }
}

/** The dscnn preset shape: conv, depthwise, pointwise, pool, depthwise, pointwise, global pool, softmax. */
export function dscnnModel(seed = 2, T = 30, C = 6, classes = 3): ModelIR {
  const r = mulberry32(seed)
  const layers: Layer[] = [
    { type: 'conv1d', name: 'conv1d_1', filters: 16, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(3 * C * 16, r), bias: randomWeights(16, r, 0.1) },
    { type: 'depthwiseConv1d', name: 'depthwise_conv1d_1', kernelSize: 5, depthMultiplier: 1, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(5 * 16, r), bias: randomWeights(16, r, 0.1) },
    {
      type: 'batchNorm',
      name: 'bn_1',
      gamma: randomWeights(16, r, 1).map((x) => 1 + x * 0.2),
      beta: randomWeights(16, r, 0.1),
      movingMean: randomWeights(16, r, 0.1),
      movingVariance: randomWeights(16, r, 0.5).map((x) => 1 + x),
      epsilon: 1e-3
    },
    { type: 'conv1d', name: 'conv1d_2', filters: 32, kernelSize: 1, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(16 * 32, r), bias: randomWeights(32, r, 0.1) },
    { type: 'maxPool1d', name: 'max_pooling1d_1', poolSize: 2, strides: 2, padding: 'valid' },
    { type: 'depthwiseConv1d', name: 'depthwise_conv1d_2', kernelSize: 3, depthMultiplier: 2, strides: 1, padding: 'same', activation: 'relu', kernel: randomWeights(3 * 32 * 2, r), bias: randomWeights(64, r, 0.1) },
    { type: 'conv1d', name: 'conv1d_3', filters: 32, kernelSize: 1, strides: 1, padding: 'valid', activation: 'relu', kernel: randomWeights(64 * 32, r), bias: randomWeights(32, r, 0.1) },
    { type: 'globalAvgPool1d', name: 'global_average_pooling1d_1' },
    { type: 'dense', name: 'output', units: classes, activation: 'softmax', kernel: randomWeights(32 * classes, r), bias: randomWeights(classes, r, 0.1) }
  ]
  return { name: 'dscnn', inputShape: [T, C], layers, classes: Array.from({ length: classes }, (_, i) => `c${i}`) }
}

function act(x: number, a: string): number {
  if (a === 'relu') return Math.max(0, x)
  if (a === 'relu6') return Math.min(6, Math.max(0, x))
  return x
}

/**
 * A plain reference forward pass (one window, shapes [T, C] or [N]), written independently of the
 * exporter's, so structured pruning can be checked against the unpruned model.
 */
export function referenceForward(model: ModelIR, input: Float32Array): Float32Array {
  let x = Array.from(input)
  let shape = [...model.inputShape]
  for (const l of model.layers) {
    if (l.type === 'conv1d' || l.type === 'depthwiseConv1d') {
      const [T, C] = shape
      const k = l.kernelSize
      const padTotal = l.padding === 'same' ? Math.max(0, (Math.ceil(T / l.strides) - 1) * l.strides + k - T) : 0
      const padL = Math.floor(padTotal / 2)
      const outT = l.padding === 'same' ? Math.ceil(T / l.strides) : Math.floor((T - k) / l.strides) + 1
      const outC = l.type === 'conv1d' ? l.filters : C * l.depthMultiplier
      const y = new Array(outT * outC).fill(0)
      for (let t = 0; t < outT; t++)
        for (let o = 0; o < outC; o++) {
          let s = l.bias ? l.bias[o] : 0
          for (let j = 0; j < k; j++) {
            const ti = t * l.strides + j - padL
            if (ti < 0 || ti >= T) continue
            if (l.type === 'conv1d') for (let c = 0; c < C; c++) s += x[ti * C + c] * l.kernel[(j * C + c) * outC + o]
            else {
              const m = l.depthMultiplier
              const c = Math.floor(o / m)
              s += x[ti * C + c] * l.kernel[(j * C + c) * m + (o % m)]
            }
          }
          y[t * outC + o] = act(s, l.activation)
        }
      x = y
      shape = [outT, outC]
    } else if (l.type === 'maxPool1d' || l.type === 'avgPool1d') {
      const [T, C] = shape
      const outT = Math.floor((T - l.poolSize) / l.strides) + 1
      const y: number[] = []
      for (let t = 0; t < outT; t++)
        for (let c = 0; c < C; c++) {
          const vals = Array.from({ length: l.poolSize }, (_, j) => x[(t * l.strides + j) * C + c])
          y.push(l.type === 'maxPool1d' ? Math.max(...vals) : vals.reduce((a, b) => a + b, 0) / vals.length)
        }
      x = y
      shape = [outT, C]
    } else if (l.type === 'globalAvgPool1d') {
      const [T, C] = shape
      x = Array.from({ length: C }, (_, c) => {
        let s = 0
        for (let t = 0; t < T; t++) s += x[t * C + c]
        return s / T
      })
      shape = [C]
    } else if (l.type === 'flatten') {
      shape = [x.length]
    } else if (l.type === 'dense') {
      const inU = shape[shape.length - 1]
      const rows = x.length / inU
      const y: number[] = []
      for (let r = 0; r < rows; r++)
        for (let u = 0; u < l.units; u++) {
          let s = l.bias ? l.bias[u] : 0
          for (let i = 0; i < inU; i++) s += x[r * inU + i] * l.kernel[i * l.units + u]
          y.push(s)
        }
      if (l.activation === 'softmax') {
        const m = Math.max(...y)
        const e = y.map((v) => Math.exp(v - m))
        const z = e.reduce((a, b) => a + b, 0)
        x = e.map((v) => v / z)
      } else x = y.map((v) => act(v, l.activation))
      shape = [...shape.slice(0, -1), l.units]
    } else if (l.type === 'batchNorm') {
      const C = shape[shape.length - 1]
      x = x.map((v, i) => {
        const c = i % C
        return ((v - l.movingMean[c]) / Math.sqrt(l.movingVariance[c] + l.epsilon)) * l.gamma[c] + l.beta[c]
      })
    } else if (l.type === 'activation') {
      x = x.map((v) => act(v, l.activation))
    }
  }
  return Float32Array.from(x)
}
