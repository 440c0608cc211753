import * as tf from '@tensorflow/tfjs'
import { getKernel, registerKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs'
import { attr, runOnHeap, wasmKernel } from './wasm-heap'

/**
 * Training ops for the wasm backend that each record one node on the gradient tape instead of
 * five to fifteen. Inside a tape tfjs splits a fused convolution into conv, bias add and relu, and
 * differentiates each (step, cast, multiply, a transposing sum for the bias), and the loss into
 * softmax, clip, log, multiply, sum, mean and negate with their gradients: each a kernel with a
 * fixed dispatch cost, which is what a small sensor model's step spends most of its time on. Here
 * the forward pass runs fused in XNNPACK and the backward pass does its elementwise work in one
 * JavaScript pass over the wasm heap, leaving only the matrix products to kernels.
 */

export type FusedActivation = 'linear' | 'relu' | 'relu6'

const ACTIVATION_CODE: Record<FusedActivation, number> = { linear: 0, relu: 1, relu6: 2 }

/** 1 where the activation passed its input through (judged from its output y), else 0; without branches on y. */
function passes(y: number, code: number): number {
  return code === 0 ? 1 : +(y > 0) * (code === 2 ? +(y < 6) : 1)
}

/**
 * dz = dy where the activation passed its input through (y from the forward pass), else 0, and
 * db = dz summed over every axis but the last (the bias gradient), in one pass. Branch-free on the
 * data (a mispredicted branch per value tripled the time) and accumulated in float64.
 */
export function activationGrad(dy: Float32Array, y: Float32Array, dz: Float32Array, db: Float32Array, activation: FusedActivation): void {
  const c = db.length
  const code = ACTIVATION_CODE[activation]
  const acc = new Float64Array(c)
  for (let o = 0; o < dy.length; o += c) {
    for (let ch = 0; ch < c; ch++) {
      const g = dy[o + ch] * passes(y[o + ch], code)
      dz[o + ch] = g
      acc[ch] += g
    }
  }
  db.set(acc)
}

/**
 * The backward pass of activation then max pooling (window = stride = size, no padding) on
 * [rows, width, channels]: each pooled gradient goes to the first maximum of its window if the
 * activation passed it, and db sums them per channel. Positions past the last whole window get 0.
 */
export function poolActivationGrad(dp: Float32Array, y: Float32Array, dz: Float32Array, db: Float32Array, width: number, size: number, activation: FusedActivation): void {
  const c = db.length
  const code = ACTIVATION_CODE[activation]
  const pooled = Math.floor(width / size)
  const rows = dp.length / (pooled * c)
  const acc = new Float64Array(c)
  dz.fill(0)
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < pooled; j++) {
      const base = (r * width + j * size) * c
      const pBase = (r * pooled + j) * c
      for (let ch = 0; ch < c; ch++) {
        let at = base + ch
        let top = y[at]
        if (size === 2) {
          const second = +(y[at + c] > top)
          top = Math.max(top, y[at + c])
          at += second * c
        } else {
          for (let k = 1, i = at + c; k < size; k++, i += c) {
            if (y[i] > top) {
              top = y[i]
              at = i
            }
          }
        }
        const g = dp[pBase + ch] * passes(top, code)
        dz[at] = g
        acc[ch] += g
      }
    }
  }
  db.set(acc)
}

type ActivationBackward = (dIn: Float32Array, y: Float32Array, dz: Float32Array, db: Float32Array, yShape: number[], attrs: NamedAttrMap | undefined) => void

/**
 * A backward kernel of an activation (and what follows it) from the incoming gradient `dIn` and the
 * activation's output y: dz shaped like y, db one value per channel of y.
 */
function activationBackwardKernel(kernelName: string, dIn: 'dy' | 'dp', grad: ActivationBackward): KernelConfig {
  return wasmKernel(kernelName, ({ inputs, backend, attrs }) => {
    const y = inputs.y as TensorInfo
    return runOnHeap(backend, [y.shape, [y.shape[y.shape.length - 1]]], [inputs[dIn] as TensorInfo, y], ([d, yv], [dz, db]) => grad(d, yv, dz, db, y.shape, attrs))
  })
}

const ACTIVATION_GRAD = 'MicroforgeActivationGrad'
const activationGradKernel = activationBackwardKernel(ACTIVATION_GRAD, 'dy', (dy, y, dz, db, _shape, attrs) => activationGrad(dy, y, dz, db, attr(attrs, 'activation')))

/**
 * Softmax of each row of logits and the mean weighted cross-entropy -sum(y log p) / rows, with p
 * clipped to [1e-7, 1 - 1e-7] for the loss as Keras does. y rows are one-hot times the class weight.
 */
