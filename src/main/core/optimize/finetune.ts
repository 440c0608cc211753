import * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../../shared/errors'
import type { ModelIR } from '../model/model-ir'
import { epochBatches } from '../train/batch-schedule'
import { mulberry32 } from '../train/rng'
import type { WindowSet } from '../train/train-loop'
import { kmeans1d, snapToClusters, type ClusteringOptions, DEFAULT_CLUSTERING } from './clustering'
import { isPrunable, magnitudeMask, scheduledSparsity, shouldUpdateMask, type PruningSchedule, validateSchedule } from './pruning'
import { IrGraph, type QatOptions, type Range } from './tf-graph'

/**
 * Fine-tuning loops for the optimization techniques, all on IrGraph so that masks, centroids and
 * fake quantization act on exactly the weights the exporter reads. Each runs a fixed number of
 * epochs at a low learning rate from the trained float model (the starting point matters more
 * than the schedule for models this small).
 */
export interface FineTuneConfig {
  epochs: number
  batchSize: number
  learningRate: number
  seed: number
}

export interface EpochReport {
  epoch: number
  epochs: number
  loss: number
  acc: number
  ms: number
  /** Technique-specific: current sparsity, range count... */
  detail?: Record<string, number>
}

export interface FineTuneHooks {
  cancelled(): boolean
  onEpoch(e: EpochReport): Promise<void> | void
}

export type LossSpec =
  | { kind: 'crossEntropy' }
  /** Hinton et al.: alpha * CE(labels) + (1 - alpha) * T^2 * KL(teacher_T || student_T). */
  | { kind: 'distill'; teacherLogits: Float32Array; temperature: number; alpha: number }

interface LoopOptions {
  loss: LossSpec
  qat?: QatOptions
  /** After every optimizer step, with the global step (0-based). */
  afterStep?: (step: number) => void
  detail?: () => Record<string, number>
}

export const NO_HOOKS: FineTuneHooks = { cancelled: () => false, onEpoch: () => undefined }

function checkConfig(cfg: FineTuneConfig): void {
  if (!(cfg.epochs >= 1 && cfg.batchSize >= 1 && cfg.learningRate > 0)) {
    throw new MicroforgeError('INVALID_ARGUMENT', 'Fine-tuning needs at least 1 epoch, a batch size of at least 1 and a positive learning rate.', 'Use for example 10 epochs, batch 16, learning rate 0.0005.')
  }
}

export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize)
}

/** Mini-batch Adam over the graph's variables with a seeded shuffle; returns after the last epoch. */
async function runLoop(graph: IrGraph, train: WindowSet, cfg: FineTuneConfig, opts: LoopOptions, hooks: FineTuneHooks): Promise<void> {
  checkConfig(cfg)
  const n = train.y.length
  if (n === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no training windows to fine-tune on.', 'Record or import windows for every class first.')
  const k = graph.ir.classes.length
  const xAll = tf.tensor(train.x, [n, ...graph.ir.inputShape])
  const yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(train.y, 'int32'), k).toFloat())
  const teacher = opts.loss.kind === 'distill' ? tf.tensor2d(opts.loss.teacherLogits, [n, k]) : null
  const optimizer = tf.train.adam(cfg.learningRate)
  const vars = graph.variables()
  const random = mulberry32(cfg.seed)
  const order = train.y.map((_, i) => i)
  let step = 0
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const started = performance.now()
      let lossSum = 0
      let correct = 0
      for (const idx of epochBatches(order, random, cfg.batchSize, () => hooks.cancelled(), 'Cancelled.')) {
        const stepSeed = Math.floor(random() * 2 ** 30)
        const [cost, hits] = tf.tidy(() => {
          const sel = tf.tensor1d(idx, 'int32')
          const xb = tf.gather(xAll, sel)
          const yb = tf.gather(yAll, sel)
          let hitsT: tf.Scalar | null = null
          const c = optimizer.minimize(
            () => {
              const logits = graph.forward(xb, { training: true, logits: true, qat: opts.qat, updateRanges: !!opts.qat, seed: stepSeed })
              hitsT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, -1), tf.argMax(yb, -1)), 'float32'))) as tf.Scalar
              const ce = tf.losses.softmaxCrossEntropy(yb, logits)
              if (opts.loss.kind !== 'distill') return ce as tf.Scalar
              const T = opts.loss.temperature
              const soft = tf.softmax(tf.div(tf.gather(teacher!, sel), T))
              const logStudent = tf.logSoftmax(tf.div(logits, T))
              const kl = tf.mean(tf.sum(tf.mul(soft, tf.sub(tf.log(tf.add(soft, 1e-8)), logStudent)), -1))
              return tf.add(tf.mul(ce, opts.loss.alpha), tf.mul(kl, (1 - opts.loss.alpha) * T * T)) as tf.Scalar
            },
            true,
            vars
          )!
          return [c, hitsT!] as [tf.Scalar, tf.Scalar]
        })
        lossSum += cost.dataSync()[0] * idx.length
        correct += hits.dataSync()[0]
        tf.dispose([cost, hits])
        opts.afterStep?.(step)
        step++
      }
      await hooks.onEpoch({ epoch, epochs: cfg.epochs, loss: lossSum / n, acc: correct / n, ms: performance.now() - started, detail: opts.detail?.() })
    }
  } finally {
    tf.dispose([xAll, yAll])
    teacher?.dispose()
    optimizer.dispose()
  }
}

