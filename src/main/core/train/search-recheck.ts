import type { CandidateResult } from '../../../shared/search'
import { mulberry32, shuffleInPlace } from './rng'
import type { WindowSet } from './train-loop'

/** At most this many tied leaders are re-checked: each costs a training run per fold. */
export const MAX_CONTENDERS = 6
/** Validation folds of the training windows, the search's own split included. */
export const RECHECK_FOLDS = 5

export interface Fold {
  train: WindowSet
  val: WindowSet
}

function pick(set: WindowSet, idx: number[], per: number): WindowSet {
  const x = new Float32Array(idx.length * per)
  idx.forEach((w, i) => x.set(set.x.subarray(w * per, (w + 1) * per), i * per))
  return { x, y: idx.map((w) => set.y[w]), ids: idx.map((w) => set.ids[w]) }
}

/**
 * Other validation folds for the re-check, drawn from the search's training and validation
 * windows only (the test split is not an argument, so it cannot leak in): the pooled windows are
 * dealt to `folds` stratified folds, seeded; each fold whose windows are not exactly the search's
 * own validation split becomes one (train, val) pair. Every class keeps a training window in each.
 */
export function recheckFolds(train: WindowSet, val: WindowSet, per: number, folds: number, seed: number): Fold[] {
  const pool: WindowSet = { x: new Float32Array(train.x.length + val.x.length), y: [...train.y, ...val.y], ids: [...train.ids, ...val.ids] }
  pool.x.set(train.x)
  pool.x.set(val.x, train.x.length)
  const byClass = new Map<number, number[]>()
  pool.y.forEach((c, i) => {
    const list = byClass.get(c)
    if (list) list.push(i)
    else byClass.set(c, [i])
  })
  const random = mulberry32(seed)
  const fold = new Array<number>(pool.y.length)
  let next = 0
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    // Dealt on from where the last class stopped, so fold sizes differ by at most one window.
    for (const i of shuffleInPlace([...byClass.get(c)!], random)) fold[i] = next++ % folds
  }
  const own = new Set(val.ids)
  const out: Fold[] = []
  for (let f = 0; f < folds; f++) {
    const held = pool.y.map((_, i) => i).filter((i) => fold[i] === f)
    const kept = pool.y.map((_, i) => i).filter((i) => fold[i] !== f)
    if (held.length === own.size && held.every((i) => own.has(pool.ids[i]))) continue
    if ([...byClass.keys()].some((c) => !kept.some((i) => pool.y[i] === c))) continue
    out.push({ train: pick(pool, kept, per), val: pick(pool, held, per) })
  }
  return out
}

/** Below this many validation windows one window is more than 2.5 points: the first pass leaves time for a re-check. */
export const SMALL_VALIDATION = 40
/** The share of the budget the first pass leaves for the re-check on a small validation split. */
export const RECHECK_SHARE = 0.4

/**
 * The leaders worth re-checking: candidates that learnt and fit the board, within one validation
 * window of the best validation accuracy (on a small split one window is noise), at most
 * MAX_CONTENDERS, taken preset by preset (the best of each preset, then the second of each...):
 * the tie-break by validation loss favours whichever preset is most confident, and the re-check is
 * there to question exactly that. Fewer than two: nothing to decide.
 */
export function contenders(ranked: CandidateResult[], valWindows: number): CandidateResult[] {
  const usable = ranked.filter((c) => c.fits && !c.collapsed)
  if (!usable.length || valWindows <= 0) return []
  const top = usable[0].valAccuracy
  const tied = usable.filter((c) => c.valAccuracy >= top - 1 / valWindows - 1e-9)
  const byPreset = new Map<string, CandidateResult[]>()
  for (const c of tied) {
    const list = byPreset.get(c.preset)
    if (list) list.push(c)
    else byPreset.set(c.preset, [c])
  }
  const out: CandidateResult[] = []
  for (let i = 0; out.length < tied.length; i++) for (const list of byPreset.values()) if (list[i]) out.push(list[i])
  return out.length >= 2 ? out.slice(0, MAX_CONTENDERS) : []
}

/** How a re-check went for one candidate: pooled over its own validation split and each fold. */
export interface RecheckScore {
  correct: number
  windows: number
  lossSum: number
  folds: number
}

export function startScore(c: CandidateResult, valWindows: number): RecheckScore {
  return { correct: Math.round(c.valAccuracy * valWindows), windows: valWindows, lossSum: c.valLoss * valWindows, folds: 1 }
}

export function addFold(s: RecheckScore, accuracy: number, loss: number, windows: number): RecheckScore {
  return { correct: s.correct + Math.round(accuracy * windows), windows: s.windows + windows, lossSum: s.lossSum + loss * windows, folds: s.folds + 1 }
}
