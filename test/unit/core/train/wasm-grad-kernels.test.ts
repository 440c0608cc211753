import { beforeAll, describe, expect, it } from 'vitest'
import { initTrainingBackend, tf } from '../../../../src/main/core/train/backend'
import { mulberry32 } from '../../../../src/main/core/train/rng'

/**
 * The gradient kernels registered for wasm must give the gradients of the cpu backend (tfjs's
 * reference). Each case differentiates sum(op(x, w) * r) for random r, so dy is not all ones.
 */
function random(n: number, seed: number): Float32Array {
  const r = mulberry32(seed)
  return Float32Array.from({ length: n }, () => r() * 2 - 1)
}

type Op = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D

async function grads(backend: string, op: Op, xShape: number[], wShape: number[]): Promise<{ y: number[]; dx: number[]; dw: number[] }> {
  await tf.setBackend(backend)
  return tf.tidy(() => {
    const x = tf.tensor4d(random(xShape.reduce((a, b) => a * b), 1), xShape as [number, number, number, number])
    const w = tf.tensor4d(random(wShape.reduce((a, b) => a * b), 2), wShape as [number, number, number, number])
    const y = op(x, w)
    const r = tf.tensor(random(y.size, 3), y.shape)
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a as tf.Tensor4D, b as tf.Tensor4D), r)))
    const [dx, dw] = g([x, w])
    return { y: Array.from(y.dataSync()), dx: Array.from(dx.dataSync()), dw: Array.from(dw.dataSync()) }
  })
}

function expectClose(a: number[], b: number[]): void {
  expect(a.length).toBe(b.length)
  const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]) / (1 + Math.abs(b[i]))))
  expect(worst).toBeLessThan(1e-4)
}

const cases: Array<[string, Op, number[], number[]]> = [
  ['Conv1D valid (as conv2d, height 1)', (x, w) => tf.conv2d(x, w, 1, 'valid'), [3, 1, 30, 6], [1, 5, 6, 16]],
  ['Conv1D same, stride 2', (x, w) => tf.conv2d(x, w, [1, 2], 'same'), [2, 1, 17, 4], [1, 3, 4, 8]],
  ['Conv1D pointwise', (x, w) => tf.conv2d(x, w, 1, 'valid'), [2, 1, 9, 8], [1, 1, 8, 12]],
  ['real 2D conv, same', (x, w) => tf.conv2d(x, w, [2, 1], 'same'), [2, 5, 6, 3], [3, 2, 3, 4]],
  ['depthwise valid, multiplier 1', (x, w) => tf.depthwiseConv2d(x, w, 1, 'valid'), [3, 1, 24, 8], [1, 5, 8, 1]],
  ['depthwise same, stride 2, multiplier 2', (x, w) => tf.depthwiseConv2d(x, w, [1, 2], 'same'), [2, 1, 15, 3], [1, 3, 3, 2]],
  ['maxPool after conv (MaxPoolGrad)', (x, w) => tf.maxPool(tf.relu(tf.conv2d(x, w, 1, 'valid')), [1, 2], [1, 2], 'valid'), [2, 1, 13, 3], [1, 3, 3, 4]],
  ['maxPool 3 stride 2 same', (x, w) => tf.maxPool(tf.conv2d(x, w, 1, 'same'), [1, 3], [1, 2], 'same'), [2, 1, 11, 2], [1, 2, 2, 3]]
]

describe('wasm gradient kernels', () => {
  beforeAll(async () => {
    expect(await initTrainingBackend('wasm')).toBe('wasm')
  })

  for (const [name, op, xShape, wShape] of cases) {
    it(`${name}: dx and dw equal the cpu backend`, async () => {
      const wasm = await grads('wasm', op, xShape, wShape)
      const cpu = await grads('cpu', op, xShape, wShape)
      await tf.setBackend('wasm')
      expectClose(wasm.y, cpu.y)
      expectClose(wasm.dx, cpu.dx)
      expectClose(wasm.dw, cpu.dw)
    })
  }

  // The dense layer's gradients (dy @ W^T takes the swapped form, X^T @ dy the direct one), both
  // transposed, and a batched product whose leading axes broadcast.
  const matMuls: Array<[string, number[], number[], boolean, boolean]> = [
    ['dy @ W^T (16x32 by 864x32)', [16, 32], [864, 32], false, true],
    ['X^T @ dy (16x864 by 16x32)', [16, 864], [16, 32], true, false],
    ['A^T @ B^T', [7, 5], [3, 7], true, true],
    ['batched, broadcast, B^T', [2, 4, 6], [1, 9, 6], false, true],
    ['batched A^T, wide output', [3, 5, 2], [3, 5, 40], true, false]
  ]
  for (const [name, aShape, bShape, tA, tB] of matMuls) {
    it(`matMul ${name} equals the cpu backend`, async () => {
      const run = async (backend: string) => {
        await tf.setBackend(backend)
        return tf.tidy(() => {
          const a = tf.tensor(random(aShape.reduce((p, n) => p * n), 4), aShape)
          const b = tf.tensor(random(bShape.reduce((p, n) => p * n), 5), bShape)
          const y = tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, tA, tB)
          return { shape: y.shape, values: Array.from(y.dataSync()) }
        })
      }
      await tf.setBackend('wasm')
      const before = tf.engine().backend.numDataIds()
      const wasm = await run('wasm')
      // The transposed copies live on the wasm heap outside any tensor: none may stay behind.
      expect(tf.engine().backend.numDataIds()).toBe(before)
      const cpu = await run('cpu')
      await tf.setBackend('wasm')
      expect(wasm.shape).toEqual(cpu.shape)
      expectClose(wasm.values, cpu.values)
    })
  }

  it('a Conv1D layer trains on wasm (the kernel tfjs 4.22 lacks is registered)', async () => {
    await tf.setBackend('wasm')
    const before = tf.memory().numTensors
    const model = tf.sequential({ layers: [tf.layers.conv1d({ inputShape: [10, 2], filters: 3, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] })
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })
    const x = tf.ones([4, 10, 2])
    const y = tf.oneHot([0, 1, 0, 1], 2)
    const h = await model.fit(x, y, { epochs: 1, verbose: 0 })
    expect(Number.isFinite(h.history.loss[0] as number)).toBe(true)
    tf.dispose([x, y])
    model.dispose()
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before)
  })
})
