import * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../../shared/errors'
import type { Activation, Layer, ModelIR } from '../model/model-ir'
import { asymmetricParams } from '../quant/quantize'

/**
 * A ModelIR as a differentiable tfjs function over its own variables. The fine-tuning techniques
 * need things a tf.LayersModel hides: masks applied to kernels between steps, weights snapped to
 * cluster centroids, and fake quantization inserted exactly where the int8 export puts tensors.
 * Walking the IR keeps the graph one-to-one with what the exporter sees.
 */
export interface Range {
  min: number
  max: number
}

/** Simulated int8 as the exporter will quantize: weights symmetric, activations asymmetric. */
export interface QatOptions {
  /** Per output channel weight scales (the exporter's default), or one per tensor. */
  perChannel: boolean
  /** Weight of the old range in the moving average (tfmot uses 0.999 over long runs). */
  emaDecay: number
}

export interface ForwardOptions {
  training: boolean
  /** Return the pre-softmax logits of a final softmax layer (for distillation). */
  logits?: boolean
  /** Fake-quantize weights and activations. */
  qat?: QatOptions
  /** Move the activation ranges towards this batch's min/max (training with QAT). */
  updateRanges?: boolean
  /** Seeds dropout. */
  seed?: number
  /** Sees every tensor that gets its own int8 range, before fake quantization (calibration). */
  observe?: (key: string, t: tf.Tensor) => void
}

interface Params {
  kernel: tf.Variable
  bias: tf.Variable | null
}

/** Where the exporter creates an int8 tensor with its own range (the others inherit their input's). */
export function hasOwnRange(layer: Layer): boolean {
  switch (layer.type) {
    case 'maxPool1d':
    case 'flatten':
    case 'dropout':
      return false
    case 'activation':
      // The int8 softmax output is fixed (scale 1/256, zero point -128); ReLU gets its own; a
      // standalone ReLU6 keeps its input's (TFLM's int8 RELU6 clamps without requantizing).
      return layer.activation !== 'softmax' && layer.activation !== 'relu6'
    default:
      return true
  }
}

/** Symmetric int8 quantize-dequantize of a kernel, per output channel (its last Keras axis). */
export function fakeQuantWeights(w: tf.Tensor, perChannel: boolean, depthwise: boolean): tf.Tensor {
  return tf.tidy(() => {
    // Depthwise output channel c * m + j is the pair of the last two axes [.., C, m].
    const cols = depthwise ? w.shape[1]! * w.shape[2]! : w.shape[w.shape.length - 1]!
    const flat = tf.reshape(w, [-1, cols])
    const absMax = perChannel ? tf.max(tf.abs(flat), 0) : tf.max(tf.abs(flat))
    // A channel of zeros gets scale 1, as the exporter does.
    const scale = tf.where(tf.greater(absMax, 0), tf.div(absMax, 127), tf.onesLike(absMax))
    const q = tf.mul(tf.clipByValue(tf.round(tf.div(flat, scale)), -127, 127), scale)
    return tf.reshape(q, w.shape)
  })
}

/** Straight-through estimator: forward through `forward`, gradient as if it were the identity. */
function straightThrough(x: tf.Tensor, forward: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((input: tf.Tensor) => ({ value: forward(input), gradFunc: (dy: tf.Tensor) => dy })) as unknown as Parameters<typeof tf.customGrad>[0])
  return f(x)
}

/**
 * Asymmetric int8 quantize-dequantize of an activation on the grid the exporter derives from the
 * same range (asymmetricParams), gradient passed where the value is representable and zero where
 * it clips, like tf.quantization.fake_quant_with_min_max_vars.
 */
export function fakeQuantActivation(x: tf.Tensor, range: Range): tf.Tensor {
  const { scale, zeroPoint } = asymmetricParams(range.min, range.max)
  const lo = (-128 - zeroPoint) * scale
  const hi = (127 - zeroPoint) * scale
  const f = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input])
    const value = tf.tidy(() => tf.mul(tf.sub(tf.clipByValue(tf.add(tf.round(tf.div(input, scale)), zeroPoint), -128, 127), zeroPoint), scale))
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const inRange = tf.logicalAnd(tf.greaterEqual(saved[0], lo), tf.lessEqual(saved[0], hi))
        return tf.mul(dy, tf.cast(inRange, 'float32'))
      }
    }
  }) as unknown as Parameters<typeof tf.customGrad>[0])
  return f(x)
}

