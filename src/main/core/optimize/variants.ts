import { MicroforgeError } from '../../../shared/errors'
import { OPTIMIZE_DEFAULTS, type OptimizeSettings, type VariantFormat, type VariantKind } from '../../../shared/optimize'
import type { LayerSpec, ModelSpec, SpecActivation } from '../../../shared/training'
import { exportModel, type ExportMode, type ExportReport } from '../export/export-model'
import { normalizeModel } from '../export/normalize'
import type { ModelIR } from '../model/model-ir'
import { buildModel } from '../train/build-model'
import { layersModelToIR } from '../train/model-ir-convert'
import type { WindowSet } from '../train/train-loop'
import { clusterFineTune, distill, fineTune, pruneFineTune, qatFineTune, stepsPerEpoch, type FineTuneHooks, NO_HOOKS } from './finetune'
import { scheduleForSteps } from './pruning'
import { pruneStructured, type StructuredLayerChange } from './structured-pruning'
import type { Range } from './tf-graph'

/**
 * From the trained float model to one exported variant: run the technique (fine-tuning where it
 * needs it), then export through the same exporter every other step uses, so every number the
 * table shows belongs to a file that can be flashed.
 */
/** The user-facing settings (OptimizeSettings) plus what only the core and its tests set. */
export interface TechniqueOptions extends OptimizeSettings {
  batchSize: number
  /** Student architecture; null: the teacher's layers with half the units (studentSpecFrom). */
  studentSpec: ModelSpec | null
  /** The student trains from scratch, so it gets its own epochs and rate. */
  studentEpochs: number
  studentLearningRate: number
  /** Small students learn best from small batches on small datasets. */
  studentBatchSize: number
  emaDecay: number
  /** Calibration windows for int8 export (from the training windows). */
  representativeWindows: number
}

export const DEFAULT_TECHNIQUE_OPTIONS: TechniqueOptions = {
  ...OPTIMIZE_DEFAULTS,
  batchSize: 16,
  studentSpec: null,
  studentEpochs: 60,
  studentLearningRate: 0.003,
  studentBatchSize: 8,
  emaDecay: 0.99,
  representativeWindows: 300
}

export interface BuiltVariant {
  kind: VariantKind
  format: VariantFormat
  /** The model that was exported (normalized for QAT, smaller for structured pruning/distillation). */
  model: ModelIR
  bytes: Uint8Array
  report: ExportReport
  /** Technique settings, recorded with the variant. */
  settings: Record<string, unknown>
  /** Distillation: the same student trained from scratch, exported the same way, for comparison. */
  baseline?: { model: ModelIR; bytes: Uint8Array }
  structured?: StructuredLayerChange[]
  ranges?: Record<string, Range>
}

export const FORMAT_OF: Record<VariantKind, VariantFormat> = {
  float32: 'float32',
  ptq: 'int8',
  'ptq-per-tensor': 'int8',
  dynamic: 'dynamic',
  fp16: 'fp16',
  qat: 'int8',
  prune: 'int8',
  'prune-structured': 'int8',
  distill: 'int8',
  'student-scratch': 'int8',
  cluster: 'int8'
}

export const TITLES: Record<VariantKind, string> = {
  float32: 'Float32 (no optimization)',
  ptq: 'Int8 post-training quantization',
  'ptq-per-tensor': 'Int8 PTQ, one weight scale per tensor',
  dynamic: 'Dynamic range (int8 weights, float activations)',
  fp16: 'Float16 weights',
  qat: 'Int8 quantization-aware training',
  prune: 'Magnitude pruning + int8',
  'prune-structured': 'Structured pruning (filters/neurons) + int8',
  distill: 'Distilled student + int8',
  'student-scratch': 'Student from scratch + int8',
  cluster: 'Weight clustering + int8'
}