export function softmaxCrossEntropy(logits: Float32Array, y: Float32Array, probs: Float32Array, k: number): number {
  const rows = logits.length / k
  let loss = 0
  for (let r = 0; r < rows; r++) {
    const o = r * k
    let max = -Infinity
    for (let c = 0; c < k; c++) max = Math.max(max, logits[o + c])
    let sum = 0
    for (let c = 0; c < k; c++) sum += probs[o + c] = Math.fround(Math.exp(logits[o + c] - max))
    for (let c = 0; c < k; c++) {
      const p = (probs[o + c] = Math.fround(probs[o + c] / sum))
      if (y[o + c] !== 0) loss -= y[o + c] * Math.log(Math.min(1 - 1e-7, Math.max(1e-7, p)))
    }
  }
  return rows ? loss / rows : 0
}

const SOFTMAX_XENT = 'MicroforgeSoftmaxCrossEntropy'
const softmaxXentKernel = wasmKernel(SOFTMAX_XENT, ({ inputs, backend }) => {
  const logits = inputs.logits as TensorInfo
  const [probs, loss] = runOnHeap(backend, [logits.shape, []], [logits, inputs.y as TensorInfo], ([z, y], [p, lossv]) => {
    lossv[0] = softmaxCrossEntropy(z, y, p, logits.shape[1])
  })
  return [loss, probs]
})

const POOL_ACTIVATION_GRAD = 'MicroforgePoolActivationGrad'
const poolActivationGradKernel = activationBackwardKernel(POOL_ACTIVATION_GRAD, 'dp', (dp, y, dz, db, shape, attrs) =>
  poolActivationGrad(dp, y, dz, db, shape[shape.length - 2], attr(attrs, 'size'), attr(attrs, 'activation'))
)

/** dlogits = (p * sum(y) - y) * dLoss / rows for each row of softmax outputs p. */
export function softmaxCrossEntropyGrad(p: Float32Array, y: Float32Array, dLoss: number, out: Float32Array, k: number): void {
  const rows = p.length / k
  const scale = dLoss / rows
  for (let r = 0; r < rows; r++) {
    const o = r * k
    let w = 0
    for (let c = 0; c < k; c++) w += y[o + c]
    for (let c = 0; c < k; c++) out[o + c] = (p[o + c] * w - y[o + c]) * scale
  }
}

const SOFTMAX_XENT_GRAD = 'MicroforgeSoftmaxCrossEntropyGrad'
const softmaxXentGradKernel = wasmKernel(SOFTMAX_XENT_GRAD, ({ inputs, backend }) => {
  const p = inputs.p as TensorInfo
  return runOnHeap(backend, [p.shape], [p, inputs.y as TensorInfo, inputs.dLoss as TensorInfo], ([pv, y, dLoss], [dz]) => softmaxCrossEntropyGrad(pv, y, dLoss[0], dz, p.shape[1]))[0]
})

export function registerFusedTrainKernels(): void {
  for (const k of [activationGradKernel, poolActivationGradKernel, softmaxXentKernel, softmaxXentGradKernel]) if (!getKernel(k.kernelName, 'wasm')) registerKernel(k)
}

/** The fused ops run on wasm only (their backward passes read the wasm heap). */
export function fusedTrainOpsAvailable(): boolean {
  if (tf.getBackend() !== 'wasm') return false
  registerFusedTrainKernels()
  return true
}

function runKernel(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(name, inputs as never, attrs as never) as tf.Tensor | tf.Tensor[]
  return Array.isArray(out) ? out : [out]
}

/**
 * forward(x, kernel, bias, save) as one node on the gradient tape. With `xIsInput` x is the batch
 * itself, a constant of the node: no gradient is computed for it (the first layer's input needs none).
 */
