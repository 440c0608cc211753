import type { BoardInfo } from '../../../shared/boards'
import { MicroforgeError } from '../../../shared/errors'
import type { CandidateResult, SearchCandidate } from '../../../shared/search'
import type { EpochMetrics, PreprocessingMethod } from '../../../shared/training'
import { estimateLatency } from '../optimize/latency'
import type * as tf from '@tensorflow/tfjs'
import { chanceLoss, collapsed } from './baseline'
import { layersModelToIR } from './model-ir-convert'
import { fitOnBoard, int8Costs, rankCandidates, scaledSpec } from './search-space'
import { balancedClassWeights, evaluateModel, trainLoop, type TrainLoopConfig, type TrainLoopResult, type WindowSet } from './train-loop'

export interface SearchSets {
  train: WindowSet
  val: WindowSet
  test: WindowSet
}

export interface SearchConfig {
  candidates: SearchCandidate[]
  /** The same split, preprocessed by each method a candidate may use. */
  sets: Partial<Record<PreprocessingMethod, SearchSets>>
  inputShape: [number, number]
  classes: string[]
  board: BoardInfo
  /** Date.now() by which training must end: set by the caller, so starting the worker counts too. */
  deadline: number
  seed: number
  batchSize: number
  /** Shorter than a normal run's: the search needs a ranking, the winner keeps its best epoch. */
  patience: number
  balanceClasses: boolean
}

export interface SearchHooks {
  cancelled(): boolean
  onCandidate(result: CandidateResult, tried: number, elapsedMs: number): Promise<void> | void
  now?(): number
}

export interface SearchRun {
  results: CandidateResult[]
  skipped: number
  /** Cancelled after at least one candidate finished: the run ends with the best so far. */
  stoppedByUser: boolean
  best: { result: CandidateResult; model: tf.Sequential; history: EpochMetrics[]; stoppedEarly: boolean; bestEpoch: number } | null
}

/**
 * Trains candidates one after another until the budget is spent: a candidate starts only when the
 * time left is at least half of what candidates took so far, and one still training when the
 * budget ends stops at the end of its epoch with its best weights (so the budget holds to about
 * one epoch). Keeps only the best model alive. Cancel stops between batches: the candidate in
 * training is dropped and the run ends with the best finished one, or throws CANCELLED when none
 * has finished yet.
 */
export async function runSearch(cfg: SearchConfig, hooks: SearchHooks): Promise<SearchRun> {
  const now = hooks.now ?? (() => Date.now())
  const started = now()
  const deadline = cfg.deadline
  const results: CandidateResult[] = []
  let best: SearchRun['best'] = null
  let spent = 0
  let skipped = 0
  const stop = (): SearchRun => {
    if (!best) throw new MicroforgeError('CANCELLED', 'The search was cancelled.')
    return { results, skipped: cfg.candidates.length - results.length, best, stoppedByUser: true }
  }
  for (const c of cfg.candidates) {
    if (hooks.cancelled()) return stop()
    const left = deadline - now()
    const typical = results.length ? spent / results.length : 0
    if (left <= 0 || left < typical * 0.5) {
      skipped++
      continue
    }
    const sets = cfg.sets[c.preprocessing]
    if (!sets) continue
    const t0 = now()
    const spec = scaledSpec(c.preset, c.width)
    const loopConfig: TrainLoopConfig = {
      spec,
      inputShape: cfg.inputShape,
      classes: cfg.classes,
      epochs: c.epochs,
      batchSize: cfg.batchSize,
      learningRate: c.learningRate,
      optimizer: 'adam',
      earlyStoppingPatience: cfg.patience,
      seed: cfg.seed,
      classWeights: cfg.balanceClasses ? balancedClassWeights(sets.train.y, cfg.classes.length) : undefined
    }
    let run: TrainLoopResult
    try {
      run = await trainLoop(loopConfig, sets.train, sets.val, { cancelled: hooks.cancelled, onEpoch: () => new Promise<void>((r) => setImmediate(r)), shouldStop: () => now() >= deadline })
    } catch (err) {
      if (err instanceof MicroforgeError && err.code === 'CANCELLED') return stop()
      throw err
    }
    if (hooks.cancelled()) {
      run.model.dispose()
      return stop()
    }
    const val = evaluateModel(run.model, sets.val, cfg.inputShape, cfg.classes)
    const test = evaluateModel(run.model, sets.test, cfg.inputShape, cfg.classes)
    const costs = int8Costs(spec, cfg.inputShape, cfg.classes.length)
    const latency = estimateLatency(layersModelToIR(run.model, cfg.classes), 'int8').find((l) => l.target === cfg.board.id)
    const misfit = fitOnBoard(costs, cfg.board)
    const trainMs = now() - t0
    const result: CandidateResult = {
      ...c,
      valAccuracy: val.accuracy,
      valLoss: val.loss,
      testAccuracy: test.accuracy,
      epochsRun: run.history.length,
      ...costs,
      latencyMs: latency?.ms ?? 0,
      fits: misfit === null,
      misfit,
      trainMs,
      collapsed: collapsed(run.history, chanceLoss(sets.train.y, cfg.classes.length, cfg.balanceClasses)),
      cutShort: now() >= deadline && run.history.length < c.epochs
    }
    spent += trainMs
    results.push(result)
    if (!best || rankCandidates([best.result, result], sets.val.y.length)[0] === result) {
      best?.model.dispose()
      best = { result, model: run.model, history: run.history, stoppedEarly: run.stoppedEarly, bestEpoch: run.bestEpoch }
    } else {
      run.model.dispose()
    }
    await hooks.onCandidate(result, results.length, now() - started)
  }
  return { results, skipped, best, stoppedByUser: false }
}
