import { join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import type { ModelSummary, TrainOptions, TrainResult } from '../../shared/training'
import { adviseOnResult } from '../core/train/advice'
import type { PreparedData } from '../core/train/prepare'
import type { TrainWorkerResult } from '../workers/train-protocol'
import { FLOAT_MODEL_PATH } from '../storage/lineage'
import type { JobService } from './job-service'

/** What a training run and a search share (a search saves its best model as a run): one of them at a time per project. */
export async function refuseWhileTraining(jobs: JobService, dir: string): Promise<void> {
  const running = (await jobs.list()).find((j) => (j.kind === 'train' || j.kind === 'search') && j.project === dir && j.state === 'running')
  if (running) throw new MicroforgeError('ALREADY_EXISTS', 'This project is already training.', 'Wait for it to finish or cancel it first.')
}

/** What training returns and saves (training.json), from the worker's output: one shape for a plain run and a search's best model. */
export function trainResultOf(
  dir: string,
  out: Pick<TrainWorkerResult, 'backend' | 'backendFallback' | 'test' | 'history' | 'stoppedEarly' | 'bestEpoch' | 'baseline'>,
  data: PreparedData,
  options: TrainOptions,
  summary: ModelSummary,
  started: number
): TrainResult {
  return {
    backend: out.backend,
    ...(out.backendFallback ? { backendFallback: out.backendFallback } : {}),
    modelPath: join(dir, FLOAT_MODEL_PATH, 'model.json'),
    testAccuracy: out.test.accuracy,
    test: out.test,
    history: out.history,
    stoppedEarly: out.stoppedEarly,
    bestEpoch: out.bestEpoch,
    epochsRun: out.history.length,
    trainWindows: data.train.y.length,
    validationWindows: data.val?.y.length ?? 0,
    testWindows: data.test.y.length,
    testIds: data.test.ids,
    summary,
    preprocessing: data.preprocessing,
    options,
    classes: data.classes,
    baseline: out.baseline,
    advice: adviseOnResult({ testAccuracy: out.test.accuracy, baseline: out.baseline, preprocessing: data.preprocessing, spec: options.spec, epochs: options.epochs, history: out.history, bestEpoch: out.bestEpoch, stoppedEarly: out.stoppedEarly }),
    trainMs: Date.now() - started,
    finishedAt: new Date().toISOString()
  }
}
