import type { BoardInfo } from '../../../shared/boards'
import { MicroforgeError } from '../../../shared/errors'
import { FIRST_MODEL_MIN_EPOCHS, type CandidateResult, type SearchCandidate } from '../../../shared/search'
import type { EpochMetrics, PreprocessingMethod } from '../../../shared/training'
import { estimateLatency } from '../cost/latency'
import type * as tf from '@tensorflow/tfjs'
import { chanceLoss, collapsed } from './baseline'
import { layersModelToIR } from './model-ir-convert'
import { addFold, contenders, RECHECK_FOLDS, RECHECK_SHARE, recheckFolds, SMALL_VALIDATION, startScore, type Fold } from './search-recheck'
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

interface Trained {
  result: CandidateResult
  model: tf.Sequential
  history: EpochMetrics[]
  stoppedEarly: boolean
  bestEpoch: number
}

function loopConfig(cfg: SearchConfig, c: SearchCandidate, train: WindowSet): TrainLoopConfig {
  return {
    spec: scaledSpec(c.preset, c.width),
    inputShape: cfg.inputShape,
    classes: cfg.classes,
    epochs: c.epochs,
    batchSize: c.batchSize,
    learningRate: c.learningRate,
    optimizer: 'adam',
    earlyStoppingPatience: cfg.patience,
    seed: cfg.seed,
    classWeights: cfg.balanceClasses ? balancedClassWeights(train.y, cfg.classes.length) : undefined
  }
}

/**
 * Whether the first model may stop at the deadline: it has diverged (a loss that is not a number
 * will not recover), or it has trained its minimum epochs and its loss is below chance.
 */
export function firstModelReady(history: readonly EpochMetrics[], chance: number): boolean {
  const last = history[history.length - 1]
  if (last && !Number.isFinite(last.loss)) return true
  return history.length >= FIRST_MODEL_MIN_EPOCHS && !collapsed(history, chance)
}

/**
 * Trains candidates one after another until the budget is spent: a candidate starts only when the
 * time left is at least half of what candidates took so far, and one still training when the
 * budget ends stops at the end of its epoch with its best weights (so the budget holds to about
 * one epoch). The first candidate always runs and, past the deadline, trains on until
 * firstModelReady (or its own epoch count), recording how long it ran over (overtimeMs), so a late
 * worker or a busy machine still ends with a model that learnt. With time left after every
 * candidate, the leaders tied on validation accuracy are re-checked on other folds of the training
 * windows (search-recheck.ts). Cancel stops between batches: the candidate in training is dropped
 * and the run ends with the best finished one, or throws CANCELLED when none has finished yet. The
 * test split is evaluated for the report only.
 */
export async function runSearch(cfg: SearchConfig, hooks: SearchHooks): Promise<SearchRun> {
  const now = hooks.now ?? (() => Date.now())
  const started = now()
  const deadline = cfg.deadline
  const results: CandidateResult[] = []
  // Every finished model stays alive until the end: the re-check may pick any of the leaders.
  const trained = new Map<string, Trained>()
  let best: Trained | null = null
  let spent = 0
  let skipped = 0
  const finish = (chosen: Trained | null, stoppedByUser: boolean): SearchRun => {
    for (const t of trained.values()) if (t !== chosen) t.model.dispose()
    if (!chosen && stoppedByUser) throw new MicroforgeError('CANCELLED', 'The search was cancelled.')
    return { results, skipped: stoppedByUser ? cfg.candidates.length - results.length : skipped, best: chosen, stoppedByUser }
  }
  const firstVal = Object.values(cfg.sets)[0]?.val.y.length ?? 0
  // On a small validation split the ranking ties easily: keep part of the budget for the re-check,
  // once every preset's defaults (the first candidates) have been tried.
  const firstPassEnd = firstVal < SMALL_VALIDATION ? deadline - (deadline - started) * RECHECK_SHARE : deadline
  for (const c of cfg.candidates) {
    if (hooks.cancelled()) return finish(best, true)
    const left = deadline - now()
    const typical = results.length ? spent / results.length : 0
    // The first candidate always runs (see firstModelReady), so a busy machine that starts the worker late
    // still gets a model rather than nothing for a budget the user chose in good faith.
    const first = results.length === 0
    if (!first && (left <= 0 || left < typical * 0.5 || (results.length >= 3 && now() >= firstPassEnd))) {
      skipped++
      continue
    }
    const sets = cfg.sets[c.preprocessing]
    if (!sets) continue
    const t0 = now()
    const lc = loopConfig(cfg, c, sets.train)
    const chance = chanceLoss(sets.train.y, cfg.classes.length, cfg.balanceClasses)
    let heldPastDeadline = false
    const shouldStop = (epochs: readonly EpochMetrics[]): boolean => {
      if (now() < deadline) return false
      if (!first || firstModelReady(epochs, chance)) return true
      heldPastDeadline = true
      return false
    }
    let run: TrainLoopResult
    try {
      run = await trainLoop(lc, sets.train, sets.val, { cancelled: hooks.cancelled, onEpoch: yieldToMessages, shouldStop })
    } catch (err) {
      if (err instanceof MicroforgeError && err.code === 'CANCELLED') return finish(best, true)
      throw err
    }
    if (hooks.cancelled()) {
      run.model.dispose()
      return finish(best, true)
    }
    const val = evaluateModel(run.model, sets.val, cfg.inputShape, cfg.classes)
    const test = evaluateModel(run.model, sets.test, cfg.inputShape, cfg.classes)
    const costs = int8Costs(lc.spec, cfg.inputShape, cfg.classes.length)
    const latency = estimateLatency(layersModelToIR(run.model, cfg.classes), 'int8').find((l) => l.target === cfg.board.id)
    const misfit = fitOnBoard(costs, cfg.board)
    const t1 = now()
    const trainMs = t1 - t0
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
      collapsed: collapsed(run.history, chance),
      cutShort: now() >= deadline && run.history.length < c.epochs,
      ...(heldPastDeadline && t1 > Math.max(deadline, t0) ? { overtimeMs: t1 - Math.max(deadline, t0) } : {})
    }
    spent += trainMs
    results.push(result)
    const t: Trained = { result, model: run.model, history: run.history, stoppedEarly: run.stoppedEarly, bestEpoch: run.bestEpoch }
    trained.set(result.id, t)
    if (!best || rankCandidates([best.result, result], sets.val.y.length)[0] === result) best = t
    await hooks.onCandidate(result, results.length, now() - started)
  }
  if (!results.length) return finish(null, false)
  const valWindows = cfg.sets[results[0].preprocessing]!.val.y.length
  const checked = await recheckLeaders(cfg, results, valWindows, { cancelled: hooks.cancelled, now, deadline })
  if (checked === 'cancelled') return finish(best, true)
  checked.forEach((r) => {
    const i = results.findIndex((x) => x.id === r.id)
    results[i] = r
    trained.get(r.id)!.result = r
  })
  return finish(trained.get(rankCandidates(results, valWindows)[0].id)!, false)
}