/** Plain fine-tuning (structured-pruned models recover here). */
export async function fineTune(ir: ModelIR, train: WindowSet, cfg: FineTuneConfig, hooks: FineTuneHooks = NO_HOOKS): Promise<ModelIR> {
  const graph = new IrGraph(ir)
  try {
    await runLoop(graph, train, cfg, { loss: { kind: 'crossEntropy' } }, hooks)
    return graph.toIR()
  } finally {
    graph.dispose()
  }
}

/**
 * Magnitude pruning during fine-tuning: the masks follow the polynomial-decay schedule (recomputed
 * every `frequency` steps from the current magnitudes), and are applied after every step so the
 * optimizer never revives a pruned weight. `skip` names layers that keep every weight.
 */
export async function pruneFineTune(ir: ModelIR, train: WindowSet, cfg: FineTuneConfig, schedule: PruningSchedule, hooks: FineTuneHooks = NO_HOOKS, skip: string[] = []): Promise<ModelIR> {
  validateSchedule(schedule)
  const graph = new IrGraph(ir)
  const layers = ir.layers.filter((l) => isPrunable(l) && !skip.includes(l.name)).map((l) => l.name)
  const masks = new Map<string, tf.Tensor>()
  let sparsity = 0
  const apply = (): void => {
    for (const name of layers) {
      const v = graph.kernel(name)
      tf.tidy(() => v.assign(tf.mul(v, masks.get(name)!)))
    }
  }
  const update = (step: number): void => {
    sparsity = scheduledSparsity(schedule, step)
    for (const name of layers) {
      const v = graph.kernel(name)
      const mask = magnitudeMask(v.dataSync() as Float32Array, sparsity)
      masks.get(name)?.dispose()
      masks.set(name, tf.tensor(Float32Array.from(mask), v.shape))
    }
  }
  try {
    update(0)
    apply()
    await runLoop(
      graph,
      train,
      cfg,
      {
        loss: { kind: 'crossEntropy' },
        afterStep: (step) => {
          if (step + 1 <= schedule.endStep && shouldUpdateMask(schedule, step + 1)) update(step + 1)
          apply()
        },
        detail: () => ({ sparsity })
      },
      hooks
    )
    // Short fine-tunes may end before the schedule does: finish at the final sparsity anyway.
    if (sparsity < schedule.finalSparsity) {
      update(schedule.endStep)
      apply()
    }
    return graph.toIR()
  } finally {
    tf.dispose([...masks.values()])
    graph.dispose()
  }
}

/**
 * Clustered fine-tuning: k-means once from the float weights, then assignments stay fixed and
 * after every step each centroid moves to the mean of its (just updated) weights, every weight
 * snapping back to its centroid.
 */
