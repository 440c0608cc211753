import { resolve } from 'node:path'
import { BOARDS } from '../../shared/boards'
import type { JobStarted } from '../../shared/contract/jobs'
import { MicroforgeError } from '../../shared/errors'
import { DEFAULT_SEARCH_BUDGET_SECONDS, FIRST_MODEL_MIN_EPOCHS, type CandidateResult, type SearchProgress, type SearchRequest, type SearchResult } from '../../shared/search'
import type { PreprocessingMethod, TrainOptions, TrainResult } from '../../shared/training'
import { resolveOptions } from '../core/train/options'
import { prepareData, type PreparedData } from '../core/train/prepare'
import { overBudgetMs, overBudgetNote, overBudgetProgress, searchFailure } from '../core/train/search-report'
import type { SearchSets } from '../core/train/search-run'
import { rankCandidates, scaledSpec, searchCandidates } from '../core/train/search-space'
import { summarizeSpec } from '../core/train/summary'
import type { SearchWorkerResult, TrainWorkerRequest, TrainWorkerResult, WorkerOut } from '../workers/train-protocol'
import type { JobService } from './job-service'
import { readProjectFile } from '../storage/project-store'
import { readSamples } from '../storage/samples'
import { refuseWhileTraining, trainResultOf } from './train-run'
import { runWorker } from './worker-host'
import { formatNoun } from '../../shared/format'

/** Time kept back from the budget for starting the worker, the final evaluation and saving. */
const RESERVE_MS = 2500
const SEARCH_PATIENCE = 10

