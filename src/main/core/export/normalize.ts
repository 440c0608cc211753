/**
 * Rewrites a trained ModelIR into the inference graph the TFLite converter would produce, still as
 * a ModelIR so the float forward pass runs it unchanged: dropout removed, batch norm folded into
 * the preceding convolution or dense layer, ReLU/ReLU6 fused into that layer, softmax split into
 * its own layer (the int8 softmax needs its input's range, which is the logits).
 * Each layer of the result maps to one TFLite operator (plus RESHAPEs for layout).
 */
import { MicroforgeError } from '../../../shared/errors'
import { inferShapes } from '../model/float-forward'
import type { Layer, ModelIR } from '../model/model-ir'

type WeightLayer = Extract<Layer, { type: 'dense' | 'conv1d' | 'depthwiseConv1d' }>

function isWeightLayer(l: Layer | undefined): l is WeightLayer {
  return l !== undefined && (l.type === 'dense' || l.type === 'conv1d' || l.type === 'depthwiseConv1d')
}

export function normalizeModel(model: ModelIR): ModelIR {
  inferShapes(model)
  assertFiniteWeights(model)
  const out: Layer[] = []
  for (const layer of model.layers) {
    const prev = out[out.length - 1]
    switch (layer.type) {
      case 'dropout':
        break
      case 'batchNorm':
        if (!isWeightLayer(prev) || prev.activation !== 'linear') {
          throw new MicroforgeError(
            'UNSUPPORTED',
            `Batch normalization "${layer.name}" does not directly follow a Conv1D or Dense layer without activation, so it cannot be folded for the microcontroller.`,
            'Build the model as Conv1D/Dense (no activation) -> BatchNormalization -> Activation, then train again.'
          )
        }
        out[out.length - 1] = foldBatchNorm(prev, layer)
        break
      case 'activation':
        if (layer.activation === 'linear') break
        if ((layer.activation === 'relu' || layer.activation === 'relu6') && isWeightLayer(prev) && prev.activation === 'linear') {
          out[out.length - 1] = { ...prev, activation: layer.activation }
        } else {
          out.push(layer)
        }
        break
      case 'dense':
      case 'conv1d':
      case 'depthwiseConv1d':
        if (layer.activation === 'softmax') {
          out.push({ ...layer, activation: 'linear' }, { type: 'activation', name: `${layer.name}/softmax`, activation: 'softmax' })
        } else {
          out.push(layer)
        }
        break
      default:
        out.push(layer)
    }
  }
  return { ...model, layers: out }
}

/**
 * BN(y) = gamma * (y - mean) / sqrt(var + eps) + beta is affine per output channel, so it folds
 * into the weights: w' = w * s, b' = (b - mean) * s + beta with s = gamma / sqrt(var + eps).
 */
export function foldBatchNorm(layer: WeightLayer, bn: Extract<Layer, { type: 'batchNorm' }>): WeightLayer {
  const channels = bn.gamma.length
  const s = new Float64Array(channels)
  for (let c = 0; c < channels; c++) s[c] = bn.gamma[c] / Math.sqrt(bn.movingVariance[c] + bn.epsilon)
  // In every Keras layout the output channel is the fastest-varying index of the kernel.
  const kernel = new Float32Array(layer.kernel.length)
  for (let i = 0; i < kernel.length; i++) kernel[i] = layer.kernel[i] * s[i % channels]
  const bias = new Float32Array(channels)
  for (let c = 0; c < channels; c++) bias[c] = ((layer.bias ? layer.bias[c] : 0) - bn.movingMean[c]) * s[c] + bn.beta[c]
  return { ...layer, kernel, bias }
}

/** NaN or infinite weights (a diverged training run) would quantize to garbage without any error. */
function assertFiniteWeights(model: ModelIR): void {
  for (const layer of model.layers) {
    for (const [key, value] of Object.entries(layer)) {
      if (!(value instanceof Float32Array)) continue
      if (value.some((v) => !Number.isFinite(v))) {
        throw new MicroforgeError(
          'MODEL_ERROR',
          `Layer "${layer.name}" has NaN or infinite values in its ${key}, so training diverged.`,
          'Train again with a lower learning rate, or check the recorded windows for broken samples.'
        )
      }
    }
  }
}
