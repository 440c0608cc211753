import { join, resolve, sep } from 'node:path'
import type { JobStarted } from '../../shared/contract/jobs'
import type { OptimizeApi, OptimizeRequest, OptimizeStarted, SweepRequest } from '../../shared/contract/optimize'
import { MicroforgeError } from '../../shared/errors'
import type { Budget, Recommendation, SweepPoint, TargetId, TargetModel, VariantIndex, VariantKind, VariantRecord } from '../../shared/optimize'
import type { TrainOptions } from '../../shared/training'
import { applyCorrection, TARGETS } from '../core/cost/latency'
import { recommend } from '../core/optimize/recommend'
import { withAccuracyDeltas } from '../core/optimize/variant-index'
import { TITLES, variantTitle, type TechniqueOptions } from '../core/optimize/variants'
import { applyPreprocessing } from '../core/train/preprocess'
import type { ModelJson } from '../core/train/artifacts'
import type { WindowSet } from '../core/train/train-loop'
import type { OptimizeWorkerOut, OptimizeWorkerRequest, OptimizeWorkerResult } from '../workers/optimize-protocol'
import { commitFiles, type CommitFile } from '../storage/commit-journal'
import { readVariantIndexFile } from '../storage/variant-index'
import { throwIfCancelled, type JobContext, type JobService } from './job-service'
import { currentLineage, isStaleVariant, modelFingerprint } from '../storage/lineage'
import { withProjectLock } from '../storage/project-lock'
import { readProjectFile } from '../storage/project-store'
import { readFloatModelWindows } from '../storage/float-model'
import { runWorker } from './worker-host'

export const VARIANTS_DIR = join('models', 'variants')
const INDEX_FILE = 'index.json'

interface ProjectData {
  modelJson: ModelJson
  weights: ArrayBuffer
  classes: string[]
  train: WindowSet
  test: WindowSet
  backend: TrainOptions['backend']
  corrections: Partial<Record<TargetId, number>>
  trainAccuracy: number | null
  /** modelFingerprint() of the float model the variants are made from. */
  fingerprint: string
}

/** No float32 row of the model trained now, which every accuracy change is measured from. */
function needsBaseline(index: VariantIndex): boolean {
  return !index.variants.some((v) => v.kind === 'float32' && !v.stale)
}

/** Per-board factors measured/estimated that profiling stores in project.json (settings.latencyCorrections). */
async function readCorrections(dir: string): Promise<Partial<Record<TargetId, number>>> {
  const project = await readProjectFile(dir)
  return (project.settings.latencyCorrections ?? {}) as Partial<Record<TargetId, number>>
}

function emptyIndex(): VariantIndex {
  return { version: 1, floatAccuracy: null, variants: [], sweeps: [] }
}

/** What the request asks of each technique, in the worker's terms. */
export function techniqueOptions(r: OptimizeRequest | SweepRequest): Partial<TechniqueOptions> {
  const o: Partial<TechniqueOptions> = {}
  if (r.epochs !== undefined) o.epochs = r.epochs
  if (r.learningRate !== undefined) o.learningRate = r.learningRate
  if (r.seed !== undefined) o.seed = r.seed
  if ('variants' in r) {
    if (r.batchSize !== undefined) o.batchSize = r.batchSize
    if (r.sparsity !== undefined) o.sparsity = r.sparsity
    if (r.structuredFraction !== undefined) o.structuredFraction = r.structuredFraction
    if (r.clusters !== undefined) o.clusters = r.clusters
    if (r.temperature !== undefined) o.temperature = r.temperature
    if (r.alpha !== undefined) o.alpha = r.alpha
    if (r.student !== undefined) o.studentSpec = r.student
    if (r.studentEpochs !== undefined) o.studentEpochs = r.studentEpochs
    if (r.perChannel !== undefined) o.perChannel = r.perChannel
  }
  return o
}

/**
 * The Optimize step: every variant is a job whose worker fine-tunes (where the technique needs it),
 * exports through the same exporter as Deploy and measures the .tflite with the int8 interpreter
 * on the project's test windows. Variants run one at a time (they compete for the same cores);
 * results land in models/variants/ with atomic writes.
 */
export class OptimizeService implements OptimizeApi {
  private queue: Promise<void> = Promise.resolve()

  constructor(private readonly jobs: JobService) {}

  async targets(): Promise<TargetModel[]> {
    return structuredClone(TARGETS)
  }

  async start(projectDir: string, request: OptimizeRequest): Promise<OptimizeStarted> {
    const dir = resolve(projectDir)
    const data = await this.loadData(dir)
    const index = await this.list(dir)
    const kinds = [...new Set(request.variants)]
    // The float32 row is the baseline every change is measured from: made again after retraining.
    if (!kinds.includes('float32') && needsBaseline(index)) kinds.unshift('float32')
    const options = techniqueOptions(request)
    return {
      jobs: kinds.map((kind) => ({
        variant: kind,
        jobId: this.enqueue(`optimize-${kind}`, TITLES[kind], dir, async (ctx) => {
          const record = await this.runVariant(ctx, dir, data, kind, kind, options, 0, 1)
          return record
        }).jobId
      }))
    }
  }