export async function clusterFineTune(ir: ModelIR, train: WindowSet, cfg: FineTuneConfig, options: Partial<ClusteringOptions> = {}, hooks: FineTuneHooks = NO_HOOKS, skip: string[] = []): Promise<ModelIR> {
  const o = { ...DEFAULT_CLUSTERING, ...options }
  const graph = new IrGraph(ir)
  const assignments = new Map<string, Int16Array>()
  const snap = (): void => {
    for (const [name, a] of assignments) {
      const v = graph.kernel(name)
      const { weights } = snapToClusters(v.dataSync() as Float32Array, a)
      tf.tidy(() => v.assign(tf.tensor(weights, v.shape)))
    }
  }
  try {
    for (const l of ir.layers) {
      if (!isPrunable(l) || skip.includes(l.name)) continue
      assignments.set(l.name, kmeans1d(l.kernel, o.clusters, o.init, o.seed, o.maxIterations, o.preserveSparsity).assignments)
    }
    snap()
    await runLoop(graph, train, cfg, { loss: { kind: 'crossEntropy' }, afterStep: snap }, hooks)
    return graph.toIR()
  } finally {
    graph.dispose()
  }
}

export interface QatResult {
  model: ModelIR
  /** Activation ranges learned by moving average, keyed 'input' and by layer name. */
  ranges: Record<string, Range>
}

/**
 * Quantization-aware training: calibrate ranges on the training windows (what PTQ would use),
 * then fine-tune with fake-quantized weights (straight-through) and activations whose ranges
 * follow a moving average of the batches. Run it on the exporter's normalized graph so the
 * simulated tensors are the exported ones.
 */
export async function qatFineTune(ir: ModelIR, train: WindowSet, cfg: FineTuneConfig, qat: QatOptions, hooks: FineTuneHooks = NO_HOOKS): Promise<QatResult> {
  const graph = new IrGraph(ir)
  try {
    graph.calibrate(train.x, train.y.length)
    await runLoop(graph, train, cfg, { loss: { kind: 'crossEntropy' }, qat }, hooks)
    return { model: graph.toIR(), ranges: graph.rangeRecord() }
  } finally {
    graph.dispose()
  }
}

/** Pre-softmax outputs of a model for every window (the teacher's soft targets). */
export function logitsOf(ir: ModelIR, x: Float32Array, n: number, batch = 256): Float32Array {
  const graph = new IrGraph(ir, false)
  const k = ir.classes.length
  const out = new Float32Array(n * k)
  const per = x.length / n
  try {
    for (let i = 0; i < n; i += batch) {
      const m = Math.min(batch, n - i)
      const t = tf.tidy(() => graph.forward(tf.tensor(x.subarray(i * per, (i + m) * per), [m, ...ir.inputShape]), { training: false, logits: true }))
      out.set(t.dataSync(), i * k)
      t.dispose()
    }
    return out
  } finally {
    graph.dispose()
  }
}

/** Softmax outputs (float) for every window; with `qat`, through the fake-quantized graph. */
export function predict(ir: ModelIR, x: Float32Array, n: number, qat?: { options: QatOptions; ranges: Record<string, Range> }): Float32Array {
  const graph = new IrGraph(ir, false)
  if (qat) for (const [k, r] of Object.entries(qat.ranges)) graph.ranges.set(k, r)
  const k = ir.classes.length
  try {
    return tf.tidy(() => graph.forward(tf.tensor(x, [n, ...ir.inputShape]), { training: false, qat: qat?.options }).dataSync() as Float32Array).slice(0, n * k)
  } finally {
    graph.dispose()
  }
}

export interface DistillOptions {
  temperature: number
  /** Weight of the hard-label loss; the soft (teacher) loss gets 1 - alpha. */
  alpha: number
}

/** Trains the student (already initialised) against the teacher's softened outputs. */
export async function distill(teacher: ModelIR, student: ModelIR, train: WindowSet, cfg: FineTuneConfig, o: DistillOptions, hooks: FineTuneHooks = NO_HOOKS): Promise<ModelIR> {
  if (!(o.temperature >= 1) || !(o.alpha >= 0 && o.alpha <= 1)) {
    throw new MicroforgeError('INVALID_ARGUMENT', 'Distillation needs a temperature of at least 1 and alpha between 0 and 1.', 'Use temperature 4 and alpha 0.3 to start with.')
  }
  const teacherLogits = logitsOf(teacher, train.x, train.y.length)
  const graph = new IrGraph(student)
  try {
    await runLoop(graph, train, cfg, { loss: { kind: 'distill', teacherLogits, temperature: o.temperature, alpha: o.alpha } }, hooks)
    return graph.toIR()
  } finally {
    graph.dispose()
  }
}
