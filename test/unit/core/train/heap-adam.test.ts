import { beforeAll, describe, expect, it } from 'vitest'
import { initTrainingBackend, tf } from '../../../../src/main/core/train/backend'
import { buildModel } from '../../../../src/main/core/train/build-model'
import { HeapAdam } from '../../../../src/main/core/train/heap-adam'
import { presetSpec } from '../../../../src/main/core/train/presets'

describe('HeapAdam (in-place Adam on the wasm heap)', () => {
  beforeAll(async () => {
    await initTrainingBackend('wasm')
  })

  it('takes the same steps as tf.train.adam', () => {
    const before = tf.memory().numTensors
    const a = buildModel(presetSpec('dscnn'), [30, 6], 3, 4)
    const b = buildModel(presetSpec('dscnn'), [30, 6], 3, 4)
    const x = tf.randomUniform([8, 30, 6], 0, 1, 'float32', 11)
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3))
    const loss = (m: tf.LayersModel) => () => tf.losses.softmaxCrossEntropy(y, m.apply(x) as tf.Tensor) as tf.Scalar
    const reference = tf.train.adam(0.01)
    const heap = new HeapAdam(0.01)
    const varsA = a.trainableWeights.map((w) => w.read() as tf.Variable)
    const varsB = b.trainableWeights.map((w) => w.read() as tf.Variable)
    for (let step = 0; step < 5; step++) {
      tf.tidy(() => {
        reference.minimize(loss(a), false, varsA)
        const { grads } = tf.variableGrads(loss(b), varsB)
        heap.apply(varsB, varsB.map((v) => grads[v.name]))
      })
    }
    const wa = a.getWeights().flatMap((w) => Array.from(w.dataSync()))
    const wb = b.getWeights().flatMap((w) => Array.from(w.dataSync()))
    const worst = Math.max(...wa.map((v, i) => Math.abs(v - wb[i])))
    expect(worst).toBeLessThan(1e-6)
    reference.dispose()
    tf.dispose([x, y])
    a.dispose()
    b.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