export interface SearchHost {
  jobs: JobService
  save(dir: string, out: TrainWorkerResult, result: TrainResult): Promise<void>
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

function sets(d: PreparedData): SearchSets {
  if (!d.val) throw new MicroforgeError('INVALID_ARGUMENT', 'The search needs validation windows to rank candidates.', 'Set a validation share above 0 (0.2 is the default).')
  return { train: d.train, val: d.val, test: d.test }
}

/** How the re-check of the leaders tied on validation decided, if there was one. */
function recheckNote(ranked: CandidateResult[]): string {
  const r = ranked[0].recheck
  if (!r) return ''
  const leaders = ranked.filter((c) => c.recheck).length
  return `; of the ${leaders} models tied at the top, it also did best when each was trained again on ${r.folds - 1} other folds of the training windows (${pct(r.accuracy)} of ${r.windows} validation windows, test windows never used)`
}

/**
 * "Find a good model": prepares the project's windows with the fitted preprocessing and its
 * alternative, then trains candidates in a worker thread within the budget (search-run.ts), ranks
 * them by validation accuracy and the board's budget, and saves the best as the project's model,
 * exactly as a training run would be saved (models/float, training.json, project settings).
 */
export async function startSearch(host: SearchHost, projectDir: string, request: SearchRequest): Promise<JobStarted> {
  const dir = resolve(projectDir)
  await refuseWhileTraining(host.jobs, dir)
  const project = await readProjectFile(dir)
  const base = resolveOptions({}, project.settings.training as Partial<TrainOptions> | undefined)
  const options: TrainOptions = { ...base, validationSplit: base.validationSplit > 0 ? base.validationSplit : 0.2, seed: request.seed ?? base.seed }
  const board = BOARDS[request.board ?? 'nano33ble']
  const budgetMs = (request.budgetSeconds ?? DEFAULT_SEARCH_BUDGET_SECONDS) * 1000
  const samples = await readSamples(dir)
  if (samples.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'This project has no windows to train on.', 'Record or import windows in the Capture step first.')
  const classes = project.classes.map((c) => c.name)
  const prepare = (method: PreprocessingMethod | 'auto'): PreparedData => prepareData(samples, classes, { ...options.preprocessing, method }, project.signal.windowLength, options.validationSplit, options.seed)
  const fitted = prepare('auto')
  const fittedMethod = fitted.preprocessing.method
  const otherMethod: PreprocessingMethod = fittedMethod === 'window-offset' ? 'zscore' : 'window-offset'
  const other = prepare(otherMethod)
  const prepared: Partial<Record<PreprocessingMethod, PreparedData>> = { [fittedMethod]: fitted, [otherMethod]: other }
  const candidates = searchCandidates(fittedMethod, otherMethod)

  return host.jobs.start(
    'search',
    async (ctx) => {
      const started = Date.now()
      // Cancel means "stop and keep the best so far"; with nothing finished yet it stays a cancel.
      ctx.keepResultOnCancel('Stopped: the best model so far is now the project\'s model.')
      const cancelFlag = new Int32Array(new SharedArrayBuffer(4))
      const req: TrainWorkerRequest = {
        kind: 'search',
        backend: options.backend,
        config: {
          candidates,
          sets: { [fittedMethod]: sets(fitted), [otherMethod]: sets(other) },
          inputShape: fitted.inputShape,
          classes: fitted.classes,
          board,
          // A budget already spent (a late worker, a busy machine) still trains the first model: search-run.ts.
          deadline: started + Math.max(0, budgetMs - RESERVE_MS),
          seed: options.seed,
          patience: SEARCH_PATIENCE,
          balanceClasses: options.balanceClasses
        },
        cancelFlag
      }
      const progress: SearchProgress = { tried: [], planned: candidates.length, elapsedMs: 0, budgetMs }
      ctx.report(0, `Trying up to ${candidates.length} models within ${Math.round(budgetMs / 1000)} s…`, progress, budgetMs)
      // The first model trains on past the budget (search-run.ts): say so while it does, not "0 s left".
      const budgetEnd = setTimeout(() => {
        if (progress.tried.length) return
        ctx.report(0.99, `The budget has ended; the first model trains on to at least ${FIRST_MODEL_MIN_EPOCHS} epochs, and until it learns, so there is a model to keep…`, { ...progress, tried: [], elapsedMs: Date.now() - started })
      }, budgetMs)
      const out = await runWorker<SearchWorkerResult, WorkerOut>('train-worker', req, {
        signal: ctx.signal,
        onCancel: () => Atomics.store(cancelFlag, 0, 1),
        onMessage: (msg) => {
          if (msg.type !== 'candidate') return
          const r = msg.result
          progress.tried.push(r)
          progress.elapsedMs = Date.now() - started
          const bestVal = Math.max(...progress.tried.map((c) => c.valAccuracy))
          ctx.report(
            Math.min(0.99, progress.elapsedMs / budgetMs),
            `Tried ${msg.tried}: ${r.preset} x${r.width}, lr ${r.learningRate}, ${r.preprocessing}: validation ${pct(r.valAccuracy)} (best so far ${pct(bestVal)})${overBudgetProgress(overBudgetMs([r], progress.elapsedMs, budgetMs))}`,
            { ...progress, tried: [...progress.tried] },
            Math.max(0, budgetMs - progress.elapsedMs)
          )
        }
      }).finally(() => clearTimeout(budgetEnd))
      const data = prepared[out.candidates.find((c) => c.id === out.bestId)!.preprocessing]!
      const ranked = rankCandidates(out.candidates, data.val?.y.length ?? 0)
      const best = ranked[0]
      const failure = searchFailure(ranked, candidates.length - ranked.length, out.stoppedByUser)
      if (failure) throw failure
      const spec = scaledSpec(best.preset, best.width)
      const resultOptions: TrainOptions = { ...options, spec, epochs: best.epochs, batchSize: best.batchSize, learningRate: best.learningRate, earlyStoppingPatience: SEARCH_PATIENCE, preprocessing: { ...options.preprocessing, method: best.preprocessing } }
      const train = trainResultOf(dir, out, data, resultOptions, summarizeSpec(spec, data.inputShape, data.classes.length), started)
      await host.save(dir, out, train)
      const fits = best.fits ? `fits the ${board.name} (${Math.ceil(best.flashBytes / 1024)} KB weights, ${Math.ceil(best.ramBytes / 1024)} KB activations, about ${best.latencyMs.toFixed(1)} ms)` : `does not fit the ${board.name} (${best.misfit}), and none that fits did better`
      const elapsedMs = Date.now() - started
      const overMs = overBudgetMs(ranked, elapsedMs, budgetMs)
      const result: SearchResult = {
        board: board.id,
        budgetMs,
        elapsedMs,
        candidates: ranked,
        skipped: out.skipped,
        bestId: best.id,
        stoppedByUser: out.stoppedByUser,
        ...(overMs > 0 ? { overBudgetMs: overMs } : {}),
        reason: `${overBudgetNote(overMs, ranked)}${out.stoppedByUser ? `Stopped by you after ${ranked.length} of ${formatNoun(candidates.length, 'model')}: ` : ''}${best.preset} x${best.width} at learning rate ${best.learningRate} with ${best.preprocessing} preprocessing had the best validation accuracy (${pct(best.valAccuracy)}) of ${formatNoun(ranked.length, 'model')} tried${recheckNote(ranked)} and ${fits}.`,
        train
      }
      return result
    },
    dir
  )
}