function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  if (a === 'relu') return tf.relu(x)
  if (a === 'relu6') return tf.relu6(x)
  if (a === 'softmax') return tf.softmax(x)
  return x
}

let graphCount = 0

export class IrGraph {
  readonly ir: ModelIR
  private readonly params = new Map<string, Params>()
  /** Activation ranges for QAT, keyed 'input' and by layer name. */
  readonly ranges = new Map<string, Range>()

  constructor(ir: ModelIR, trainable = true) {
    this.ir = ir
    // Variable names are global in tfjs: a per-graph prefix keeps two graphs (teacher, student) apart.
    const prefix = `g${++graphCount}`
    for (const l of ir.layers) {
      if (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'depthwiseConv1d') continue
      const kernelShape = l.type === 'dense' ? [l.kernel.length / l.units, l.units] : l.type === 'conv1d' ? [l.kernelSize, l.kernel.length / (l.kernelSize * l.filters), l.filters] : [l.kernelSize, l.kernel.length / (l.kernelSize * l.depthMultiplier), l.depthMultiplier]
      const kernelInit = tf.tensor(l.kernel, kernelShape, 'float32')
      const biasInit = l.bias ? tf.tensor1d(l.bias, 'float32') : null
      this.params.set(l.name, {
        kernel: tf.variable(kernelInit, trainable, `${prefix}/${l.name}/kernel`),
        bias: biasInit ? tf.variable(biasInit, trainable, `${prefix}/${l.name}/bias`) : null
      })
      // The variables hold their own copies; the initial values would otherwise leak.
      tf.dispose([kernelInit, ...(biasInit ? [biasInit] : [])])
    }
  }

  variables(): tf.Variable[] {
    return [...this.params.values()].flatMap((p) => (p.bias ? [p.kernel, p.bias] : [p.kernel]))
  }

  kernel(name: string): tf.Variable {
    const p = this.params.get(name)
    if (!p) throw new MicroforgeError('INTERNAL', `No weights for layer ${name}.`)
    return p.kernel
  }

  private quantizeActivation(key: string, x: tf.Tensor, opts: ForwardOptions): tf.Tensor {
    opts.observe?.(key, x)
    if (!opts.qat) return x
    if (opts.updateRanges) {
      const [lo, hi] = [tf.min(x), tf.max(x)]
      const batch = { min: lo.dataSync()[0], max: hi.dataSync()[0] }
      tf.dispose([lo, hi])
      const prev = this.ranges.get(key)
      const d = opts.qat.emaDecay
      this.ranges.set(key, prev ? { min: d * prev.min + (1 - d) * batch.min, max: d * prev.max + (1 - d) * batch.max } : batch)
    }
    const range = this.ranges.get(key)
    if (!range) throw new MicroforgeError('INTERNAL', `No activation range for ${key}; calibrate before quantization-aware training.`)
    return fakeQuantActivation(x, range)
  }