  async sweep(projectDir: string, request: SweepRequest): Promise<JobStarted> {
    const dir = resolve(projectDir)
    const data = await this.loadData(dir)
    const sparsities = [...new Set(request.sparsities ?? [0.5, 0.7, 0.9])].sort((a, b) => a - b)
    const options = techniqueOptions(request)
    const index = await this.list(dir)
    const baseline = needsBaseline(index)
    return this.enqueue('optimize-sweep', 'Sparsity sweep', dir, async (ctx) => {
      const points: SweepPoint[] = []
      // The curve's accuracy changes are measured from the float32 row of the model trained now.
      const steps = sparsities.length + (baseline ? 1 : 0)
      if (baseline) await this.runVariant(ctx, dir, data, 'float32', 'float32', options, 0, 1 / steps)
      for (let i = 0; i < sparsities.length; i++) {
        const s = sparsities[i]
        const name = `prune-${Math.round(s * 100)}`
        const k = i + (baseline ? 1 : 0)
        const rec = await this.runVariant(ctx, dir, data, 'prune', name, { ...options, sparsity: s }, k / steps, 1 / steps)
        points.push({ sparsity: s, accuracy: rec.accuracy, tfliteBytes: rec.tfliteBytes, gzipBytes: rec.gzipBytes, variant: name })
      }
      const sweep = { name: `sweep-${new Date().toISOString()}`, createdAt: new Date().toISOString(), points }
      await this.updateIndex(dir, (idx) => ({ ...idx, sweeps: [...idx.sweeps, sweep].slice(-10) }))
      return sweep
    })
  }

  async list(projectDir: string): Promise<VariantIndex> {
    const dir = resolve(projectDir)
    const index = await this.readIndex(dir)
    // Corrections change when a board is profiled; estimates always show the current ones.
    const corrections = await readCorrections(dir)
    // Of an earlier model, of this one while the data it was trained on has changed since, or of a model that cannot be read.
    const lineage = await currentLineage(dir)
    return {
      ...index,
      ...(lineage.modelProblem !== null ? { floatModelProblem: lineage.modelProblem } : {}),
      variants: index.variants.map((v) => ({
        ...v,
        latency: v.latency.map((l) => applyCorrection(l, corrections[l.target])),
        stale: isStaleVariant(lineage, v.sourceModel)
      }))
    }
  }

  /** The one reader of the index (storage/variant-index.ts), which Deploy and Profile share: none yet is an empty one. */
  private async readIndex(dir: string): Promise<VariantIndex> {
    return (await readVariantIndexFile(dir)) ?? emptyIndex()
  }

  async recommend(projectDir: string, budget: Budget): Promise<Recommendation> {
    const index = await this.list(projectDir)
    // Only variants of the model trained now: an earlier model's numbers are not this one's.
    return recommend(index.variants.filter((v) => !v.stale), index.floatAccuracy, budget)
  }

  async remove(projectDir: string, name: string): Promise<VariantIndex> {
    const dir = resolve(projectDir)
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw new MicroforgeError('INVALID_ARGUMENT', `"${name}" is not a variant name.`, 'List the variants to see their names.')
    const tflite = [...VARIANTS_DIR.split(sep), `${name}.tflite`].join('/')
    return this.updateIndex(
      dir,
      (idx) => {
        if (!idx.variants.some((v) => v.name === name)) throw new MicroforgeError('NOT_FOUND', `There is no variant "${name}".`, 'List the variants to see their names.')
        return { ...idx, variants: idx.variants.filter((v) => v.name !== name) }
      },
      null,
      [],
      [tflite]
    )
  }

  /** Starts a job that waits for the previous optimize job before it runs; its progress names `title` from the start. */
  private enqueue<T>(kind: string, title: string, dir: string, fn: (ctx: JobContext) => Promise<T>): JobStarted {
    const previous = this.queue
    let release!: () => void
    this.queue = new Promise<void>((r) => (release = r))
    return this.jobs.start(
      kind,
      async (ctx) => {
        try {
          ctx.report(0, `${title}: waiting for the previous optimization to finish…`)
          await previous
          throwIfCancelled(ctx.signal)
          return await fn(ctx)
        } finally {
          release()
        }
      },
      dir
    )
  }

