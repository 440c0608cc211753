import { MicroforgeError } from '../../../shared/errors'
import { FIRST_MODEL_MIN_EPOCHS, type CandidateResult } from '../../../shared/search'

const secs = (ms: number): string => `${Math.max(0.1, ms / 1000).toFixed(1)} s`

/**
 * How much longer than its budget the search took because the first model trained its minimum
 * past the deadline (its overtimeMs); 0 when no model did, or when the time kept back for saving
 * absorbed it. elapsedMs and budgetMs are the whole search's, as the user sees them.
 */
export function overBudgetMs(tried: CandidateResult[], elapsedMs: number, budgetMs: number): number {
  return tried.some((c) => (c.overtimeMs ?? 0) > 0) ? Math.max(0, elapsedMs - budgetMs) : 0
}

/** The progress line's note while the first model runs over. */
export function overBudgetProgress(overMs: number): string {
  return overMs > 0 ? ` (${secs(overMs)} over the budget: the first model always trains at least ${FIRST_MODEL_MIN_EPOCHS} epochs)` : ''
}

/** The result's sentence, first in its reason, so the overrun is never silent. */
export function overBudgetNote(overMs: number, tried: CandidateResult[]): string {
  const first = tried.find((c) => (c.overtimeMs ?? 0) > 0)
  if (overMs <= 0 || !first) return ''
  return `The search took ${secs(overMs)} longer than its budget to train one model: the first model always trains at least ${FIRST_MODEL_MIN_EPOCHS} epochs and until it learns (this one trained ${first.epochsRun}), so a busy computer or a short budget still ends with a model. `
}

/**
 * The error when no model learnt (the best, ranked first, did not): with one model tried, that
 * model's own failure, since the first model trains until it learns or runs out of epochs whatever
 * the budget; otherwise every model's. Null when the best learnt.
 */
export function searchFailure(ranked: CandidateResult[], notTried: number, stoppedByUser: boolean): MicroforgeError | null {
  const best = ranked[0]
  if (!best?.collapsed) return null
  if (ranked.length === 1) {
    const others = notTried > 0 ? (stoppedByUser ? `, and you stopped the search before the other ${notTried}` : `, and the budget left no time for the other ${notTried}`) : ''
    return new MicroforgeError(
      'MODEL_ERROR',
      `The first model did not learn: its training loss did not fall below chance (or it diverged) in the ${best.epochsRun} epochs it trained${others}. Nothing was saved.`,
      'Check that the classes differ in the recordings (Capture step) or record more windows; a longer budget (60 s or more) also lets the search try other models.'
    )
  }
  return new MicroforgeError('MODEL_ERROR', `None of the ${ranked.length} models tried learnt: every training loss stayed at chance. Nothing was saved.`, 'Check that the classes differ in the recordings (Capture step), or record more windows.')
}
