/**
 * Optimization data shared by the services, the renderer and the CLI: the variants the Optimize
 * step produces, the latency model's assumptions, budgets and recommendations. Plain JSON only.
 * Accuracies are fractions (0..1); sizes are bytes; times are milliseconds.
 */

export const VARIANT_KINDS = [
  'float32',
  'ptq',
  'ptq-per-tensor',
  'dynamic',
  'fp16',
  'qat',
  'prune',
  'prune-structured',
  'distill',
  'student-scratch',
  'cluster'
] as const

export type VariantKind = (typeof VARIANT_KINDS)[number]

/**
 * The technique settings a user sees in Optimize, with the defaults the core uses: the view starts
 * from these, so the app, the CLI and the benchmark fine-tune the same way unless someone changes one.
 */
export interface OptimizeSettings {
  /** Fine-tuning epochs for QAT, pruning, clustering. */
  epochs: number
  /** Fine-tuning learning rate (low: the model is already trained). */
  learningRate: number
  seed: number
  /** Final sparsity of magnitude pruning, 0..1. */
  sparsity: number
  /** Share of filters/neurons structured pruning removes, 0..1. */
  structuredFraction: number
  /** Centroids per kernel for clustering. */
  clusters: number
  /** Distillation temperature. */
  temperature: number
  /** Weight of the hard-label loss in distillation. */
  alpha: number
  /** QAT and PTQ weights: per output channel (the default) or one scale per tensor. */
  perChannel: boolean
}

export const OPTIMIZE_DEFAULTS: Readonly<OptimizeSettings> = {
  epochs: 15,
  // Low next to training's 0.002, but high enough that a few dozen steps on a small dataset recover
  // from pruning (0.0005 left 70%-pruned punch/flex 6 points down, 0.001 fully recovered).
  learningRate: 0.001,
  seed: 42,
  sparsity: 0.7,
  structuredFraction: 0.5,
  clusters: 16,
  temperature: 4,
  alpha: 0.3,
  perChannel: true
}

/** What the numbers of a .tflite run in: int8 kernels, or float kernels (float32, fp16 and dynamic-range weights). */
export type VariantFormat = 'int8' | 'float32' | 'fp16' | 'dynamic'

import type { TargetId } from './boards'

/** Latency targets are the firmware boards (src/shared/boards.ts), so measured corrections line up. */
export type { TargetId }

export type NumberFormat = 'int8' | 'float32'
export type KernelFamily = 'conv' | 'depthwise' | 'dense'

/**
 * How float32 latency is projected onto a core whose float kernels cannot be measured here: TFLM's
 * float kernels are the same C on every core, so the projection starts from their instruction
 * counts measured on the Cortex-M4F (the fitted float cost models, operator by operator) and scales
 * them by a stated factor for the core; a core without an FPU adds the software float arithmetic
 * of each multiply-accumulate. An assumption until a board measurement sets the correction.
 */
export interface FloatProjection {
  /** Cycles on this core per Cortex-M4F instruction of TFLM's float kernels. */
  factor: number
  /** Extra cycles per multiply-accumulate for float arithmetic done in software (no FPU); 0 with an FPU. */
  softFloatCyclesPerMac: number
}

/** The latency model for one board, shown in the UI as it is. */
export interface TargetModel {
  id: TargetId
  name: string
  core: string
  clockMHz: number
  /** Why the numbers are what they are. */
  notes: string
  /**
   * int8: null when the core's instruction counts are measured (Cortex-M4F in QEMU) and the
   * estimate comes from cost models fitted to them; else the factor that projects those counts
   * onto this core (an assumption until a board measurement sets the correction).
   */
  int8Projection: number | null
  /**
   * float32: null when TFLM's float kernels are measured on the core (Cortex-M4F in QEMU) and the
   * estimate comes from cost models fitted to them; else how those fitted counts are projected onto this core.
   */
  floatProjection: FloatProjection | null
}

/** The runtimes an int8 model can be deployed with; the estimate differs per runtime. */
export type LatencyRuntime = 'c' | 'tflm-reference' | 'tflm-cmsis-nn'

/**
 * The runtimes a float32 model can be deployed with: TFLM only (the C runtime is int8), and with
 * float32 the CMSIS-NN library runs TFLM's reference kernels. The default (Arm boards) first.
 */
export type FloatLatencyRuntime = Exclude<LatencyRuntime, 'c'>
export const FLOAT_LATENCY_RUNTIMES: FloatLatencyRuntime[] = ['tflm-cmsis-nn', 'tflm-reference']

export const LATENCY_RUNTIME_NAMES: Record<LatencyRuntime, string> = {
  c: 'Microforge C runtime',
  'tflm-cmsis-nn': 'TFLM + CMSIS-NN',
  'tflm-reference': 'TFLM reference kernels'
}

export interface RuntimeLatency {
  runtime: LatencyRuntime
  /** With the target's correction applied. */
  ms: number
  rawMs: number
  instructions: number
}

