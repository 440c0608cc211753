import * as tf from '@tensorflow/tfjs'
import { convBlock, denseBlock, fusedTrainOpsAvailable, softmaxCrossEntropyLoss, type ConvBlockConfig, type FusedActivation } from './fused-train-ops'

type Activation = 'linear' | 'relu' | 'relu6'
type Step = (x: tf.Tensor, training: boolean) => tf.Tensor

function fusedActivation(layer: tf.layers.Layer): Activation | null {
  const a = (layer.getConfig() as { activation?: unknown }).activation
  return a === 'linear' || a === 'relu' || a === 'relu6' ? a : null
}

const first = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number))

/** Pooling, flattening and dropout on [batch, 1, steps, channels]: no weights. Null if the rank does not fit. */
function compileLayoutStep(cls: string, cfg: Record<string, unknown>, rank: number): { step: Step; rank: number } | null {
  if (cls === 'MaxPooling1D' || cls === 'AveragePooling1D') {
    if (rank !== 3) return null
    const size = first(cfg.poolSize)
    const stride = cfg.strides == null ? size : first(cfg.strides)
    const pad = cfg.padding as 'valid' | 'same'
    return { rank, step: (x) => (cls === 'MaxPooling1D' ? tf.maxPool(x as tf.Tensor4D, [1, size], [1, stride], pad) : tf.avgPool(x as tf.Tensor4D, [1, size], [1, stride], pad)) }
  }
  if (cls === 'GlobalAveragePooling1D') return rank === 3 ? { rank: 2, step: (x) => tf.mean(x, [1, 2]) } : null
  // [batch, 1, steps, channels] flattens in the same element order as Keras' [batch, steps, channels].
  if (cls === 'Flatten') return { rank: 2, step: (x) => tf.reshape(x, [x.shape[0], -1]) }
  if (cls === 'Dropout') {
    const rate = cfg.rate as number
    return { rank, step: (x, training) => (training && rate > 0 ? tf.dropout(x, rate) : x) }
  }
  return null
}

/**
 * The training forward pass of a Sequential sensor model with tfjs ops on [batch, 1, steps, channels]
 * tensors. tfjs-layers runs each Conv1D as reshape, conv2d, reshape (and the tape records each);
 * keeping the 4D layout through the convolution stack drops those reshapes: 137 instead of 167
 * kernels per 1D CNN step, and per-kernel dispatch is what a small model's step spends its time
 * on. (Inside a gradient tape tfjs does not fuse bias and activation, so the ops stay separate.)
 * Uses the model's own variables, so gradients train the model. Returns null when a layer is not
 * covered; the caller then uses model.apply. Inference still goes through the model (predict).
 */
export function compileFastForward(model: tf.LayersModel): ((x: tf.Tensor, training: boolean) => tf.Tensor) | null {
  const steps: Step[] = []
  let rank = 3
  for (const layer of model.layers) {
    const cfg = layer.getConfig() as Record<string, unknown>
    const w = layer.trainableWeights.map((v) => v.read())
    const cls = layer.getClassName()
    if (cls === 'Conv1D' || cls === 'DepthwiseConv1D') {
      const act = fusedActivation(layer)
      if (rank !== 3 || !act || w.length !== 2 || first(cfg.dilationRate ?? 1) !== 1) return null
      const strides: [number, number] = [1, first(cfg.strides ?? 1)]
      const pad = cfg.padding as 'valid' | 'same'
      const [kernel, bias] = w
      steps.push((x) => {
        const filter = tf.expandDims(kernel, 0) as tf.Tensor4D
        return cls === 'Conv1D'
          ? tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides, pad, bias, activation: act })
          : tf.fused.depthwiseConv2d({ x: x as tf.Tensor4D, filter, strides, pad, bias, activation: act })
      })
    } else if (cls === 'MaxPooling1D' || cls === 'AveragePooling1D' || cls === 'GlobalAveragePooling1D' || cls === 'Flatten' || cls === 'Dropout') {
      const one = compileLayoutStep(cls, cfg, rank)
      if (!one) return null
      rank = one.rank
      steps.push(one.step)
    } else if (cls === 'Dense') {
      const a = (cfg.activation as string) ?? 'linear'
      if (rank !== 2 || w.length !== 2 || !['linear', 'relu', 'relu6', 'softmax'].includes(a)) return null
      const [kernel, bias] = w
      steps.push((x) => {
        const y = tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation: a === 'softmax' ? 'linear' : (a as Activation) })
        return a === 'softmax' ? tf.softmax(y) : y
      })
    } else {
      return null
    }
  }
  return (x, training) => {
    let y = tf.expandDims(x, 1)
    for (const step of steps) y = step(y, training)
    return y
  }
}

