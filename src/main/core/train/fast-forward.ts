import * as tf from '@tensorflow/tfjs'

type Activation = 'linear' | 'relu' | 'relu6'
type Step = (x: tf.Tensor, training: boolean) => tf.Tensor

function fusedActivation(layer: tf.layers.Layer): Activation | null {
  const a = (layer.getConfig() as { activation?: unknown }).activation
  return a === 'linear' || a === 'relu' || a === 'relu6' ? a : null
}

const first = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number))

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
    } else if (cls === 'MaxPooling1D' || cls === 'AveragePooling1D') {
      if (rank !== 3) return null
      const size = first(cfg.poolSize)
      const stride = cfg.strides == null ? size : first(cfg.strides)
      const pad = cfg.padding as 'valid' | 'same'
      steps.push((x) => (cls === 'MaxPooling1D' ? tf.maxPool(x as tf.Tensor4D, [1, size], [1, stride], pad) : tf.avgPool(x as tf.Tensor4D, [1, size], [1, stride], pad)))
    } else if (cls === 'GlobalAveragePooling1D') {
      if (rank !== 3) return null
      rank = 2
      steps.push((x) => tf.mean(x, [1, 2]))
    } else if (cls === 'Flatten') {
      // [batch, 1, steps, channels] flattens in the same element order as Keras' [batch, steps, channels].
      rank = 2
      steps.push((x) => tf.reshape(x, [x.shape[0], -1]))
    } else if (cls === 'Dense') {
      const a = (cfg.activation as string) ?? 'linear'
      if (rank !== 2 || w.length !== 2 || !['linear', 'relu', 'relu6', 'softmax'].includes(a)) return null
      const [kernel, bias] = w
      steps.push((x) => {
        const y = tf.fused.matMul({ a: x as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation: a === 'softmax' ? 'linear' : (a as Activation) })
        return a === 'softmax' ? tf.softmax(y) : y
      })
    } else if (cls === 'Dropout') {
      const rate = cfg.rate as number
      steps.push((x, training) => (training && rate > 0 ? tf.dropout(x, rate) : x))
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
