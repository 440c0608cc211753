import { z } from 'zod'
import type { JobStarted } from './jobs'
import type { ArgSchemas } from './types'
import { searchRequestSchema, type SearchRequest } from '../search'
import { modelSpecSchema, trainOptionsSchema, type EvaluationResult, type ModelPreset, type ModelSpec, type ModelSummary, type TrainRequest, type TrainResult } from '../training'

/**
 * The Train step. start() runs a job (progress per epoch as 'jobs.update' events whose data is
 * EpochMetrics; the final result is a TrainResult); the float model lands in models/float/.
 */
export interface TrainingApi {
  presets(): Promise<ModelPreset[]>
  /** Parameters, MACs per layer, float32 size and a Keras-like table; no tfjs, cheap to call live. */
  summary(spec: ModelSpec, inputShape: number[], classes: number): Promise<ModelSummary>
  start(projectDir: string, request: TrainRequest): Promise<JobStarted>
  /**
   * "Find a good model": a job that tries presets, widths, learning rates and preprocessing within
   * a time budget (progress data: SearchProgress; result: SearchResult) and saves the best.
   */
  search(projectDir: string, request: SearchRequest): Promise<JobStarted>
  /** The last finished training of the project, or null before the first. */
  result(projectDir: string): Promise<TrainResult | null>
  /** Reloads models/float and evaluates it on the project's current test windows. */
  evaluate(projectDir: string): Promise<EvaluationResult>
}

const dir = z.string().min(1).max(4096)

export const trainingArgs: ArgSchemas<TrainingApi> = {
  presets: z.tuple([]),
  summary: z.tuple([modelSpecSchema, z.array(z.number().int().min(1).max(100_000)).min(1).max(3), z.number().int().min(2).max(1000)]),
  start: z.tuple([dir, trainOptionsSchema]),
  search: z.tuple([dir, searchRequestSchema]),
  result: z.tuple([dir]),
  evaluate: z.tuple([dir])
}