/**
 * The whole training objective on wasm with the fused ops of fused-train-ops.ts: one tape node per
 * convolution or dense layer and one for softmax with the loss. Returns the loss and the softmax
 * outputs (kept, for counting accuracy). Null off wasm, or when a layer or a final activation
 * other than softmax is not covered; the caller then uses compileFastForward.
 */
export function compileFusedTraining(model: tf.LayersModel): ((x: tf.Tensor, y: tf.Tensor2D) => { loss: tf.Scalar; probs: tf.Tensor2D }) | null {
  if (!fusedTrainOpsAvailable()) return null
  const steps: Array<(x: tf.Tensor) => tf.Tensor> = []
  let rank = 3
  let trainableSeen = false
  const layers = model.layers
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]
    const cfg = layer.getConfig() as Record<string, unknown>
    const w = layer.trainableWeights.map((v) => v.read())
    const cls = layer.getClassName()
    const xIsInput = !trainableSeen
    if (w.length) trainableSeen = true
    if (cls === 'Conv1D' || cls === 'DepthwiseConv1D') {
      const act = fusedActivation(layer)
      if (rank !== 3 || !act || w.length !== 2 || first(cfg.dilationRate ?? 1) !== 1) return null
      const block: ConvBlockConfig = { strides: [1, first(cfg.strides ?? 1)], pad: cfg.padding as 'valid' | 'same', activation: act, depthwise: cls === 'DepthwiseConv1D' }
      // A max pooling right after, window = stride and no padding, folds into the block's backward pass.
      const next = layers[i + 1]
      const pool = next?.getClassName() === 'MaxPooling1D' ? (next.getConfig() as Record<string, unknown>) : null
      if (pool && pool.padding === 'valid' && (pool.strides == null || first(pool.strides) === first(pool.poolSize))) {
        block.maxPool = first(pool.poolSize)
        i++
      }
      const [kernel, bias] = w as [tf.Tensor3D, tf.Tensor1D]
      steps.push((x) => convBlock(x as tf.Tensor4D, kernel, bias, block, xIsInput))
    } else if (cls === 'Dense') {
      const a = (cfg.activation as string) ?? 'linear'
      const last = i === layers.length - 1
      if (rank !== 2 || w.length !== 2) return null
      if (last ? a !== 'softmax' : !['linear', 'relu', 'relu6'].includes(a)) return null
      const [kernel, bias] = w as [tf.Tensor2D, tf.Tensor1D]
      steps.push((x) => denseBlock(x as tf.Tensor2D, kernel, bias, last ? 'linear' : (a as FusedActivation), xIsInput))
    } else if (cls === 'MaxPooling1D' || cls === 'AveragePooling1D' || cls === 'GlobalAveragePooling1D' || cls === 'Flatten' || cls === 'Dropout') {
      // The same layout steps as the fast forward pass.
      const one = compileLayoutStep(cls, cfg, rank)
      if (!one) return null
      rank = one.rank
      steps.push((x) => one.step(x, true))
    } else {
      return null
    }
  }
  if (layers[layers.length - 1]?.getClassName() !== 'Dense') return null
  return (x, y) => {
    let z = tf.expandDims(x, 1)
    for (const step of steps) z = step(z)
    return softmaxCrossEntropyLoss(z as tf.Tensor2D, y)
  }
}
