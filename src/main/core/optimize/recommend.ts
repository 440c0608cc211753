import { tflmVerdict, type Budget, type Recommendation, type VariantFit, type VariantKind, type VariantRecord } from '../../../shared/optimize'

/** The accuracy post-training quantization may lose before QAT is worth its training time (2 points). */
export const PTQ_TOLERANCE = 0.02

/** Variants that change the architecture itself (fewer units or a smaller student). */
const SMALLER_ARCHITECTURE: VariantKind[] = ['prune-structured', 'distill', 'student-scratch']
/** Variants whose gain shows after compression (scattered zeros, few distinct values). */
const COMPRESSIBLE: VariantKind[] = ['prune', 'cluster']

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const pts = (x: number): string => `${(x * 100).toFixed(1)} points`
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`

type FitVariant = Pick<VariantRecord, 'name' | 'kind' | 'format' | 'accuracy' | 'tfliteBytes' | 'gzipBytes' | 'arenaBytes' | 'latency' | 'tflmSupported' | 'tflmProblem'>

/** Points a variant may lose against float32 when the budget gives no absolute floor. */
export const DEFAULT_MAX_DROP_POINTS = 1

/** The accuracy floor: the budget's own, else float32's accuracy minus the allowed drop (0 without a float32 result). */
export function accuracyFloor(b: Budget, floatAccuracy: number | null): number {
  if (b.minAccuracy !== undefined) return b.minAccuracy
  if (floatAccuracy === null) return 0
  // A hair of slack so "no loss" is never failed by float rounding.
  return Math.max(0, floatAccuracy - (b.maxDropPoints ?? DEFAULT_MAX_DROP_POINTS) / 100 - 1e-9)
}

/** Which limits a variant breaks, each as a phrase with units. */
export function checkFit(v: FitVariant, b: Budget): VariantFit {
  const floor = b.minAccuracy ?? 0
  const failures: string[] = []
  if (v.tfliteBytes > b.flashKB * 1024) failures.push(`model ${kb(v.tfliteBytes)} > flash ${b.flashKB} KB`)
  if (v.arenaBytes > b.ramKB * 1024) failures.push(`arena ${kb(v.arenaBytes)} > RAM ${b.ramKB} KB`)
  const lat = v.latency.find((l) => l.target === b.target)
  if (lat && lat.ms > b.latencyMs) failures.push(`${lat.ms.toFixed(2)} ms > ${b.latencyMs} ms on ${b.target}`)
  if (v.accuracy < floor) failures.push(`accuracy ${pct(v.accuracy)} < ${pct(floor)}`)
  if (b.otaKB !== undefined && v.gzipBytes > b.otaKB * 1024) failures.push(`update ${kb(v.gzipBytes)} gzip > ${b.otaKB} KB`)
  return { name: v.name, fits: failures.length === 0, failures }
}

/** Only the resource limits (flash, RAM, latency), ignoring accuracy. */
function fitsResources(f: VariantFit): boolean {
  return f.failures.every((x) => x.startsWith('accuracy'))
}

function best(list: FitVariant[]): FitVariant | undefined {
  // Highest accuracy, then the smaller file.
  return [...list].sort((a, b) => b.accuracy - a.accuracy || a.tfliteBytes - b.tfliteBytes)[0]
}

/**
 * The decision tree of the quantization lesson: post-training quantization first; QAT when PTQ
 * loses more than 2 points; a smaller architecture when the int8 model is still too big or slow;
 * pruning plus compression when over-the-air updates must be small. Only int8 variants are
 * recommended for deployment, because float kernels on a microcontroller cost 4x the flash and
 * several times the time for nothing the decision tree asks for; and never one TensorFlow Lite
 * Micro cannot load (hybrid dynamic-range and float16 variants, or anything inspect flags).
 */
export function recommend(variants: FitVariant[], floatAccuracy: number | null, given: Budget): Recommendation {
  const base = floatAccuracy ?? variants.find((v) => v.kind === 'float32')?.accuracy ?? null
  const budget = { ...given, minAccuracy: accuracyFloor(given, base) }
  const fits = variants.map((v) => checkFit(v, budget))
  // Steps 1-4 judge flash, RAM, latency and accuracy; the update size is step 5's question.
  const { otaKB: _ota, ...deviceBudget } = budget
  const fit = new Map(variants.map((v) => [v.name, checkFit(v, deviceBudget)]))
  const fitAll = new Map(fits.map((f) => [f.name, f]))
  const trail: string[] = []
  // Steps are numbered as the reader meets them: a branch that skips a step must not skip a number.
  const done = (variant: FitVariant | null, action: Recommendation['action'], reason: string): Recommendation => ({ variant: variant?.name ?? null, action, reason, trail: renumber(trail), fits })
  const refused = variants.filter((v) => !tflmVerdict(v).supported)
  if (refused.length) trail.push(`TensorFlow Lite Micro cannot load ${refused.map((v) => v.name).join(', ')}; never recommended for a board.`)
  const int8 = variants.filter((v) => v.format === 'int8' && tflmVerdict(v).supported)
  const ptq = int8.find((v) => v.kind === 'ptq')
  const qat = int8.find((v) => v.kind === 'qat')

  // The OTA branch applies to whatever the tree picks: if its update is too big, look for a
  // pruned or clustered variant that fits and compresses under the limit.
  const withOta = (pick: FitVariant, action: Recommendation['action'], reason: string): Recommendation => {
    if (budget.otaKB === undefined || pick.gzipBytes <= budget.otaKB * 1024) return done(pick, action, reason)
    trail.push(`5. ${pick.name} compresses to ${kb(pick.gzipBytes)}, above the ${budget.otaKB} KB update limit.`)
    const alt = best(int8.filter((v) => COMPRESSIBLE.includes(v.kind) && fitAll.get(v.name)!.fits))
    if (alt) return done(alt, 'prune-compress', `${alt.name}: pruning before quantization, then gzip, gives a ${kb(alt.gzipBytes)} update at ${pct(alt.accuracy)} accuracy.`)
    return done(pick, 'prune-compress', `${reason} For updates under ${budget.otaKB} KB, run magnitude pruning (70% or more) and send the gzip-compressed .tflite.`)
  }

  if (!ptq) {
    trail.push('1. No post-training quantized (PTQ) variant yet.')
    const alt = best(int8.filter((v) => fit.get(v.name)!.fits))
    if (alt) return withOta(alt, alt.kind === 'qat' ? 'deploy-qat' : 'smaller-architecture', `${alt.name} fits every limit at ${pct(alt.accuracy)}; run PTQ too, it is the first thing to try.`)
    return done(null, 'none', 'Run post-training quantization (PTQ) first: it is fast and usually enough.')
  }

  const ptqFit = fit.get(ptq.name)!
  const loss = base === null ? 0 : base - ptq.accuracy
  trail.push(`1. PTQ: ${pct(ptq.accuracy)}${base === null ? '' : `, ${loss > 0 ? `${pts(loss)} below` : 'no loss from'} float32 ${pct(base)}`}; ${kb(ptq.tfliteBytes)}, arena ${kb(ptq.arenaBytes)}.`)
  const lossOk = loss <= PTQ_TOLERANCE && ptq.accuracy >= budget.minAccuracy

  if (lossOk && ptqFit.fits) {
    trail.push('2. PTQ loses 2 points or less and fits every limit.')
    return withOta(ptq, 'deploy-ptq', `PTQ fits (${kb(ptq.tfliteBytes)} flash, ${kb(ptq.arenaBytes)} RAM) and loses ${loss > 0 ? pts(loss) : 'nothing'}: deploy it, no retraining needed.`)
  }

  let candidate: FitVariant = ptq
  if (!lossOk) {
    trail.push(`3. PTQ loses ${pts(loss)}${ptq.accuracy < budget.minAccuracy ? ` and is below the ${pct(budget.minAccuracy)} minimum` : ''}: quantization-aware training (QAT) is next.`)
    if (!qat) return done(null, 'run-qat', `PTQ loses ${pts(loss)} (more than 2): run QAT, fine-tuning with simulated int8 at a low learning rate, to recover most of it.`)
    const qatFit = fit.get(qat.name)!
    trail.push(`   QAT: ${pct(qat.accuracy)}${base === null ? '' : ` (${pts(Math.max(0, base - qat.accuracy))} below float32)`}.`)
    if (qatFit.fits) return withOta(qat, 'deploy-qat', `QAT recovers to ${pct(qat.accuracy)} against PTQ's ${pct(ptq.accuracy)} at the same size (${kb(qat.tfliteBytes)}): deploy the QAT model.`)
    candidate = qat.accuracy >= ptq.accuracy ? qat : ptq
  }

  const candFit = fit.get(candidate.name)!
  if (!fitsResources(candFit)) {
    trail.push(`4. ${candidate.name} is still too big or slow (${candFit.failures.filter((f) => !f.startsWith('accuracy')).join('; ')}): a smaller architecture is next.`)
    const small = best(int8.filter((v) => SMALLER_ARCHITECTURE.includes(v.kind) && fit.get(v.name)!.fits))
    if (small) return withOta(small, 'smaller-architecture', `${small.name} fits every limit at ${pct(small.accuracy)} (${kb(small.tfliteBytes)}, arena ${kb(small.arenaBytes)}).`)
    return done(null, 'train-smaller', `No variant fits (${candFit.failures.join('; ')}). Train a smaller model: fewer filters or units, or the depthwise-separable preset, then quantize it.`)
  }

  // Fits the resources but not the accuracy, even after QAT.
  const anyFit = best(int8.filter((v) => fit.get(v.name)!.fits))
  if (anyFit) return withOta(anyFit, anyFit.kind === 'qat' ? 'deploy-qat' : 'smaller-architecture', `${anyFit.name} is the most accurate int8 variant that meets every limit (${pct(anyFit.accuracy)}).`)
  return done(null, 'none', `No int8 variant reaches ${pct(budget.minAccuracy)} accuracy. Record more windows per class or train longer, then optimize again.`)
}

/** "1. …", "3. …", "   QAT …" -> "1. …", "2. …", "   QAT …": consecutive numbers, continuation lines kept. */
export function renumber(trail: readonly string[]): string[] {
  let n = 0
  return trail.map((line) => (/^\d+\. /.test(line) ? line.replace(/^\d+\./, `${++n}.`) : line))
}
