import * as tf from '@tensorflow/tfjs'
import type { ModelSpec } from '../../../shared/training'
import { DepthwiseConv1D } from './depthwise-conv1d'
import { resolveLayers } from './summary'

/**
 * Builds the tfjs model for a spec. Every initializer gets its own seed derived from the training
 * seed, so the same seed gives the same starting weights on every backend.
 */
export function buildModel(spec: ModelSpec, inputShape: number[], classes: number, seed: number): tf.Sequential {
  const layers = resolveLayers(spec, classes)
  const model = tf.sequential({ name: `microforge_${spec.preset}` })
  // tfjs treats seed 0 as "no seed"; offsetting keeps seed 0 deterministic too.
  const init = (i: number) => tf.initializers.glorotUniform({ seed: seed * 1000 + i + 1 })
  layers.forEach((l, i) => {
    const first = i === 0 ? { inputShape } : {}
    switch (l.type) {
      case 'conv1d':
      case 'depthwiseConv1d': {
        const conv = {
          ...first,
          name: l.name,
          kernelSize: l.kernelSize,
          strides: l.strides ?? 1,
          padding: l.padding ?? 'valid',
          activation: l.activation,
          kernelInitializer: init(i)
        }
        model.add(l.type === 'conv1d' ? tf.layers.conv1d({ ...conv, filters: l.filters }) : new DepthwiseConv1D({ ...conv, depthMultiplier: l.depthMultiplier ?? 1 }))
        break
      }
      case 'maxPool1d':
        model.add(tf.layers.maxPooling1d({ ...first, name: l.name, poolSize: l.poolSize }))
        break
      case 'avgPool1d':
        model.add(tf.layers.averagePooling1d({ ...first, name: l.name, poolSize: l.poolSize }))
        break
      case 'globalAvgPool1d':
        model.add(tf.layers.globalAveragePooling1d({ ...first, name: l.name }))
        break
      case 'flatten':
        model.add(tf.layers.flatten({ ...first, name: l.name }))
        break
      case 'dense':
        model.add(tf.layers.dense({ ...first, name: l.name, units: l.units, activation: l.activation, kernelInitializer: init(i) }))
        break
      case 'dropout':
        model.add(tf.layers.dropout({ ...first, name: l.name, rate: l.rate }))
        break
    }
  })
  return model
}