function gradNode<X extends tf.Tensor, K extends tf.Tensor>(forward: (x: X, k: K, b: tf.Tensor1D, save: tf.GradSaveFunc) => unknown, x: X, kernel: K, bias: tf.Tensor1D, xIsInput: boolean): tf.Tensor {
  if (xIsInput) {
    const op = tf.customGrad(((k: K, b: tf.Tensor1D, save: tf.GradSaveFunc) => forward(x, k, b, save)) as never) as (k: tf.Tensor, b: tf.Tensor) => tf.Tensor
    return op(kernel, bias)
  }
  const op = tf.customGrad(forward as never) as (x: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => tf.Tensor
  return op(x, kernel, bias)
}

export interface ConvBlockConfig {
  strides: [number, number]
  pad: 'valid' | 'same'
  activation: FusedActivation
  depthwise: boolean
  /** A following max pooling folded in (window = stride = maxPool, no padding). */
  maxPool?: number
}

/**
 * activation(conv(x, kernel) + bias) on [batch, 1, steps, channels], kernel as the layer stores it
 * ([width, in, out], or [width, in, multiplier] for depthwise). With `xIsInput` x is the batch
 * itself: no gradient is computed for it (the first layer's input needs none).
 */
export function convBlock(x: tf.Tensor4D, kernel: tf.Tensor3D, bias: tf.Tensor1D, cfg: ConvBlockConfig, xIsInput: boolean): tf.Tensor4D {
  const filterShape: [number, number, number, number] = [1, ...kernel.shape]
  const forward = (xv: tf.Tensor4D, k: tf.Tensor3D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const filter = tf.reshape(k, filterShape) as tf.Tensor4D
    // The kernels themselves: tf.fused.* splits into separate ops whenever a gradient is recorded.
    const attrs = { strides: cfg.strides, pad: cfg.pad, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation: cfg.activation }
    const [y] = runKernel(cfg.depthwise ? 'FusedDepthwiseConv2D' : 'FusedConv2D', { x: xv, filter, bias: b }, attrs)
    save([xv, filter, y])
    const pool = cfg.maxPool
    return {
      value: pool ? tf.maxPool(y as tf.Tensor4D, [1, pool], [1, pool], 'valid') : y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [sx, sFilter, sy] = saved
        const [dz, db] = pool
          ? runKernel(POOL_ACTIVATION_GRAD, { dp: dy, y: sy }, { activation: cfg.activation, size: pool })
          : runKernel(ACTIVATION_GRAD, { dy, y: sy }, { activation: cfg.activation })
        const common = { strides: cfg.strides, pad: cfg.pad, dimRoundingMode: undefined }
        const dFilter = cfg.depthwise
          ? runKernel('DepthwiseConv2dNativeBackpropFilter', { x: sx, dy: dz }, { ...common, dilations: 1, filterShape })[0]
          : runKernel('Conv2DBackpropFilter', { x: sx, dy: dz }, { ...common, dataFormat: 'NHWC', filterShape })[0]
        const dk = tf.reshape(dFilter, kernel.shape)
        dFilter.dispose()
        if (xIsInput) {
          dz.dispose()
          return [dk, db]
        }
        const dx = cfg.depthwise
          ? runKernel('DepthwiseConv2dNativeBackpropInput', { dy: dz, filter: sFilter }, { ...common, dilations: 1, inputShape: sx.shape })[0]
          : runKernel('Conv2DBackpropInput', { dy: dz, filter: sFilter }, { ...common, dataFormat: 'NHWC', inputShape: sx.shape })[0]
        dz.dispose()
        return [dx, dk, db]
      }
    }
  }
  return gradNode(forward, x, kernel, bias, xIsInput) as tf.Tensor4D
}

/** activation(x @ kernel + bias) for a [batch, features] input; `xIsInput` as for convBlock. */
export function denseBlock(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: FusedActivation, xIsInput: boolean): tf.Tensor2D {
  const forward = (xv: tf.Tensor2D, k: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const [y3] = runKernel('_FusedMatMul', { a: tf.reshape(xv, [1, ...xv.shape]), b: tf.reshape(k, [1, ...k.shape]), bias: b }, { transposeA: false, transposeB: false, activation })
    const y = tf.reshape(y3, [xv.shape[0], k.shape[1]]) as tf.Tensor2D
    save([xv, k, y])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [sx, sk, sy] = saved as tf.Tensor2D[]
        const [dz, db] = runKernel(ACTIVATION_GRAD, { dy, y: sy }, { activation }) as [tf.Tensor2D, tf.Tensor1D]
        const dk = tf.matMul(sx, dz, true, false)
        const dx = xIsInput ? null : tf.matMul(dz, sk, false, true)
        dz.dispose()
        return dx ? [dx, dk, db] : [dk, db]
      }
    }
  }
  return gradNode(forward, x, kernel, bias, xIsInput) as tf.Tensor2D
}

/**
 * The mean weighted cross-entropy of softmax(logits) against y (one-hot times class weight), with
 * the softmax kept for counting accuracy. Its gradient is (p * sum(y) - y) / rows, the exact
 * derivative through the softmax (Keras' from_logits form; the clip only guards the log).
 */
export function softmaxCrossEntropyLoss(logits: tf.Tensor2D, y: tf.Tensor2D): { loss: tf.Scalar; probs: tf.Tensor2D } {
  let probs: tf.Tensor2D | null = null
  const op = tf.customGrad(((z: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const [loss, p] = runKernel(SOFTMAX_XENT, { logits: z, y })
    probs = tf.keep(p) as tf.Tensor2D
    save([p])
    return {
      value: loss,
      gradFunc: (dLoss: tf.Scalar, saved: tf.Tensor[]) => runKernel(SOFTMAX_XENT_GRAD, { p: saved[0], y, dLoss })[0]
    }
  }) as never) as (z: tf.Tensor) => tf.Scalar
  const loss = op(logits)
  return { loss, probs: probs! }
}
