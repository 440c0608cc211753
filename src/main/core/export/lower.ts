/**
 * Maps a normalized ModelIR (see normalize.ts) onto TFLite operators with float weights in TFLite
 * layouts, the way the converter lowers Keras layers:
 *   Dense            -> FULLY_CONNECTED, weights [units, in]
 *   Conv1D           -> CONV_2D on a [1, 1, W, C] view, filter [out, 1, k, in]
 *   DepthwiseConv1D  -> DEPTHWISE_CONV_2D, filter [1, 1, k, in * multiplier]
 *   Max/AvgPool1D    -> MAX_POOL_2D / AVERAGE_POOL_2D with a 1 x k window
 *   GlobalAvgPool1D  -> MEAN over the time axes
 *   Flatten          -> RESHAPE
 * Sequence tensors stay in the 4-D view from the first sequence op on, which is the same memory
 * layout as Keras' [W, C], so Flatten and the model output need only RESHAPEs.
 */
import { MicroforgeError } from '../../../shared/errors'
import { inferShapes, shapeSize } from '../model/float-forward'
import type { Activation, Layer, ModelIR, Padding } from '../model/model-ir'

export type FusedActivation = 'NONE' | 'RELU' | 'RELU6'

export interface LoweredTensor {
  name: string
  /** TFLite shape, batch included. */
  shape: number[]
  /**
   * Which normalized-model layer's float output holds this tensor's values (-1 = the model input),
   * so calibration reads its range from the float forward pass.
   */
  source: number
}

interface OpBase {
  input: number
  output: number
  /** Index of the normalized-model layer this op implements (-1 for layout-only RESHAPEs). */
  layer: number
}

export type LoweredOp =
  | (OpBase & { kind: 'fullyConnected'; weights: Float32Array; weightShape: number[]; bias: Float32Array; activation: FusedActivation })
  | (OpBase & {
      kind: 'conv2d'
      weights: Float32Array
      weightShape: number[]
      bias: Float32Array
      stride: number
      padding: Padding
      activation: FusedActivation
    })
  | (OpBase & {
      kind: 'depthwiseConv2d'
      weights: Float32Array
      weightShape: number[]
      bias: Float32Array
      stride: number
      padding: Padding
      depthMultiplier: number
      activation: FusedActivation
    })
  | (OpBase & { kind: 'maxPool2d' | 'averagePool2d'; filter: number; stride: number; padding: Padding })
  | (OpBase & { kind: 'mean'; axes: number[] })
  | (OpBase & { kind: 'reshape'; shape: number[] })
  | (OpBase & { kind: 'softmax' })
  | (OpBase & { kind: 'relu' | 'relu6' })

export type WeightOp = Extract<LoweredOp, { weights: Float32Array }>

export interface LoweredGraph {
  tensors: LoweredTensor[]
  ops: LoweredOp[]
  input: number
  output: number
}

