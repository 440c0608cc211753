import * as tf from '@tensorflow/tfjs'

interface HeapBackend {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array
}

/**
 * Adam for the wasm backend in one JavaScript loop per weight tensor, reading weights and gradients
 * straight from the wasm heap. tf.train.adam issues about ten kernels per weight tensor per step
 * (~80 for the 1D CNN), each with a fixed dispatch cost that dominates the small steps of sensor
 * models; this does the same arithmetic, in the same order and float32 precision.
 * The new weights go into a new tensor (assign), never into the old memory: wasm's XNNPACK
 * operators cache packed weights by tensor id and would not see an in-place change.
 */
export class HeapAdam {
  private readonly m = new Map<tf.Variable, Float32Array>()
  private readonly v = new Map<tf.Variable, Float32Array>()
  private accBeta1: number
  private accBeta2: number

  constructor(
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7
  ) {
    this.accBeta1 = Math.fround(beta1)
    this.accBeta2 = Math.fround(beta2)
  }

  static supported(): boolean {
    return tf.getBackend() === 'wasm'
  }

  /** Applies one step; gradients[i] belongs to variables[i]. Does not dispose the gradients. */
  apply(variables: tf.Variable[], gradients: tf.Tensor[]): void {
    const backend = tf.backend() as unknown as HeapBackend
    const b1 = this.beta1
    const b2 = this.beta2
    const c1 = 1 - b1
    const c2 = 1 - b2
    // Bias corrections as tfjs computes them: from float32 running products of beta.
    const oneMinusAcc1 = Math.fround(1 - this.accBeta1)
    const oneMinusAcc2 = Math.fround(1 - this.accBeta2)
    const lr = this.learningRate
    const eps = this.epsilon
    variables.forEach((variable, i) => {
      let m = this.m.get(variable)
      let v = this.v.get(variable)
      if (!m || !v) {
        m = new Float32Array(variable.size)
        v = new Float32Array(variable.size)
        this.m.set(variable, m)
        this.v.set(variable, v)
      }
      const w = backend.typedArrayFromHeap(variable)
      const g = backend.typedArrayFromHeap(gradients[i])
      const next = new Float32Array(w.length)
      // Intermediates in float64, results stored as float32: within 1e-6 of tf.train.adam.
      for (let k = 0; k < w.length; k++) {
        const gk = g[k]
        const mk = (m[k] = m[k] * b1 + gk * c1)
        const vk = (v[k] = v[k] * b2 + gk * gk * c2)
        next[k] = w[k] - (lr * (mk / oneMinusAcc1)) / (Math.sqrt(vk / oneMinusAcc2) + eps)
      }
      const t = tf.tensor(next, variable.shape, 'float32')
      variable.assign(t)
      t.dispose()
    })
    this.accBeta1 = Math.fround(this.accBeta1 * b1)
    this.accBeta2 = Math.fround(this.accBeta2 * b2)
  }
}
