import * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../../shared/errors'
import type { EpochMetrics, EvaluationResult, ModelSpec, OptimizerName } from '../../../shared/training'
import { buildModel } from './build-model'
import { compileFastForward, compileFusedTraining } from './fast-forward'
import { HeapAdam } from './heap-adam'
import { evaluatePredictions } from './metrics'
import { epochBatches } from './batch-schedule'
import { mulberry32 } from './rng'

/** Preprocessed windows: x is [n, windowLength, axes] flat, y the class index of each window. */
export interface WindowSet {
  x: Float32Array
  y: number[]
  ids: string[]
}

export interface TrainLoopConfig {
  spec: ModelSpec
  inputShape: [number, number]
  classes: string[]
  epochs: number
  batchSize: number
  learningRate: number
  optimizer: OptimizerName
  earlyStoppingPatience: number
  seed: number
  /** Per-class loss weights (class order); absent: every window counts the same. */
  classWeights?: number[]
}

export interface TrainLoopHooks {
  /** Checked between batches: true stops training within the current epoch. */
  cancelled(): boolean
  /** After every epoch; awaited, which also lets the thread take messages (cancel). */
  onEpoch(metrics: EpochMetrics): Promise<void> | void
  /** Checked after every epoch with the epochs so far: true ends training as early stopping does (best weights kept). */
  shouldStop?(history: readonly EpochMetrics[]): boolean
}

export interface TrainLoopResult {
  model: tf.Sequential
  history: EpochMetrics[]
  stoppedEarly: boolean
  bestEpoch: number
}

function makeOptimizer(name: OptimizerName, lr: number): tf.Optimizer {
  if (name === 'sgd') return tf.train.sgd(lr)
  if (name === 'rmsprop') return tf.train.rmsprop(lr)
  return tf.train.adam(lr)
}

/**
 * Categorical cross-entropy on softmax outputs, clipped as Keras does so log(0) never happens. With
 * class weights the one-hot rows carry each class's weight, as Keras's class_weight does.
 */
function crossEntropy(yTrue: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(yTrue, tf.log(tf.clipByValue(probs, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar
}

/** Weights n / (K * n_c): every class contributes the same total to the loss, whatever its size. */
export function balancedClassWeights(labels: number[], classes: number): number[] {
  const counts = new Array<number>(classes).fill(0)
  for (const y of labels) counts[y]++
  return counts.map((n) => (n ? labels.length / (classes * n) : 0))
}

/**
 * One mini-batch as tensors, copied from the flat arrays in JavaScript: a gather on the backend
 * costs a kernel per tensor and, on wasm, was the largest single cost of a 119 x 6 step. The target
 * rows are one-hot, carrying each class's weight when there are weights.
 */
function batchTensors(set: WindowSet, idx: number[], inputShape: [number, number], classes: number, weights?: number[]): { x: tf.Tensor3D; y: tf.Tensor2D } {
  const per = inputShape[0] * inputShape[1]
  const x = new Float32Array(idx.length * per)
  const y = new Float32Array(idx.length * classes)
  idx.forEach((w, i) => {
    x.set(set.x.subarray(w * per, (w + 1) * per), i * per)
    y[i * classes + set.y[w]] = weights ? weights[set.y[w]] : 1
  })
  return { x: tf.tensor3d(x, [idx.length, inputShape[0], inputShape[1]]), y: tf.tensor2d(y, [idx.length, classes]) }
}

/** How many rows of probs (n x k) have their largest value at the window's class (first maximum, as argMax). */
function countCorrect(probs: Float32Array, labels: number[], idx: number[], k: number): number {
  let correct = 0
  idx.forEach((w, i) => {
    let best = 0
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c
    if (best === labels[w]) correct++
  })
  return correct
}

/** Softmax outputs for every window, in batches so memory stays flat for large sets. */
export function predictProbs(model: tf.LayersModel, x: Float32Array, n: number, inputShape: number[], batch = 256): Float32Array {
  const k = (model.outputs[0].shape[1] as number) ?? 0
  const out = new Float32Array(n * k)
  const per = inputShape[0] * inputShape[1]
  for (let i = 0; i < n; i += batch) {
    const m = Math.min(batch, n - i)
    const probs = tf.tidy(() => model.predict(tf.tensor3d(x.subarray(i * per, (i + m) * per), [m, inputShape[0], inputShape[1]])) as tf.Tensor)
    out.set(probs.dataSync(), i * k)
    probs.dispose()
  }
  return out
}

function lossOf(probs: Float32Array, y: number[], k: number): number {
  let s = 0
  y.forEach((c, i) => (s -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, probs[i * k + c])))))
  return y.length ? s / y.length : 0
}

export function evaluateModel(model: tf.LayersModel, set: WindowSet, inputShape: number[], classes: string[]): EvaluationResult {
  const probs = predictProbs(model, set.x, set.y.length, inputShape)
  return evaluatePredictions(probs, set.y, classes, set.ids, lossOf(probs, set.y, classes.length))
}