export function lowerModel(model: ModelIR): LoweredGraph {
  const shapes = inferShapes(model)
  const tensors: LoweredTensor[] = [{ name: 'input', shape: [1, ...model.inputShape], source: -1 }]
  const ops: LoweredOp[] = []
  let current = 0

  const addTensor = (name: string, shape: number[], source: number): number => {
    tensors.push({ name, shape, source })
    return tensors.length - 1
  }
  const reshape = (shape: number[], name: string): void => {
    const t = tensors[current]
    const output = addTensor(name, shape, t.source)
    ops.push({ kind: 'reshape', input: current, output, layer: -1, shape })
    current = output
  }
  /** Sequence ops run on [1, 1, W, C]; the model input arrives as [1, W, C]. */
  const asSequence4d = (layer: Layer): [number, number] => {
    const shape = tensors[current].shape
    if (shape.length === 4) return [shape[2], shape[3]]
    if (shape.length === 3) {
      reshape([1, 1, shape[1], shape[2]], `${layer.name}/expand_dims`)
      return [shape[1], shape[2]]
    }
    throw new MicroforgeError('MODEL_ERROR', `Layer "${layer.name}" needs a sequence input.`, 'Put sequence layers (Conv1D, pooling) before Flatten.')
  }

  model.layers.forEach((layer, i) => {
    const outShape = shapes[i]
    switch (layer.type) {
      case 'dense': {
        const inUnits = shapeSize(tensors[current].shape)
        const output = addTensor(layer.name, [1, layer.units], i)
        ops.push({
          kind: 'fullyConnected',
          input: current,
          output,
          layer: i,
          weights: transposeDense(layer.kernel, inUnits, layer.units),
          weightShape: [layer.units, inUnits],
          bias: layer.bias ?? new Float32Array(layer.units),
          activation: fused(layer)
        })
        current = output
        break
      }
      case 'conv1d': {
        const [, c] = asSequence4d(layer)
        const output = addTensor(layer.name, [1, 1, outShape[0], outShape[1]], i)
        ops.push({
          kind: 'conv2d',
          input: current,
          output,
          layer: i,
          weights: convFilter(layer.kernel, layer.kernelSize, c, layer.filters),
          weightShape: [layer.filters, 1, layer.kernelSize, c],
          bias: layer.bias ?? new Float32Array(layer.filters),
          stride: layer.strides,
          padding: layer.padding,
          activation: fused(layer)
        })
        current = output
        break
      }
      case 'depthwiseConv1d': {
        const [, c] = asSequence4d(layer)
        const outC = c * layer.depthMultiplier
        const output = addTensor(layer.name, [1, 1, outShape[0], outC], i)
        ops.push({
          kind: 'depthwiseConv2d',
          input: current,
          output,
          layer: i,
          // Keras [k, C, M] flattened is already TFLite's [1, 1, k, C * M] (channel c * M + m).
          weights: Float32Array.from(layer.kernel),
          weightShape: [1, 1, layer.kernelSize, outC],
          bias: layer.bias ?? new Float32Array(outC),
          stride: layer.strides,
          padding: layer.padding,
          depthMultiplier: layer.depthMultiplier,
          activation: fused(layer)
        })
        current = output
        break
      }
      case 'maxPool1d':
      case 'avgPool1d': {
        asSequence4d(layer)
        const output = addTensor(layer.name, [1, 1, outShape[0], outShape[1]], i)
        ops.push({
          kind: layer.type === 'maxPool1d' ? 'maxPool2d' : 'averagePool2d',
          input: current,
          output,
          layer: i,
          filter: layer.poolSize,
          stride: layer.strides,
          padding: layer.padding
        })
        current = output
        break
      }
      case 'globalAvgPool1d': {
        const rank = tensors[current].shape.length
        if (rank !== 3 && rank !== 4) throw new MicroforgeError('MODEL_ERROR', `Layer "${layer.name}" needs a sequence input.`, 'Put GlobalAveragePooling1D before Flatten.')
        const output = addTensor(layer.name, [1, outShape[0]], i)
        ops.push({ kind: 'mean', input: current, output, layer: i, axes: rank === 4 ? [1, 2] : [1] })
        current = output
        break
      }
      case 'flatten': {
        if (tensors[current].shape.length !== 2) reshape([1, outShape[0]], layer.name)
        break
      }
      case 'activation': {
        if (layer.activation === 'linear') break
        const output = addTensor(layer.name, tensors[current].shape.slice(), i)
        const kind = layer.activation === 'softmax' ? 'softmax' : layer.activation
        ops.push({ kind, input: current, output, layer: i })
        current = output
        break
      }
      case 'dropout':
      case 'batchNorm':
        throw new MicroforgeError('INTERNAL', `Layer "${layer.name}" (${layer.type}) should have been removed by normalizeModel before lowering.`)
    }
    // Layout-only layers leave `current` on an earlier tensor; it still holds this layer's values.
    tensors[current].source = i
  })

  // A model that ends on a sequence gives its output in the Keras shape [1, W, C].
  if (tensors[current].shape.length === 4) {
    const s = tensors[current].shape
    reshape([1, s[2], s[3]], 'output')
  }
  if (current === 0) reshape(tensors[0].shape.slice(), 'output')
  return { tensors, ops, input: 0, output: current }
}

function fused(layer: { name: string; activation: Activation }): FusedActivation {
  switch (layer.activation) {
    case 'linear':
      return 'NONE'
    case 'relu':
      return 'RELU'
    case 'relu6':
      return 'RELU6'
    case 'softmax':
      throw new MicroforgeError('INTERNAL', `Layer "${layer.name}" still has a fused softmax; normalizeModel splits it out.`)
  }
}

/** Keras [in, units] -> TFLite [units, in]. */
function transposeDense(kernel: Float32Array, inUnits: number, units: number): Float32Array {
  const out = new Float32Array(kernel.length)
  for (let i = 0; i < inUnits; i++) for (let u = 0; u < units; u++) out[u * inUnits + i] = kernel[i * units + u]
  return out
}

/** Keras [k, in, out] -> TFLite OHWI [out, 1, k, in]. */
function convFilter(kernel: Float32Array, k: number, inC: number, outC: number): Float32Array {
  const out = new Float32Array(kernel.length)
  for (let t = 0; t < k; t++) for (let i = 0; i < inC; i++) for (let o = 0; o < outC; o++) out[(o * k + t) * inC + i] = kernel[(t * inC + i) * outC + o]
  return out
}
