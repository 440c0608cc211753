import { join, resolve } from 'node:path'
import type { JobStarted } from '../../shared/contract/jobs'
import type { TrainingApi } from '../../shared/contract/training'
import { MicroforgeError } from '../../shared/errors'
import type { SearchRequest } from '../../shared/search'
import type { EpochMetrics, EvaluationResult, ModelPreset, ModelSpec, ModelSummary, TrainOptions, TrainRequest, TrainResult } from '../../shared/training'
import type { ModelJson } from '../core/train/artifacts'
import { chanceLoss, collapsed } from '../core/train/baseline'
import { resolveOptions } from '../core/train/options'
import { PRESETS } from '../core/train/presets'
import { applyPreprocessing } from '../core/train/preprocess'
import { prepareData } from '../core/train/prepare'
import { summarizeSpec } from '../core/train/summary'
import { balancedClassWeights } from '../core/train/train-loop'
import type { EvaluateWorkerResult, TrainWorkerRequest, TrainWorkerResult, WorkerOut } from '../workers/train-protocol'
import { dataFingerprint, FLOAT_MODEL_PATH } from '../storage/lineage'
import { settleCommit } from '../storage/commit-journal'
import { modelFolderChange, readModelAttachment } from '../storage/model-io'
import type { JobService } from './job-service'
import type { ProjectService } from './project-service'
import { readProjectFile } from '../storage/project-store'
import { readSamples, readWindowHeads } from '../storage/samples'
import { readFloatModelWindows } from '../storage/float-model'
import { startSearch } from './search-service'
import { refuseWhileTraining, trainResultOf } from './train-run'
import { runWorker } from './worker-host'

/**
 * The Train step: reads the project's windows, fits the preprocessing, trains in a worker thread as
 * a job, and saves model.json + weights.bin + training.json under models/float (atomic writes).
 * The preprocessing recipe and the options go into project.json for firmware and the next run.
 */
export class TrainingService implements TrainingApi {
  constructor(
    private readonly jobs: JobService,
    private readonly projects: ProjectService
  ) {}

  async presets(): Promise<ModelPreset[]> {
    return structuredClone(PRESETS)
  }

  async summary(spec: ModelSpec, inputShape: number[], classes: number): Promise<ModelSummary> {
    return summarizeSpec(spec, inputShape, classes)
  }

  async search(projectDir: string, request: SearchRequest): Promise<JobStarted> {
    return startSearch({ jobs: this.jobs, save: (dir, out, result) => this.save(dir, out, result) }, projectDir, request)
  }

  async start(projectDir: string, request: TrainRequest): Promise<JobStarted> {
    const dir = resolve(projectDir)
    await refuseWhileTraining(this.jobs, dir)
    const project = await readProjectFile(dir)
    const options = resolveOptions(request, project.settings.training as Partial<TrainOptions> | undefined)
    const samples = await readSamples(dir)
    if (samples.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'This project has no windows to train on.', 'Record or import windows in the Capture step first.')
    const data = prepareData(samples, project.classes.map((c) => c.name), options.preprocessing, project.signal.windowLength, options.validationSplit, options.seed)
    // Checked before the job starts so a model that does not fit the window fails at once.
    const summary = summarizeSpec(options.spec, data.inputShape, data.classes.length)

    return this.jobs.start(
      'train',
      async (ctx) => {
        const started = Date.now()
        const cancelFlag = new Int32Array(new SharedArrayBuffer(4))
        const req: TrainWorkerRequest = {
          kind: 'train',
          backend: options.backend,
          config: {
            spec: options.spec,
            inputShape: data.inputShape,
            classes: data.classes,
            epochs: options.epochs,
            batchSize: options.batchSize,
            learningRate: options.learningRate,
            optimizer: options.optimizer,
            earlyStoppingPatience: options.earlyStoppingPatience,
            seed: options.seed,
            classWeights: options.balanceClasses ? balancedClassWeights(data.train.y, data.classes.length) : undefined
          },
          train: data.train,
          val: data.val,
          test: data.test,
          cancelFlag
        }
        ctx.report(0, 'Starting the training worker…')
        const out = await runWorker<TrainWorkerResult, WorkerOut>('train-worker', req, {
          signal: ctx.signal,
          onCancel: () => Atomics.store(cancelFlag, 0, 1),
          onMessage: (msg) => {
            if (msg.type !== 'epoch') return
            const m: EpochMetrics = msg.metrics
            const perEpoch = (Date.now() - started) / m.epoch
            const val = m.valAcc === null ? '' : `, val acc ${(m.valAcc * 100).toFixed(1)}%`
            ctx.report(m.epoch / m.epochs, `Epoch ${m.epoch}/${m.epochs}: loss ${m.loss.toFixed(3)}, acc ${(m.acc * 100).toFixed(1)}%${val}`, m, Math.round(perEpoch * (m.epochs - m.epoch)))
          }
        })
        const chance = chanceLoss(data.train.y, data.classes.length, options.balanceClasses)
        if (collapsed(out.history, chance)) {
          const best = Math.min(...out.history.map((m) => m.loss))
          throw new MicroforgeError(
            'MODEL_ERROR',
            `The model did not learn: its training loss stayed at ${best.toFixed(3)}, no better than guessing among ${data.classes.length} classes (${chance.toFixed(3)}). It was not saved.`,
            'Use the fitted preprocessing (auto), lower the learning rate, try the 1D CNN, or let "Find a good model" search.'
          )
        }
        const result = trainResultOf(dir, out, data, options, summary, started)
        await this.save(dir, out, result)
        return result
      },
      dir,
      options
    )
  }

