import * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../../shared/errors'
import type { Activation, Layer, ModelIR, Padding } from '../model/model-ir'
import { tfjsLayer } from './tfjs-layer'

const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6', 'softmax']

function activationOf(layerName: string, value: unknown): Activation {
  const a = (typeof value === 'string' ? value : 'linear') as Activation
  if (!ACTIVATIONS.includes(a)) {
    throw new MicroforgeError('UNSUPPORTED', `Layer ${layerName} uses the activation "${String(value)}", which firmware export does not support.`, 'Use relu, relu6 or linear.')
  }
  return a
}

/** Keras' ReLU layer: plain (no max value) or capped at 6 are RELU and RELU6; other caps have no TFLite operator here. */
function reluOf(layerName: string, cfg: Record<string, unknown>): Activation {
  const max = cfg.maxValue ?? null
  if (max === null) return 'relu'
  if (max === 6) return 'relu6'
  throw new MicroforgeError('UNSUPPORTED', `Layer ${layerName} is a ReLU capped at ${String(max)}, which firmware export does not support.`, 'Use ReLU without a cap, or capped at 6 (ReLU6).')
}

const first = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number))

/** Copies tfjs weights out as float32 arrays in Keras layout (which is also the ModelIR layout). */
function weightsOf(layer: tf.layers.Layer): Float32Array[] {
  return layer.getWeights().map((w) => new Float32Array(w.dataSync()))
}

/**
 * Converts a trained tfjs Sequential model to the plain-data ModelIR every exporter reads.
 * Fails with a clear error on layers the exporters cannot handle, rather than dropping them.
 */
export function layersModelToIR(model: tf.LayersModel, classes: string[], name = model.name): ModelIR {
  const layers: Layer[] = []
  for (const layer of model.layers) {
    const cfg = layer.getConfig() as Record<string, unknown>
    const w = weightsOf(layer)
    const n = layer.name
    const cls = layer.getClassName()
    // What a convolution's IR takes the same way whichever kind it is.
    const convFields = () => ({ name: n, padding: cfg.padding as Padding, activation: activationOf(n, cfg.activation), kernel: w[0], bias: w[1] ?? null })
    switch (cls) {
      case 'Dense':
        layers.push({ type: 'dense', name: n, units: cfg.units as number, activation: activationOf(n, cfg.activation), kernel: w[0], bias: w[1] ?? null })
        break
      case 'Conv1D':
        if (first(cfg.dilationRate ?? 1) !== 1) throw new MicroforgeError('UNSUPPORTED', `Layer ${n} uses dilation, which firmware export does not support.`, 'Use dilation 1.')
        layers.push({ type: 'conv1d', ...convFields(), filters: cfg.filters as number, kernelSize: first(cfg.kernelSize), strides: first(cfg.strides ?? 1) })
        break
      case 'DepthwiseConv1D':
        layers.push({ type: 'depthwiseConv1d', ...convFields(), kernelSize: cfg.kernelSize as number, depthMultiplier: cfg.depthMultiplier as number, strides: cfg.strides as number })
        break
      case 'MaxPooling1D':
      case 'AveragePooling1D': {
        const poolSize = first(cfg.poolSize)
        layers.push({
          type: cls === 'MaxPooling1D' ? 'maxPool1d' : 'avgPool1d',
          name: n,
          poolSize,
          strides: cfg.strides == null ? poolSize : first(cfg.strides),
          padding: cfg.padding as Padding
        })
        break
      }
      case 'GlobalAveragePooling1D':
        layers.push({ type: 'globalAvgPool1d', name: n })
        break
      case 'Flatten':
        layers.push({ type: 'flatten', name: n })
        break
      case 'Dropout':
        layers.push({ type: 'dropout', name: n, rate: cfg.rate as number })
        break
      case 'Activation':
        layers.push({ type: 'activation', name: n, activation: activationOf(n, cfg.activation) })
        break
      case 'ReLU':
        layers.push({ type: 'activation', name: n, activation: reluOf(n, cfg) })
        break
      case 'BatchNormalization': {
        if (cfg.scale === false || cfg.center === false) throw new MicroforgeError('UNSUPPORTED', `Layer ${n} has no scale or no center.`, 'Use batch normalization with scale and center on.')
        layers.push({ type: 'batchNorm', name: n, gamma: w[0], beta: w[1], movingMean: w[2], movingVariance: w[3], epsilon: cfg.epsilon as number })
        break
      }
      default:
        throw new MicroforgeError('UNSUPPORTED', `Layer ${n} (${cls}) cannot be exported to firmware.`, 'Build the model from the presets, or remove that layer.')
    }
  }
  const inputShape = (model.inputs[0].shape.slice(1) as number[]).map((d) => d ?? 0)
  return { name, inputShape, layers, classes: [...classes] }
}

/**
 * Rebuilds a trainable tfjs model from a ModelIR with the same names and weights (for fine-tuning
 * such as quantization-aware training, and to run the float model after reload).
 */
export function irToLayersModel(ir: ModelIR): tf.Sequential {
  const model = tf.sequential({ name: ir.name })
  const weights: tf.Tensor[] = []
  const add = (w: Float32Array, shape: number[]): void => {
    weights.push(tf.tensor(w, shape, 'float32'))
  }
  let shape = [...ir.inputShape]
  ir.layers.forEach((l, i) => {
    const firstArgs = i === 0 ? { inputShape: ir.inputShape } : {}
    const ch = shape[shape.length - 1]
    switch (l.type) {
      case 'dense':
        model.add(tfjsLayer(l, { ...firstArgs, useBias: l.bias !== null }))
        add(l.kernel, [ch, l.units])
        if (l.bias) add(l.bias, [l.units])
        break
      case 'conv1d':
        model.add(tfjsLayer(l, { ...firstArgs, useBias: l.bias !== null }))
        add(l.kernel, [l.kernelSize, ch, l.filters])
        if (l.bias) add(l.bias, [l.filters])
        break
      case 'depthwiseConv1d':
        if (!l.bias) throw new MicroforgeError('UNSUPPORTED', `Layer ${l.name} has no bias; the depthwise layer here always has one.`, 'Add a zero bias.')
        model.add(tfjsLayer({ ...l, activation: l.activation === 'softmax' ? 'linear' : l.activation }, firstArgs))
        add(l.kernel, [l.kernelSize, ch, l.depthMultiplier])
        add(l.bias, [ch * l.depthMultiplier])
        break
      case 'batchNorm':
        model.add(tf.layers.batchNormalization({ ...firstArgs, name: l.name, epsilon: l.epsilon }))
        add(l.gamma, [l.gamma.length])
        add(l.beta, [l.beta.length])
        add(l.movingMean, [l.movingMean.length])
        add(l.movingVariance, [l.movingVariance.length])
        break
      default:
        model.add(tfjsLayer(l, firstArgs))
    }
    shape = (model.outputs[0].shape.slice(1) as number[]).map((d) => d ?? 0)
  })
  model.setWeights(weights)
  tf.dispose(weights)
  return model
}