/** The table's title of one variant: pruned variants say their sparsity, since a sweep makes several. */
export function variantTitle(kind: VariantKind, options: Partial<TechniqueOptions>): string {
  if (kind !== 'prune') return TITLES[kind]
  return `Magnitude pruning to ${Math.round((options.sparsity ?? DEFAULT_TECHNIQUE_OPTIONS.sparsity) * 100)}% + int8`
}

/** Windows as the exporter takes them: one array per window. */
export function windowsOf(set: WindowSet, limit = Infinity): Float32Array[] {
  const n = Math.min(set.y.length, limit)
  const per = set.y.length ? set.x.length / set.y.length : 0
  // Evenly spaced, so a limit still covers every class in a class-sorted set.
  const step = set.y.length / Math.max(1, n)
  return Array.from({ length: n }, (_, i) => {
    const w = Math.floor(i * step)
    return set.x.subarray(w * per, (w + 1) * per)
  })
}

function labelsOf(set: WindowSet, limit = Infinity): number[] {
  const n = Math.min(set.y.length, limit)
  const step = set.y.length / Math.max(1, n)
  return Array.from({ length: n }, (_, i) => set.y[Math.floor(i * step)])
}

export function exportInt8(model: ModelIR, train: WindowSet, o: Pick<TechniqueOptions, 'perChannel' | 'representativeWindows'>, ranges?: Record<string, Range>): { bytes: Uint8Array; report: ExportReport } {
  return exportModel(model, {
    mode: 'int8',
    perChannel: o.perChannel,
    representativeData: windowsOf(train, o.representativeWindows),
    representativeLabels: labelsOf(train, o.representativeWindows),
    ...(ranges ? { activationRanges: ranges } : {}),
    description: 'Microforge int8'
  })
}

const FLOAT_MODES: Partial<Record<VariantKind, ExportMode>> = { float32: 'float32', dynamic: 'dynamicRange', fp16: 'float16' }

/**
 * The teacher's layers with fewer units: a student of the same shape family, so the comparison
 * with the teacher isolates the width. The output layer is left to buildModel.
 */
export function studentSpecFrom(teacher: ModelIR, widthFactor = 0.5): ModelSpec {
  const scale = (n: number): number => Math.max(2, Math.round(n * widthFactor))
  const act = (a: string): SpecActivation => (a === 'relu' || a === 'relu6' ? a : 'linear')
  const layers: LayerSpec[] = []
  teacher.layers.slice(0, -1).forEach((l) => {
    switch (l.type) {
      case 'conv1d':
        layers.push({ type: 'conv1d', filters: scale(l.filters), kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, activation: act(l.activation) })
        break
      case 'depthwiseConv1d':
        layers.push({ type: 'depthwiseConv1d', kernelSize: l.kernelSize, depthMultiplier: l.depthMultiplier, strides: l.strides, padding: l.padding, activation: act(l.activation) })
        break
      case 'maxPool1d':
      case 'avgPool1d':
        layers.push({ type: l.type, poolSize: l.poolSize })
        break
      case 'globalAvgPool1d':
      case 'flatten':
        layers.push({ type: l.type })
        break
      case 'dense':
        layers.push({ type: 'dense', units: scale(l.units), activation: act(l.activation) })
        break
      case 'dropout':
        layers.push({ type: 'dropout', rate: l.rate })
        break
      default:
        // Batch norm and standalone activations have no spec form; the student goes without.
        break
    }
  })
  return { preset: 'custom', layers }
}

export function initialStudent(spec: ModelSpec, teacher: ModelIR, seed: number): ModelIR {
  const model = buildModel(spec, teacher.inputShape, teacher.classes.length, seed)
  try {
    return layersModelToIR(model, teacher.classes, 'student')
  } finally {
    model.dispose()
  }
}

