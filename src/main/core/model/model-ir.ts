/**
 * The float model as plain data: what training produces and what every exporter, optimizer and
 * code generator consumes. Shapes exclude the batch dimension. Weight layouts follow Keras so a
 * tfjs model converts without reordering:
 *   dense.kernel            [inUnits, units]             row-major
 *   conv1d.kernel           [kernelSize, inChannels, filters]
 *   depthwiseConv1d.kernel  [kernelSize, inChannels, depthMultiplier]
 */
export type Activation = 'linear' | 'relu' | 'relu6' | 'softmax'
export type Padding = 'valid' | 'same'

export type Layer =
  | { type: 'dense'; name: string; units: number; activation: Activation; kernel: Float32Array; bias: Float32Array | null }
  | {
      type: 'conv1d'
      name: string
      filters: number
      kernelSize: number
      strides: number
      padding: Padding
      activation: Activation
      kernel: Float32Array
      bias: Float32Array | null
    }
  | {
      type: 'depthwiseConv1d'
      name: string
      kernelSize: number
      depthMultiplier: number
      strides: number
      padding: Padding
      activation: Activation
      kernel: Float32Array
      bias: Float32Array | null
    }
  | { type: 'maxPool1d' | 'avgPool1d'; name: string; poolSize: number; strides: number; padding: Padding }
  | { type: 'globalAvgPool1d'; name: string }
  | { type: 'flatten'; name: string }
  | { type: 'dropout'; name: string; rate: number }
  | {
      type: 'batchNorm'
      name: string
      gamma: Float32Array
      beta: Float32Array
      movingMean: Float32Array
      movingVariance: Float32Array
      epsilon: number
    }
  | { type: 'activation'; name: string; activation: Activation }

export type LayerType = Layer['type']

export interface ModelIR {
  name: string
  /** [windowLength, axes] for sensor models; [features] for flat inputs. */
  inputShape: number[]
  layers: Layer[]
  /** Output class labels in output order. */
  classes: string[]
}
