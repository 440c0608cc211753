import * as tf from '@tensorflow/tfjs'
import type { ModelSpec } from '../../../shared/training'
import { resolveLayers } from './summary'
import { tfjsLayer } from './tfjs-layer'

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
    model.add(tfjsLayer(l, { ...(i === 0 ? { inputShape } : {}), kernelInitializer: init(i) }))
  })
  return model
}
