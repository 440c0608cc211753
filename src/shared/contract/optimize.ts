import { z } from 'zod'
import { VARIANT_KINDS, type Budget, type Recommendation, type TargetModel, type VariantIndex, type VariantKind } from '../optimize'
import { modelSpecSchema, type ModelSpec } from '../training'
import type { JobStarted } from './jobs'
import type { ArgSchemas } from './types'

/**
 * The Optimize step. start() queues one job per requested variant (they run one after another,
 * each in its own worker; progress per fine-tuning epoch; cancel per job); each finished variant
 * lands in models/variants/<name>.tflite and models/variants/index.json. sweep() is one job that
 * prunes at several sparsities and records the trade-off curve.
 */
export interface OptimizeRequest {
  variants: VariantKind[]
  /** Fine-tuning epochs (QAT, pruning, clustering, structured pruning). Default 15. */
  epochs?: number
  batchSize?: number
  /** Fine-tuning learning rate. Default 0.001. */
  learningRate?: number
  seed?: number
  /** Final sparsity of magnitude pruning, 0..0.99. Default 0.7. */
  sparsity?: number
  /** Share of filters/neurons structured pruning removes, 0..0.95. Default 0.5. */
  structuredFraction?: number
  /** Centroids per kernel. Default 16. */
  clusters?: number
  /** Distillation temperature. Default 4. */
  temperature?: number
  /** Weight of the hard-label loss in distillation, 0..1. Default 0.3. */
  alpha?: number
  /** Student architecture; default: the trained model with half the units. */
  student?: ModelSpec
  studentEpochs?: number
  /** int8 weight scales per output channel (default) or per tensor, for PTQ and QAT. */
  perChannel?: boolean
}

export interface SweepRequest {
  /** Final sparsities, each 0..0.99. Default 0.5, 0.7, 0.9. */
  sparsities?: number[]
  epochs?: number
  learningRate?: number
  seed?: number
}

export interface OptimizeStarted {
  jobs: Array<{ variant: VariantKind; jobId: string }>
}

export interface OptimizeApi {
  /** The latency model's assumptions per board (shown with every estimate). */
  targets(): Promise<TargetModel[]>
  start(projectDir: string, request: OptimizeRequest): Promise<OptimizeStarted>
  sweep(projectDir: string, request: SweepRequest): Promise<JobStarted>
  /** Every variant of the project (empty before the first run). */
  list(projectDir: string): Promise<VariantIndex>
  /** Which variants fit the budget and which one the decision tree recommends. */
  recommend(projectDir: string, budget: Budget): Promise<Recommendation>
  remove(projectDir: string, name: string): Promise<VariantIndex>
}

const dir = z.string().min(1).max(4096)
const share = (max: number) => z.number().min(0).max(max)

export const optimizeRequestSchema: z.ZodType<OptimizeRequest> = z
  .object({
    variants: z.array(z.enum(VARIANT_KINDS)).min(1).max(VARIANT_KINDS.length),
    epochs: z.number().int().min(1).max(1000).optional(),
    batchSize: z.number().int().min(1).max(4096).optional(),
    learningRate: z.number().positive().max(1).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    sparsity: share(0.99).optional(),
    structuredFraction: share(0.95).optional(),
    clusters: z.number().int().min(2).max(256).optional(),
    temperature: z.number().min(1).max(100).optional(),
    alpha: share(1).optional(),
    student: modelSpecSchema.optional(),
    studentEpochs: z.number().int().min(1).max(1000).optional(),
    perChannel: z.boolean().optional()
  })
  .strict()

export const sweepRequestSchema: z.ZodType<SweepRequest> = z
  .object({
    sparsities: z.array(share(0.99)).min(1).max(10).optional(),
    epochs: z.number().int().min(1).max(1000).optional(),
    learningRate: z.number().positive().max(1).optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional()
  })
  .strict()

export const budgetSchema: z.ZodType<Budget> = z
  .object({
    flashKB: z.number().positive().max(1e6),
    ramKB: z.number().positive().max(1e6),
    latencyMs: z.number().positive().max(1e6),
    minAccuracy: share(1).optional(),
    maxDropPoints: z.number().min(0).max(100).optional(),
    target: z.enum(['nano33ble', 'esp32', 'pico', 'stm32f4']),
    otaKB: z.number().positive().max(1e6).optional()
  })
  .strict()

export const variantNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/)

export const optimizeArgs: ArgSchemas<OptimizeApi> = {
  targets: z.tuple([]),
  start: z.tuple([dir, optimizeRequestSchema]),
  sweep: z.tuple([dir, sweepRequestSchema]),
  list: z.tuple([dir]),
  recommend: z.tuple([dir, budgetSchema]),
  remove: z.tuple([dir, variantNameSchema])
}