export interface TargetLatency {
  target: TargetId
  /** Estimated ms per inference, with the target's correction factor applied (the C runtime for int8, TFLM for float). */
  ms: number
  rawMs: number
  cycles: number
  correction: number
  /** Which runtime ms is for, and how it was obtained (a fit to measurements, or a projection). */
  runtime?: LatencyRuntime
  basis?: string
  /**
   * True when no measurement stands behind the figure: cores that cannot be emulated here (int8:
   * Cortex-M4 counts times a factor; float: the Cortex-M4F float counts times a factor, plus software float per MAC without an FPU). basis says which.
   */
  projection?: boolean
  /** The estimate for every runtime the model can be deployed with (int8: C runtime and TFLM; float: TFLM), so Deploy can show the one it builds. */
  byRuntime?: RuntimeLatency[]
}

export interface LayerSparsityRow {
  name: string
  weights: number
  zeros: number
  sparsity: number
}

export interface VariantRecord {
  /** Unique within the project; also the file name models/variants/<name>.tflite. */
  name: string
  kind: VariantKind
  title: string
  format: VariantFormat
  /** Test-split accuracy of the exported .tflite (int8 interpreter for int8 variants). */
  accuracy: number
  /** accuracy - the float32 model's test accuracy, in fraction units (-0.02 is 2 points lost). */
  accuracyDelta: number
  /**
   * How accuracy was measured: the TypeScript interpreter on the .tflite (bit-exact with TFLite
   * Micro for int8), or the float forward pass with int8-rounded weights where the interpreter
   * lacks a kernel (hybrid dynamic-range convolutions).
   */
  accuracySource: 'interpreter' | 'float-forward'
  tfliteBytes: number
  gzipBytes: number
  params: number
  macs: number
  /** Tensor arena the planner needs for activations (bytes). */
  arenaBytes: number
  /**
   * Whether TensorFlow Lite Micro can load the .tflite (inspect's verdict, which the oracle suite
   * checks against TFLM): false for hybrid dynamic-range and float16 variants. Absent in records
   * written before it existed; read those through tflmVerdict().
   */
  tflmSupported?: boolean
  /** Why TFLM cannot load it, when tflmSupported is false. */
  tflmProblem?: string
  latency: TargetLatency[]
  /** Median ms per window of the interpreter on this computer. */
  hostLatencyMs: number
  /** Unstructured zeros across prunable kernels, 0..1. */
  sparsity: number
  sparsityPerLayer?: LayerSparsityRow[]
  /** Distinct values per clustered kernel. */
  clusters?: number
  /** Wall-clock time of the job that produced it (ms). */
  jobMs: number
  /** Relative to the project folder. */
  path: string
  /** Technique settings, for the table's tooltip and reproducibility. */
  settings: Record<string, unknown>
  /** For distillation: the same student trained from scratch, test accuracy. */
  baselineAccuracy?: number
  /** Set when the wasm backend did not load and the variant was made on the slow cpu backend: the reason (shown in Optimize and `optimize --json`). */
  backendFallback?: string
  createdAt: string
  /** Fingerprint of the float model it was made from (hash of models/float). */
  sourceModel?: string
  /**
   * Set when listed, never stored: made from an earlier float model than the one trained now, so
   * its numbers do not compare with variants of the current model.
   */
  stale?: boolean
}

/** A variant's TFLM verdict; older records without one are judged by format (hybrid and float16 never load). */
export function tflmVerdict(v: Pick<VariantRecord, 'format' | 'tflmSupported' | 'tflmProblem'>): { supported: boolean; problem: string | null } {
  if (v.tflmSupported !== undefined) return { supported: v.tflmSupported, problem: v.tflmProblem ?? null }
  if (v.format === 'dynamic') return { supported: false, problem: 'Hybrid (dynamic-range) layers: TensorFlow Lite Micro has no hybrid kernels.' }
  if (v.format === 'fp16') return { supported: false, problem: 'Float16 weights: TensorFlow Lite Micro has no float16 support.' }
  return { supported: true, problem: null }
}

export interface SweepPoint {
  sparsity: number
  accuracy: number
  tfliteBytes: number
  gzipBytes: number
  variant: string
}

export interface VariantIndex {
  version: 1
  floatAccuracy: number | null
  variants: VariantRecord[]
  sweeps: Array<{ name: string; createdAt: string; points: SweepPoint[] }>
  /**
   * Set when listed, never stored: the trained float model cannot be read (damaged or half-written),
   * so no variant can be shown as made from it; every variant is then stale. The sentence says why.
   */
  floatModelProblem?: string
}

export interface Budget {
  flashKB: number
  ramKB: number
  latencyMs: number
  /**
   * The accuracy floor, 0..1. Left out, the floor is "within maxDropPoints of float32": an absolute
   * number moves with the data (9 test windows step by 11 points) while the loss is what matters.
   */
  minAccuracy?: number
  /** Points (percent) a variant may lose against the float32 model when minAccuracy is left out; default 1. */
  maxDropPoints?: number
  target: TargetId
  /** Size limit of an over-the-air update (gzip of the .tflite), when updates go over the air. */
  otaKB?: number
}

export type RecommendationAction = 'deploy-ptq' | 'deploy-qat' | 'run-qat' | 'smaller-architecture' | 'train-smaller' | 'prune-compress' | 'none'

export interface VariantFit {
  name: string
  fits: boolean
  /** Why it does not fit, one phrase per failed limit, with units. */
  failures: string[]
}

export interface Recommendation {
  variant: string | null
  action: RecommendationAction
  reason: string
  /** The decision tree's steps as they were taken. */
  trail: string[]
  fits: VariantFit[]
}
