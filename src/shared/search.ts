/**
 * "Find a good model": a search over presets, widths, learning rates and preprocessing within a
 * time budget. Types shared by the service, the worker, the renderer and the CLI. Plain JSON.
 */
import { z } from 'zod'
import type { TargetId } from './boards'
import type { PresetId, PreprocessingMethod, TrainResult } from './training'

export interface SearchRequest {
  /** Wall-clock budget for the whole search, seconds (default 60). */
  budgetSeconds?: number
  /** The board whose flash, RAM and speed rank the candidates (default nano33ble). */
  board?: TargetId
  seed?: number
}

export const DEFAULT_SEARCH_BUDGET_SECONDS = 60

/**
 * The first model of a search trains at least this many epochs, and past that until its training
 * loss falls below chance, even when the budget has ended: a busy computer or a short budget then
 * ends with a model (and says how far over the budget it went) instead of with nothing. On the
 * punch/flex gestures the first model (the 1D CNN) is below chance by epoch 2 to 3 and at 80 to
 * 100 % validation accuracy by epoch 4 to 10, depending on the seed.
 */
export const FIRST_MODEL_MIN_EPOCHS = 10

export const searchRequestSchema = z
  .object({
    budgetSeconds: z.number().min(5).max(3600).optional(),
    board: z.enum(['nano33ble', 'esp32', 'pico', 'stm32f4']).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional()
  })
  .strict()

/** One configuration the search may try. */
export interface SearchCandidate {
  id: string
  preset: PresetId
  /** Hidden-layer widths times this (1 = the preset). */
  width: number
  learningRate: number
  epochs: number
  /** The preset's recommended batch size. */
  batchSize: number
  preprocessing: PreprocessingMethod
}

/** A tried candidate: how well it did and what it costs on the board. */
export interface CandidateResult extends SearchCandidate {
  /** Accuracy on the validation windows: what the ranking uses. */
  valAccuracy: number
  valLoss: number
  /** Accuracy on the test windows, reported only (never used to choose). */
  testAccuracy: number
  epochsRun: number
  params: number
  macs: number
  /** int8 estimates: weights in flash, largest pair of activations in RAM. */
  flashBytes: number
  ramBytes: number
  /** Estimated int8 inference time on the board. */
  latencyMs: number
  fits: boolean
  /** Why it does not fit the board, if it does not. */
  misfit: string | null
  trainMs: number
  /** The training loss never fell below chance. */
  collapsed: boolean
  /** Stopped by the end of the budget rather than by early stopping or its epoch count. */
  cutShort: boolean
  /**
   * Only on the first model, when it trained past the search's deadline to reach its minimum
   * (FIRST_MODEL_MIN_EPOCHS, then a loss below chance): how long it trained after the deadline.
   */
  overtimeMs?: number
  /**
   * Only for leaders tied on validation accuracy when the budget had time left: the same
   * configuration trained again on other folds of the training windows (never the test split),
   * with accuracy and loss pooled over its own validation split and those folds. Ranks before
   * valAccuracy.
   */
  recheck?: { folds: number; windows: number; accuracy: number; loss: number }
}

/** Progress data of a search job update. */
export interface SearchProgress {
  tried: CandidateResult[]
  planned: number
  elapsedMs: number
  budgetMs: number
}

export interface SearchResult {
  board: TargetId
  budgetMs: number
  elapsedMs: number
  /** Every candidate tried, best first. */
  candidates: CandidateResult[]
  /** Candidates planned but not started (the budget ran out). */
  skipped: number
  bestId: string
  /** Cancelled by the user: the best of the candidates that had finished was kept. */
  stoppedByUser?: boolean
  /**
   * How much longer than budgetMs the search took, when the first model's minimum training
   * (FIRST_MODEL_MIN_EPOCHS) ran past the budget. The reason says so too.
   */
  overBudgetMs?: number
  /** Why the best was chosen, in words. */
  reason: string
  /** The best candidate as the project's model (also saved as models/float/training.json). */
  train: TrainResult
}
