import { MicroforgeError } from '../../../shared/errors'
import type { Layer, ModelIR } from '../model/model-ir'

/**
 * Output shape, parameters and multiply-accumulates of each layer of a ModelIR. The training
 * summary counts the same things from a ModelSpec; this one reads the IR because optimized models
 * (structured pruning, distilled students) have widths no spec describes. The counting rules match
 * summarizeSpec: one MAC per weight use in one forward pass of one window, pooling 0 MACs.
 */
export interface LayerCost {
  name: string
  type: Layer['type']
  inputShape: number[]
  outputShape: number[]
  params: number
  macs: number
  /** Elements this layer writes (what non-MAC work such as pooling and activations scales with). */
  outputElements: number
}

export interface ModelCost {
  layers: LayerCost[]
  totalParams: number
  totalMacs: number
}

export function convOutLength(inLen: number, kernel: number, strides: number, padding: 'valid' | 'same'): number {
  return padding === 'same' ? Math.ceil(inLen / strides) : Math.floor((inLen - kernel) / strides) + 1
}

function seqShape(shape: number[], layer: string): [number, number] {
  if (shape.length !== 2) throw new MicroforgeError('MODEL_ERROR', `Layer ${layer} needs a sequence input but gets shape [${shape.join(', ')}].`, 'Put sequence layers before Flatten or global pooling.')
  return [shape[0], shape[1]]
}

/** Output shape of one layer given its input shape (batch excluded). */
export function layerOutputShape(layer: Layer, shape: number[]): number[] {
  switch (layer.type) {
    case 'conv1d': {
      const [len] = seqShape(shape, layer.name)
      return [convOutLength(len, layer.kernelSize, layer.strides, layer.padding), layer.filters]
    }
    case 'depthwiseConv1d': {
      const [len, ch] = seqShape(shape, layer.name)
      return [convOutLength(len, layer.kernelSize, layer.strides, layer.padding), ch * layer.depthMultiplier]
    }
    case 'maxPool1d':
    case 'avgPool1d': {
      const [len, ch] = seqShape(shape, layer.name)
      return [convOutLength(len, layer.poolSize, layer.strides, layer.padding), ch]
    }
    case 'globalAvgPool1d':
      return [seqShape(shape, layer.name)[1]]
    case 'flatten':
      return [shape.reduce((a, b) => a * b, 1)]
    case 'dense':
      // Keras applies Dense to the last axis, per time step on a sequence.
      return [...shape.slice(0, -1), layer.units]
    default:
      return [...shape]
  }
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

/** Parameters and MACs per layer, and the totals. */
export function modelCost(model: ModelIR): ModelCost {
  let shape = [...model.inputShape]
  const layers: LayerCost[] = []
  for (const layer of model.layers) {
    const out = layerOutputShape(layer, shape)
    let params = 0
    let macs = 0
    switch (layer.type) {
      case 'conv1d': {
        const inCh = shape[1]
        params = layer.kernel.length + (layer.bias?.length ?? 0)
        macs = out[0] * layer.filters * layer.kernelSize * inCh
        break
      }
      case 'depthwiseConv1d':
        params = layer.kernel.length + (layer.bias?.length ?? 0)
        macs = out[0] * out[1] * layer.kernelSize
        break
      case 'dense': {
        const inUnits = shape[shape.length - 1]
        params = layer.kernel.length + (layer.bias?.length ?? 0)
        macs = (shape.length === 2 ? shape[0] : 1) * inUnits * layer.units
        break
      }
      case 'batchNorm':
        params = layer.gamma.length * 4
        break
      default:
        break
    }
    layers.push({ name: layer.name, type: layer.type, inputShape: [...shape], outputShape: out, params, macs, outputElements: product(out) })
    shape = out
  }
  return {
    layers,
    totalParams: layers.reduce((a, l) => a + l.params, 0),
    totalMacs: layers.reduce((a, l) => a + l.macs, 0)
  }
}