  /** Runs a batch [n, ...inputShape]. Call inside tf.tidy or optimizer.minimize. */
  forward(input: tf.Tensor, opts: ForwardOptions): tf.Tensor {
    let x = this.quantizeActivation('input', input, opts)
    const last = this.ir.layers.length - 1
    this.ir.layers.forEach((l, i) => {
      const p = this.params.get(l.name)
      const kernel = p && opts.qat ? straightThrough(p.kernel, (w) => fakeQuantWeights(w, opts.qat!.perChannel, l.type === 'depthwiseConv1d')) : p?.kernel
      switch (l.type) {
        case 'conv1d': {
          let y = tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, l.strides, l.padding)
          if (p!.bias) y = tf.add(y, p!.bias)
          x = activate(y, l.activation)
          break
        }
        case 'depthwiseConv1d': {
          const y4 = tf.depthwiseConv2d(tf.expandDims(x, 1) as tf.Tensor4D, tf.expandDims(kernel!, 0) as tf.Tensor4D, [1, l.strides], l.padding)
          let y = tf.squeeze(y4, [1])
          if (p!.bias) y = tf.add(y, p!.bias)
          x = activate(y, l.activation)
          break
        }
        case 'dense': {
          const inUnits = x.shape[x.shape.length - 1]!
          let y = tf.matMul(tf.reshape(x, [-1, inUnits]) as tf.Tensor2D, kernel as tf.Tensor2D)
          if (p!.bias) y = tf.add(y, p!.bias)
          y = tf.reshape(y, [...x.shape.slice(0, -1), l.units])
          if (l.activation === 'softmax') {
            // The int8 graph quantizes the logits (the softmax input) with their own range.
            const logits = this.quantizeActivation(l.name, y, opts)
            x = opts.logits && i === last ? logits : tf.softmax(logits)
            return
          }
          x = activate(y, l.activation)
          break
        }
        case 'maxPool1d':
        case 'avgPool1d': {
          const x4 = tf.expandDims(x, 1) as tf.Tensor4D
          const y4 = l.type === 'maxPool1d' ? tf.maxPool(x4, [1, l.poolSize], [1, l.strides], l.padding) : tf.avgPool(x4, [1, l.poolSize], [1, l.strides], l.padding)
          x = tf.squeeze(y4, [1])
          break
        }
        case 'globalAvgPool1d':
          x = tf.mean(x, 1)
          break
        case 'flatten':
          x = tf.reshape(x, [x.shape[0]!, -1])
          break
        case 'dropout':
          if (opts.training && l.rate > 0) x = tf.dropout(x, l.rate, undefined, (opts.seed ?? 0) + i)
          break
        case 'batchNorm': {
          const inv = tf.div(tf.tensor1d(l.gamma), tf.sqrt(tf.add(tf.tensor1d(l.movingVariance), l.epsilon)))
          x = tf.add(tf.mul(tf.sub(x, tf.tensor1d(l.movingMean)), inv), tf.tensor1d(l.beta))
          break
        }
        case 'activation':
          if (l.activation === 'softmax') {
            x = opts.logits && i === last ? x : tf.softmax(x)
            return
          }
          x = activate(x, l.activation)
          break
      }
      if (hasOwnRange(l)) x = this.quantizeActivation(l.name, x, opts)
    })
    return x
  }

  /**
   * Sets every activation range from a float pass over representative windows (min/max, as
   * post-training calibration does): the starting point that QAT then moves by moving average.
   */
  calibrate(x: Float32Array, n: number, batch = 256): void {
    const per = x.length / n
    const seen = new Map<string, Range>()
    const observe = (key: string, t: tf.Tensor): void => {
      const [lo, hi] = [tf.min(t), tf.max(t)]
      const r = { min: lo.dataSync()[0], max: hi.dataSync()[0] }
      const prev = seen.get(key)
      seen.set(key, prev ? { min: Math.min(prev.min, r.min), max: Math.max(prev.max, r.max) } : r)
    }
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i)
      tf.tidy(() => {
        this.forward(tf.tensor(x.subarray(i * per, (i + m) * per), [m, ...this.ir.inputShape]), { training: false, observe })
      })
    }
    for (const [k, r] of seen) this.ranges.set(k, r)
  }

  /** Reads the current weights back into a ModelIR of the same structure. */
  toIR(): ModelIR {
    return {
      ...this.ir,
      inputShape: [...this.ir.inputShape],
      classes: [...this.ir.classes],
      layers: this.ir.layers.map((l) => {
        const p = this.params.get(l.name)
        if (!p || (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'depthwiseConv1d')) return l
        return { ...l, kernel: new Float32Array(p.kernel.dataSync()), bias: p.bias ? new Float32Array(p.bias.dataSync()) : null }
      })
    }
  }

  /** The current activation ranges, for the exporter. */
  rangeRecord(): Record<string, Range> {
    return Object.fromEntries(this.ranges)
  }

  dispose(): void {
    for (const p of this.params.values()) {
      p.kernel.dispose()
      p.bias?.dispose()
    }
    this.params.clear()
  }
}