  private async runVariant(ctx: JobContext, dir: string, data: ProjectData, kind: VariantKind, name: string, options: Partial<TechniqueOptions>, base: number, span: number): Promise<VariantRecord> {
    const started = Date.now()
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4))
    const req: OptimizeWorkerRequest = { kind, modelJson: data.modelJson, weights: data.weights, classes: data.classes, backend: data.backend, train: data.train, test: data.test, options, corrections: data.corrections, cancelFlag }
    ctx.report(base, `${TITLES[kind]}: starting…`)
    const out = await runWorker<OptimizeWorkerResult, OptimizeWorkerOut>('optimize-worker', req, {
      signal: ctx.signal,
      onCancel: () => Atomics.store(cancelFlag, 0, 1),
      onMessage: (msg) => {
        if (msg.type === 'stage') ctx.report(base + span * 0.95, `${TITLES[kind]}: ${msg.message}`)
        if (msg.type !== 'epoch') return
        const e = msg.report
        const perEpoch = (Date.now() - started) / e.epoch
        const sparsity = e.detail?.sparsity === undefined ? '' : `, sparsity ${(e.detail.sparsity * 100).toFixed(0)}%`
        ctx.report(base + span * 0.9 * (e.epoch / e.epochs), `${TITLES[kind]}: epoch ${e.epoch}/${e.epochs}, loss ${e.loss.toFixed(3)}, acc ${(e.acc * 100).toFixed(1)}%${sparsity}`, e, Math.round(perEpoch * (e.epochs - e.epoch)))
      }
    })
    const m = out.metrics
    const path = join(VARIANTS_DIR, `${name}.tflite`)
    const record: VariantRecord = {
      name,
      kind,
      title: variantTitle(kind, options),
      format: out.format,
      accuracy: m.accuracy,
      accuracyDelta: 0,
      accuracySource: m.accuracySource,
      tfliteBytes: m.tfliteBytes,
      gzipBytes: m.gzipBytes,
      params: m.params,
      macs: m.macs,
      arenaBytes: m.arenaBytes,
      tflmSupported: m.tflmSupported,
      ...(m.tflmProblem ? { tflmProblem: m.tflmProblem } : {}),
      latency: m.latency,
      hostLatencyMs: m.hostLatencyMs,
      sparsity: m.sparsity,
      sparsityPerLayer: m.sparsityPerLayer.map((l) => ({ name: l.name, weights: l.weights, zeros: l.zeros, sparsity: l.sparsity })),
      ...(kind === 'cluster' ? { clusters: Number(out.settings.clusters) } : {}),
      jobMs: Date.now() - started,
      path: path.split('\\').join('/'),
      settings: { ...out.settings, warnings: out.warnings, backend: out.backend },
      ...(out.backendFallback ? { backendFallback: out.backendFallback } : {}),
      ...(out.baseline ? { baselineAccuracy: out.baseline.accuracy } : {}),
      createdAt: new Date().toISOString(),
      sourceModel: data.fingerprint
    }
    return this.saveVariant(dir, record, new Uint8Array(out.bytes), data.trainAccuracy)
  }

  /**
   * A variant's .tflite and its row in index.json commit together: a kill never pairs new bytes
   * with the numbers of the previous ones, nor leaves a .tflite the index does not list.
   */
  async saveVariant(dir: string, record: VariantRecord, bytes: Uint8Array, trainAccuracy: number | null): Promise<VariantRecord> {
    const index = await this.updateIndex(dir, (idx) => ({ ...idx, variants: [...idx.variants.filter((v) => v.name !== record.name), record] }), trainAccuracy, [{ path: record.path, data: bytes }])
    return index.variants.find((v) => v.name === record.name)!
  }

  /**
   * Read-modify-write of index.json under the project lock; deltas follow the float32 row. `files`
   * and `removes` (project-relative) commit in the same step as the index.
   */
  private async updateIndex(dir: string, change: (idx: VariantIndex) => VariantIndex, fallbackFloat: number | null = null, files: CommitFile[] = [], removes: string[] = []): Promise<VariantIndex> {
    return withProjectLock(dir, async () => {
      const next = withAccuracyDeltas(change(await this.readIndex(dir)), fallbackFloat)
      const indexPath = [...VARIANTS_DIR.split(sep), INDEX_FILE].join('/')
      await commitFiles(dir, [...files, { path: indexPath, data: JSON.stringify(next, null, 2) + '\n' }], removes)
      return next
    })
  }

  /**
   * The windows the float model was trained and tested on: test windows are the ones marked test,
   * or (when training drew the split) the ids training recorded; the rest fine-tune and calibrate.
   */
  private async loadData(dir: string): Promise<ProjectData> {
    const { modelJson, weights, classes, preprocessing: p, windows: all, test, training } = await readFloatModelWindows(dir)
    if (test.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no test windows to measure the variants on.', 'Mark some windows as test in the Capture step, or train again.')
    const testIds = new Set(test.map((s) => s.id))
    const train = all.filter((s) => !testIds.has(s.id))
    if (train.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no training windows to calibrate and fine-tune on.', 'Record more windows.')
    const set = (list: typeof all): WindowSet => ({ x: applyPreprocessing(p, list[0].axes, list.map((s) => s.values)), y: list.map((s) => classes.indexOf(s.label)), ids: list.map((s) => s.id) })
    const corrections = await readCorrections(dir)
    return {
      modelJson,
      weights,
      classes,
      train: set(train),
      test: set(test),
      backend: training?.options.backend ?? 'auto',
      corrections,
      trainAccuracy: training?.testAccuracy ?? null,
      fingerprint: modelFingerprint(modelJson, weights)
    }
  }
}
