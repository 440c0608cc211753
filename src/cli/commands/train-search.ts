import { resolve } from 'node:path'
import type { TargetId } from '../../shared/boards'
import { MicroforgeError } from '../../shared/errors'
import type { SearchProgress, SearchRequest, SearchResult } from '../../shared/search'
import type { CliContext } from '../command'
import { runJob } from './job-run'
import { formatNoun } from '../../shared/format'

const BOARD_IDS: TargetId[] = ['nano33ble', 'esp32', 'pico', 'stm32f4']

/** What `microforge train --search --json` prints. */
export interface SearchOutput {
  search: true
  board: TargetId
  budgetSeconds: number
  elapsedSeconds: number
  /** Set when the first model's minimum training ran past the budget: by how much (the reason says why). */
  overBudgetSeconds?: number
  bestId: string
  reason: string
  testAccuracy: number
  /** Set when the wasm backend did not load and the search trained on cpu: the reason. */
  backendFallback?: string
  baseline: SearchResult['train']['baseline'] | null
  modelPath: string
  skipped: number
  candidates: Array<Pick<SearchResult['candidates'][number], 'id' | 'preset' | 'width' | 'learningRate' | 'preprocessing' | 'valAccuracy' | 'recheck' | 'testAccuracy' | 'epochsRun' | 'params' | 'flashBytes' | 'ramBytes' | 'latencyMs' | 'fits' | 'collapsed'>>
}

/** `train --search [--budget S] [--board ID]`: runs training.search as a job and reports every candidate. */
export async function runSearchCommand(ctx: CliContext, dir: string, opts: Record<string, unknown>): Promise<SearchOutput> {
  const request: SearchRequest = {}
  if (opts.budget !== undefined) {
    const s = Number(opts.budget)
    if (!(s >= 5 && s <= 3600)) throw new MicroforgeError('INVALID_ARGUMENT', `--budget must be between 5 and 3600 seconds, not "${String(opts.budget)}".`, 'For example --budget 60.')
    request.budgetSeconds = s
  }
  if (opts.board !== undefined) {
    if (!BOARD_IDS.includes(opts.board as TargetId)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown board "${String(opts.board)}".`, `Choose one of: ${BOARD_IDS.join(', ')}.`)
    request.board = opts.board as TargetId
  }
  if (opts.seed !== undefined) request.seed = Number(opts.seed)
  const r = (await runJob(
    ctx,
    () => ctx.api.training.search(resolve(dir), request),
    (u) => {
      if ((u.data as SearchProgress | undefined)?.tried) ctx.progress(u.message)
    },
    'The search was cancelled; the previous model (if any) is unchanged.',
    'Run the command again to search.'
  )) as SearchResult
  return {
    search: true,
    board: r.board,
    budgetSeconds: r.budgetMs / 1000,
    elapsedSeconds: Math.round(r.elapsedMs / 100) / 10,
    ...(r.overBudgetMs ? { overBudgetSeconds: Math.max(0.1, Math.round(r.overBudgetMs / 100) / 10) } : {}),
    bestId: r.bestId,
    reason: r.reason,
    testAccuracy: r.train.testAccuracy,
    ...(r.train.backendFallback ? { backendFallback: r.train.backendFallback } : {}),
    baseline: r.train.baseline ?? null,
    modelPath: r.train.modelPath,
    skipped: r.skipped,
    candidates: r.candidates.map((c) => ({
      id: c.id,
      preset: c.preset,
      width: c.width,
      learningRate: c.learningRate,
      preprocessing: c.preprocessing,
      valAccuracy: c.valAccuracy,
      ...(c.recheck ? { recheck: c.recheck } : {}),
      testAccuracy: c.testAccuracy,
      epochsRun: c.epochsRun,
      params: c.params,
      flashBytes: c.flashBytes,
      ramBytes: c.ramBytes,
      latencyMs: c.latencyMs,
      fits: c.fits,
      collapsed: c.collapsed
    }))
  }
}

export function formatSearch(r: SearchOutput): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
  const rows = r.candidates.map(
    (c, i) =>
      `${String(i + 1).padStart(2)}. ${`${c.preset} x${c.width}`.padEnd(11)} lr ${String(c.learningRate).padEnd(7)} ${c.preprocessing.padEnd(13)} val ${pct(c.valAccuracy).padStart(6)}${c.recheck ? ` (re-check ${pct(c.recheck.accuracy)} over ${c.recheck.folds} folds)` : ''}  test ${pct(c.testAccuracy).padStart(6)}  ${String(Math.ceil(c.flashBytes / 1024)).padStart(4)} KB  ${String(Math.ceil(c.ramBytes / 1024)).padStart(4)} KB RAM  ${c.latencyMs.toFixed(1).padStart(6)} ms${c.fits ? '' : '  (does not fit)'}${c.collapsed ? '  (did not learn)' : ''}`
  )
  return [
    `Searched ${formatNoun(r.candidates.length, 'model')} in ${r.elapsedSeconds} s (budget ${r.budgetSeconds} s${r.overBudgetSeconds ? `, ${r.overBudgetSeconds} s over` : ''}${r.skipped ? `, ${r.skipped} not tried` : ''}), ranked by validation accuracy and the ${r.board} budget (int8 estimates):`,
    ...rows,
    '',
    r.reason,
    ...(r.backendFallback ? [r.backendFallback] : []),
    `Test accuracy of the saved model: ${pct(r.testAccuracy)}${r.baseline ? ` (nearest-neighbour baseline ${pct(r.baseline.nearestNeighbour)})` : ''}`,
    `Saved: ${r.modelPath}`
  ].join('\n')
}