/** Runs one technique on the float model and exports the result. */
export async function buildVariant(kind: VariantKind, float: ModelIR, train: WindowSet, options: Partial<TechniqueOptions> = {}, hooks: FineTuneHooks = NO_HOOKS): Promise<BuiltVariant> {
  const o = { ...DEFAULT_TECHNIQUE_OPTIONS, ...options }
  const cfg = { epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed }
  const int8 = (model: ModelIR, settings: Record<string, unknown>, extra: Partial<BuiltVariant> = {}, ranges?: Record<string, Range>, perChannel = o.perChannel): BuiltVariant => {
    const { bytes, report } = exportInt8(model, train, { perChannel, representativeWindows: o.representativeWindows }, ranges)
    return { kind, format: 'int8', model, bytes, report, settings: { perChannel, ...settings }, ...extra }
  }
  const floatMode = FLOAT_MODES[kind]
  if (floatMode) {
    const { bytes, report } = exportModel(float, { mode: floatMode, description: `Microforge ${kind}` })
    return { kind, format: FORMAT_OF[kind], model: float, bytes, report, settings: {} }
  }
  switch (kind) {
    case 'ptq':
      return int8(float, {})
    case 'ptq-per-tensor':
      return int8(float, {}, {}, undefined, false)
    case 'qat': {
      // QAT trains the graph the exporter will write (batch norm folded, activations fused), so the
      // fake-quantized tensors are the int8 tensors and the learned ranges line up by name.
      const { model, ranges } = await qatFineTune(normalizeModel(float), train, cfg, { perChannel: o.perChannel, emaDecay: o.emaDecay }, hooks)
      return int8(model, { ...cfg, emaDecay: o.emaDecay }, { ranges }, ranges)
    }
    case 'prune': {
      const steps = o.epochs * stepsPerEpoch(train.y.length, o.batchSize)
      const schedule = scheduleForSteps(steps, o.sparsity)
      const model = await pruneFineTune(float, train, cfg, schedule, hooks)
      return int8(model, { ...cfg, schedule })
    }
    case 'prune-structured': {
      const { model: smaller, changes } = pruneStructured(float, { fraction: o.structuredFraction })
      if (changes.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', 'Structured pruning found nothing to remove at this share.', 'Use a larger share (for example 0.5), or a model with hidden layers.')
      const model = await fineTune(smaller, train, cfg, hooks)
      return int8(model, { ...cfg, fraction: o.structuredFraction, layers: changes.map((c) => ({ name: c.name, before: c.before, after: c.after })) }, { structured: changes })
    }
    case 'cluster': {
      const model = await clusterFineTune(float, train, cfg, { clusters: o.clusters, seed: o.seed }, hooks)
      return int8(model, { ...cfg, clusters: o.clusters })
    }
    case 'distill':
    case 'student-scratch': {
      const spec = o.studentSpec ?? studentSpecFrom(float)
      const student = initialStudent(spec, float, o.seed)
      const scfg = { epochs: o.studentEpochs, batchSize: o.studentBatchSize, learningRate: o.studentLearningRate, seed: o.seed }
      const settings = { spec, epochs: o.studentEpochs, batchSize: o.studentBatchSize, learningRate: o.studentLearningRate, seed: o.seed }
      if (kind === 'student-scratch') return int8(await fineTune(student, train, scfg, hooks), settings)
      const distilled = await distill(float, student, train, scfg, { temperature: o.temperature, alpha: o.alpha }, hooks)
      const scratch = await fineTune(student, train, scfg, { cancelled: hooks.cancelled, onEpoch: () => undefined })
      const baseline = exportInt8(scratch, train, o)
      return int8(distilled, { ...settings, temperature: o.temperature, alpha: o.alpha }, { baseline: { model: scratch, bytes: baseline.bytes } })
    }
    default:
      throw new MicroforgeError('INVALID_ARGUMENT', `There is no optimization "${String(kind)}".`, 'Choose ptq, ptq-per-tensor, dynamic, fp16, qat, prune, prune-structured, distill or cluster.')
  }
}
