import * as tf from '@tensorflow/tfjs'
import type { Activation, Padding } from '../model/model-ir'
import { DepthwiseConv1D } from './depthwise-conv1d'

/**
 * What a tfjs layer is made from, without weights: a spec layer after resolveLayers (no strides or
 * padding on pools, optional ones on convolutions) and a ModelIR layer (all of them) both fit.
 */
export type TfjsLayerDescription =
  | { type: 'conv1d'; name: string; filters: number; kernelSize: number; strides?: number; padding?: Padding; activation: Activation }
  | { type: 'depthwiseConv1d'; name: string; kernelSize: number; depthMultiplier?: number; strides?: number; padding?: Padding; activation: 'linear' | 'relu' | 'relu6' }
  | { type: 'dense'; name: string; units: number; activation: Activation }
  | { type: 'maxPool1d' | 'avgPool1d'; name: string; poolSize: number; strides?: number; padding?: Padding }
  | { type: 'globalAvgPool1d' | 'flatten'; name: string }
  | { type: 'dropout'; name: string; rate: number }
  | { type: 'activation'; name: string; activation: Activation }

export interface TfjsLayerOptions {
  /** The first layer's input shape (no batch dimension). */
  inputShape?: number[]
  /** Seeded by training so a seed gives the same starting weights; unused by weightless layers. */
  kernelInitializer?: ReturnType<typeof tf.initializers.glorotUniform>
  /** False for a convolution or dense layer stored without bias; default true. */
  useBias?: boolean
}

/** The one place a layer description becomes a tfjs layer, for training and for rebuilding a ModelIR. */
export function tfjsLayer(l: TfjsLayerDescription, opts: TfjsLayerOptions = {}): tf.layers.Layer {
  const base = { ...(opts.inputShape ? { inputShape: opts.inputShape } : {}), name: l.name }
  const weighted = { kernelInitializer: opts.kernelInitializer, useBias: opts.useBias }
  switch (l.type) {
    case 'conv1d':
      return tf.layers.conv1d({ ...base, ...weighted, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides ?? 1, padding: l.padding ?? 'valid', activation: l.activation })
    case 'depthwiseConv1d':
      return new DepthwiseConv1D({
        ...base,
        kernelInitializer: opts.kernelInitializer,
        kernelSize: l.kernelSize,
        depthMultiplier: l.depthMultiplier ?? 1,
        strides: l.strides ?? 1,
        padding: l.padding ?? 'valid',
        activation: l.activation
      })
    case 'dense':
      return tf.layers.dense({ ...base, ...weighted, units: l.units, activation: l.activation })
    case 'maxPool1d':
      return tf.layers.maxPooling1d({ ...base, poolSize: l.poolSize, strides: l.strides, padding: l.padding })
    case 'avgPool1d':
      return tf.layers.averagePooling1d({ ...base, poolSize: l.poolSize, strides: l.strides, padding: l.padding })
    case 'globalAvgPool1d':
      return tf.layers.globalAveragePooling1d(base)
    case 'flatten':
      return tf.layers.flatten(base)
    case 'dropout':
      return tf.layers.dropout({ ...base, rate: l.rate })
    case 'activation':
      return tf.layers.activation({ ...base, activation: l.activation })
  }
}