/**
 * tfjs draws dropout masks (and unseeded initializers) from Math.random. Swapping in a seeded
 * generator for the duration of training makes a run repeatable; training runs in its own worker
 * thread, so nothing else sees the swap.
 */
async function withSeededRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random
  Math.random = mulberry32(seed ^ 0x5eed)
  try {
    return await fn()
  } finally {
    Math.random = original
  }
}

/**
 * The training loop: seeded shuffles, mini-batches, per-epoch validation, early stopping on the
 * validation loss with the best weights restored. Tensors created here are all disposed again
 * except the returned model (tests hold tf.memory().numTensors to that).
 */
export async function trainLoop(cfg: TrainLoopConfig, train: WindowSet, val: WindowSet | null, hooks: TrainLoopHooks): Promise<TrainLoopResult> {
  if (train.y.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no training windows.', 'Record or import windows for every class first.')
  return withSeededRandom(cfg.seed, async () => {
    const k = cfg.classes.length
    const model = buildModel(cfg.spec, cfg.inputShape, k, cfg.seed)
    const heapAdam = cfg.optimizer === 'adam' && HeapAdam.supported() ? new HeapAdam(cfg.learningRate) : null
    const optimizer = heapAdam ? null : makeOptimizer(cfg.optimizer, cfg.learningRate)
    // Only this model's weights: other models alive in the thread must not get gradients computed.
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable)
    const forward = compileFastForward(model) ?? ((x: tf.Tensor, training: boolean) => model.apply(x, { training }) as tf.Tensor)
    const fused = heapAdam ? compileFusedTraining(model) : null
    const random = mulberry32(cfg.seed)
    const order = train.y.map((_, i) => i)
    const history: EpochMetrics[] = []
    let best = { loss: Infinity, epoch: 0, weights: null as Float32Array[] | null }
    let stoppedEarly = false
    try {
      for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
        const started = performance.now()
        let lossSum = 0
        let correctSum = 0
        let seen = 0
        for (const idx of epochBatches(order, random, cfg.batchSize, () => hooks.cancelled(), 'Training was cancelled.')) {
          // The forward pass's output is kept out of the gradient scope so accuracy is counted from
          // it without a second forward pass and without recording those ops on the tape.
          const kept: { probs?: tf.Tensor } = {}
          const cost = tf.tidy(() => {
            const { x: xb, y: yb } = batchTensors(train, idx, cfg.inputShape, k, cfg.classWeights)
            const lossFn = (): tf.Scalar => {
              if (fused) {
                const out = fused(xb, yb)
                kept.probs = out.probs
                return out.loss
              }
              const probs = forward(xb, true)
              kept.probs = tf.keep(probs)
              return crossEntropy(yb, probs)
            }
            if (heapAdam) {
              const { value, grads } = tf.variableGrads(lossFn, variables)
              heapAdam.apply(variables, variables.map((v) => grads[v.name]))
              return value
            }
            return optimizer!.minimize(lossFn, true, variables)!
          })
          // Training runs on CPU backends (wasm, tfjs-node, cpu), where reading a few values back
          // is a copy, not a pipeline stall; counting here saves five kernels per step.
          lossSum += cost.dataSync()[0] * idx.length
          correctSum += countCorrect(kept.probs!.dataSync() as Float32Array, train.y, idx, k)
          cost.dispose()
          kept.probs?.dispose()
          seen += idx.length
        }
        const loss = lossSum / seen
        const acc = correctSum / seen
        const v = val && val.y.length ? evaluateModel(model, val, cfg.inputShape, cfg.classes) : null
        const ms = performance.now() - started
        const metrics: EpochMetrics = { epoch, epochs: cfg.epochs, loss, acc, valLoss: v ? v.loss : null, valAcc: v ? v.accuracy : null, ms, windowsPerSecond: (seen / ms) * 1000 }
        history.push(metrics)
        const monitored = v ? v.loss : loss
        if (monitored < best.loss - 1e-6) {
          best = { loss: monitored, epoch, weights: model.getWeights().map((w) => Float32Array.from(w.dataSync())) }
        }
        await hooks.onEpoch(metrics)
        if ((cfg.earlyStoppingPatience > 0 && epoch - best.epoch >= cfg.earlyStoppingPatience && epoch < cfg.epochs) || (hooks.shouldStop?.(history) && epoch < cfg.epochs)) {
          stoppedEarly = true
          break
        }
      }
      if (best.weights && best.epoch !== history.length) {
        const shapes = model.getWeights().map((w) => w.shape)
        const restored = best.weights.map((w, i) => tf.tensor(w, shapes[i]))
        model.setWeights(restored)
        tf.dispose(restored)
      }
      return { model, history, stoppedEarly, bestEpoch: best.epoch || history.length }
    } catch (err) {
      model.dispose()
      throw err
    } finally {
      optimizer?.dispose()
    }
  })
}