const yieldToMessages = (): Promise<void> => new Promise<void>((r) => setImmediate(r))

/**
 * Trains each leader again on every re-check fold, a round (one fold for every leader) at a time
 * while the time left covers a round as long as the leaders took the first time; a round the
 * budget cuts short is dropped, so every leader ends with the same folds. Returns the leaders with
 * their pooled scores (none when nothing was re-checked), or 'cancelled'.
 */
async function recheckLeaders(cfg: SearchConfig, results: CandidateResult[], valWindows: number, ctl: { cancelled(): boolean; now(): number; deadline: number }): Promise<CandidateResult[] | 'cancelled'> {
  let leaders = contenders(rankCandidates(results, valWindows), valWindows)
  const roundMs = (list: CandidateResult[]): number => list.reduce((n, c) => n + c.trainMs, 0)
  // Two rounds for fewer leaders say more than one round for many.
  while (leaders.length > 2 && roundMs(leaders) * 2 > ctl.deadline - ctl.now()) leaders = leaders.slice(0, -1)
  if (!leaders.length) return []
  const folds = new Map<PreprocessingMethod, Fold[]>()
  for (const c of leaders) {
    const sets = cfg.sets[c.preprocessing]!
    if (!folds.has(c.preprocessing)) folds.set(c.preprocessing, recheckFolds(sets.train, sets.val, cfg.inputShape[0] * cfg.inputShape[1], RECHECK_FOLDS, cfg.seed + 2))
  }
  const rounds = Math.min(...[...folds.values()].map((f) => f.length))
  const scores = new Map(leaders.map((c) => [c.id, startScore(c, valWindows)]))
  for (let f = 0; f < rounds; f++) {
    if (roundMs(leaders) > ctl.deadline - ctl.now()) break
    const round = new Map<string, { accuracy: number; loss: number; windows: number }>()
    for (const c of leaders) {
      const fold = folds.get(c.preprocessing)![f]
      let run: TrainLoopResult
      try {
        run = await trainLoop(loopConfig(cfg, c, fold.train), fold.train, fold.val, { cancelled: ctl.cancelled, onEpoch: yieldToMessages, shouldStop: () => ctl.now() >= ctl.deadline })
      } catch (err) {
        if (err instanceof MicroforgeError && err.code === 'CANCELLED') return 'cancelled'
        throw err
      }
      const cut = ctl.now() >= ctl.deadline && run.history.length < c.epochs
      const v = evaluateModel(run.model, fold.val, cfg.inputShape, cfg.classes)
      run.model.dispose()
      if (ctl.cancelled()) return 'cancelled'
      if (cut) break
      round.set(c.id, { accuracy: v.accuracy, loss: v.loss, windows: fold.val.y.length })
    }
    if (round.size < leaders.length) break
    for (const [id, r] of round) scores.set(id, addFold(scores.get(id)!, r.accuracy, r.loss, r.windows))
  }
  if (scores.get(leaders[0].id)!.folds < 2) return []
  return leaders.map((c) => {
    const s = scores.get(c.id)!
    return { ...c, recheck: { folds: s.folds, windows: s.windows, accuracy: s.correct / s.windows, loss: s.lossSum / s.windows } }
  })
}