  /** Writes a trained model as the project's float model (also used by the search). */
  async save(dir: string, out: TrainWorkerResult, result: TrainResult): Promise<void> {
    const bad = firstNonFinite(new Float32Array(out.weights, 0, Math.floor(out.weights.byteLength / 4)))
    if (bad >= 0) {
      throw new MicroforgeError(
        'MODEL_ERROR',
        `Training produced a weight that is not a finite number (weight ${bad} is NaN or infinite), so the model was not saved; the previous model is kept.`,
        'Check the data for extreme values, use the fitted preprocessing (auto), or lower the learning rate, then train again.'
      )
    }
    const modelJson: ModelJson = {
      ...out.modelJson,
      userDefinedMetadata: {
        classes: result.classes,
        inputShape: [result.preprocessing.windowLength, result.preprocessing.axes.length],
        preprocessing: result.preprocessing,
        // The data it learned from: when the windows change, the model and all made from it are stale.
        dataFingerprint: dataFingerprint((await readWindowHeads(dir)).heads)
      }
    }
    // The model folder (weights, training.json, model.json) and project.json commit in one step.
    const model = await modelFolderChange(dir, FLOAT_MODEL_PATH, modelJson, out.weights, { training: result })
    await this.projects.mutate(
      dir,
      (project) => ({
        signal: { preprocessing: { ...result.preprocessing } },
        settings: { ...project.settings, training: result.options }
      }),
      model.files,
      model.removes
    )
  }

  async result(projectDir: string): Promise<TrainResult | null> {
    await settleCommit(resolve(projectDir))
    return readModelAttachment<TrainResult>(join(resolve(projectDir), FLOAT_MODEL_PATH), 'training')
  }

  async evaluate(projectDir: string): Promise<EvaluationResult> {
    const dir = resolve(projectDir)
    await settleCommit(dir)
    const { modelJson, weights, classes, preprocessing: p, test, training: last } = await readFloatModelWindows(dir)
    if (test.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'There are no test windows to evaluate on.', 'Mark some windows as test in the Capture step.')
    const req: TrainWorkerRequest = {
      kind: 'evaluate',
      backend: last?.options.backend ?? 'auto',
      modelJson,
      weights,
      inputShape: [p.windowLength, p.axes.length],
      classes,
      test: { x: applyPreprocessing(p, test[0].axes, test.map((s) => s.values)), y: test.map((s) => classes.indexOf(s.label)), ids: test.map((s) => s.id) }
    }
    const out = await runWorker<EvaluateWorkerResult>('train-worker', req)
    return out.test
  }
}

/** Index of the first NaN or infinite value, or -1. */
export function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i
  return -1
}
