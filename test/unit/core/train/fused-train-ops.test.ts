import { beforeAll, describe, expect, it } from 'vitest'
import { initTrainingBackend, tf } from '../../../../src/main/core/train/backend'
import { buildModel } from '../../../../src/main/core/train/build-model'
import { compileFusedTraining } from '../../../../src/main/core/train/fast-forward'
import { presetSpec } from '../../../../src/main/core/train/presets'
import { mulberry32 } from '../../../../src/main/core/train/rng'
import type { ModelSpec, PresetId } from '../../../../src/shared/training'

/**
 * The fused training ops (one tape node per layer, backward passes on the wasm heap) must give the
 * loss and gradients of the plain layers on tfjs's reference cpu backend, for the same weights.
 * Dropout is left out: its masks are random, and it is not fused.
 */
const withoutDropout = (spec: ModelSpec): ModelSpec => ({ ...spec, layers: spec.layers.filter((l) => l.type !== 'dropout') })

const specs: Array<[string, ModelSpec]> = [
  ...(['dense', 'cnn1d', 'dscnn'] as PresetId[]).map((p): [string, ModelSpec] => [p, withoutDropout(presetSpec(p))]),
  [
    'relu6 and linear convs, a pool of 3 (not a divisor of the width), a pool that stays separate, same padding',
    {
      preset: 'custom',
      layers: [
        { type: 'conv1d', filters: 6, kernelSize: 3, activation: 'relu6', padding: 'same' },
        { type: 'maxPool1d', poolSize: 3 },
        { type: 'conv1d', filters: 5, kernelSize: 2, activation: 'linear', strides: 2 },
        { type: 'avgPool1d', poolSize: 2 },
        { type: 'depthwiseConv1d', kernelSize: 2, activation: 'relu' },
        { type: 'flatten' },
        { type: 'dense', units: 7, activation: 'relu6' }
      ]
    }
  ]
]

function crossEntropy(y: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar
}

function batch(n: number, steps: number, axes: number, k: number): { x: Float32Array; y: Float32Array } {
  const r = mulberry32(9)
  const x = Float32Array.from({ length: n * steps * axes }, () => r() * 4 - 2)
  // Weighted one-hot rows, as class weights make them.
  const y = new Float32Array(n * k)
  for (let i = 0; i < n; i++) y[i * k + (i % k)] = 0.5 + (i % k)
  return { x, y }
}

async function lossAndGrads(backend: 'wasm' | 'cpu', spec: ModelSpec, fused: boolean): Promise<{ loss: number; grads: number[][]; probs: number[] }> {
  await tf.setBackend(backend)
  const [steps, axes, k, n] = [25, 3, 3, 10]
  const model = buildModel(spec, [steps, axes], k, 5)
  const data = batch(n, steps, axes, k)
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const out = tf.tidy(() => {
    const x = tf.tensor3d(data.x, [n, steps, axes])
    const y = tf.tensor2d(data.y, [n, k])
    const objective = fused ? compileFusedTraining(model) : null
    if (fused) expect(objective).not.toBeNull()
    let probs: tf.Tensor | null = null
    const { value, grads } = tf.variableGrads(() => {
      if (objective) {
        const r = objective(x, y)
        probs = r.probs
        return r.loss
      }
      probs = tf.keep(model.apply(x, { training: true }) as tf.Tensor)
      return crossEntropy(y, probs)
    }, variables)
    const result = { loss: value.dataSync()[0], grads: variables.map((v) => Array.from(grads[v.name].dataSync())), probs: Array.from(probs!.dataSync()) }
    tf.dispose(probs!)
    return result
  })
  model.dispose()
  return out
}

function worst(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length)
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / (1e-3 + Math.abs(b[i]))))
}

describe('fused training ops on wasm', () => {
  beforeAll(async () => {
    expect(await initTrainingBackend('wasm')).toBe('wasm')
  })

  for (const [name, spec] of specs) {
    it(`${name}: loss, softmax and every gradient equal the plain layers on cpu`, async () => {
      await tf.setBackend('wasm')
      const before = tf.memory().numTensors
      const fused = await lossAndGrads('wasm', spec, true)
      await tf.setBackend('wasm')
      expect(tf.memory().numTensors).toBe(before)
      const reference = await lossAndGrads('cpu', spec, false)
      await tf.setBackend('wasm')
      expect(Math.abs(fused.loss - reference.loss)).toBeLessThan(1e-5)
      expect(worst(fused.probs, reference.probs)).toBeLessThan(1e-4)
      expect(fused.grads.length).toBe(reference.grads.length)
      fused.grads.forEach((g, i) => expect(worst(g, reference.grads[i])).toBeLessThan(1e-3))
      // A real gradient, not zeros on both sides.
      expect(Math.max(...reference.grads.flat().map(Math.abs))).toBeGreaterThan(1e-3)
    })
  }

  it('is not used off wasm (its backward passes read the wasm heap)', async () => {
    await tf.setBackend('cpu')
    const model = buildModel(presetSpec('cnn1d'), [30, 6], 2, 1)
    expect(compileFusedTraining(model)).toBeNull()
    model.dispose()
    await tf.setBackend('wasm')
  })
})
