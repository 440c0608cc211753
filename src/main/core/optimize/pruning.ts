import { MicroforgeError } from '../../../shared/errors'
import type { Layer, ModelIR } from '../model/model-ir'

/**
 * Magnitude pruning as tfmot's prune_low_magnitude does it: the kernels of dense and convolution
 * layers lose their smallest weights, the share growing along a polynomial-decay schedule while
 * the model fine-tunes. Biases are never pruned (few, and each one matters).
 */
export interface PruningSchedule {
  initialSparsity: number
  finalSparsity: number
  beginStep: number
  /** Last step at which the mask changes; the final sparsity holds after it. */
  endStep: number
  /** tfmot uses 3: sparsity rises fast at first, when the network can still recover. */
  power: number
  /** Steps between mask updates; tfmot's default is 100. */
  frequency: number
}

export const DEFAULT_PRUNING_SCHEDULE: PruningSchedule = {
  initialSparsity: 0,
  finalSparsity: 0.7,
  beginStep: 0,
  endStep: 1000,
  power: 3,
  frequency: 100
}

export function validateSchedule(s: PruningSchedule): void {
  const bad = (why: string): never => {
    throw new MicroforgeError('INVALID_ARGUMENT', `The pruning schedule is not valid: ${why}.`, 'Use sparsities between 0 and 0.99 and an end step after the begin step.')
  }
  if (!(s.initialSparsity >= 0 && s.initialSparsity < 1)) bad('initial sparsity must be in [0, 1)')
  if (!(s.finalSparsity >= 0 && s.finalSparsity < 1)) bad('final sparsity must be in [0, 1)')
  if (!(s.endStep > s.beginStep) || s.beginStep < 0) bad('the end step must come after the begin step')
  if (!(s.power > 0)) bad('the power must be positive')
  if (!(s.frequency >= 1)) bad('the frequency must be at least 1 step')
}

/**
 * tfmot's PolynomialDecay: s(t) = final + (initial - final) * (1 - p)^power with
 * p = clamp((t - begin) / (end - begin), 0, 1).
 */
export function scheduledSparsity(s: PruningSchedule, step: number): number {
  const p = Math.min(1, Math.max(0, (step - s.beginStep) / (s.endStep - s.beginStep)))
  return s.finalSparsity + (s.initialSparsity - s.finalSparsity) * Math.pow(1 - p, s.power)
}

/** Whether the masks are recomputed at this step (every `frequency` steps within [begin, end]). */
export function shouldUpdateMask(s: PruningSchedule, step: number): boolean {
  return step >= s.beginStep && step <= s.endStep && (step - s.beginStep) % s.frequency === 0
}

/** A schedule that ends at the given share of a fine-tune of `totalSteps` steps. */
export function scheduleForSteps(totalSteps: number, finalSparsity: number, initialSparsity = 0, endFraction = 0.75): PruningSchedule {
  const endStep = Math.max(1, Math.round(totalSteps * endFraction))
  // About ten mask updates across the ramp, so small fine-tunes still prune gradually.
  const frequency = Math.max(1, Math.floor(endStep / 10))
  return { initialSparsity, finalSparsity, beginStep: 0, endStep, power: 3, frequency }
}

/**
 * 1 for weights kept, 0 for weights pruned: the round(n * sparsity) smallest magnitudes go (ties
 * broken by position so the mask is deterministic, unlike a threshold that keeps every tie).
 */
export function magnitudeMask(weights: Float32Array, sparsity: number): Uint8Array {
  const n = weights.length
  const mask = new Uint8Array(n).fill(1)
  const prune = Math.min(n, Math.max(0, Math.round(n * sparsity)))
  if (prune === 0) return mask
  const order = Array.from({ length: n }, (_, i) => i)
  order.sort((a, b) => Math.abs(weights[a]) - Math.abs(weights[b]) || a - b)
  for (let i = 0; i < prune; i++) mask[order[i]] = 0
  return mask
}

export function applyMask(weights: Float32Array, mask: Uint8Array): Float32Array {
  const out = new Float32Array(weights.length)
  for (let i = 0; i < weights.length; i++) out[i] = mask[i] ? weights[i] : 0
  return out
}

type WeightedLayer = Extract<Layer, { kernel: Float32Array }>

export function isPrunable(layer: Layer): layer is WeightedLayer {
  return layer.type === 'dense' || layer.type === 'conv1d' || layer.type === 'depthwiseConv1d'
}

/** Masks per prunable layer name, at the given sparsity. Layers in `skip` keep every weight. */
export function magnitudeMasks(model: ModelIR, sparsity: number, skip: string[] = []): Map<string, Uint8Array> {
  const masks = new Map<string, Uint8Array>()
  for (const l of model.layers) if (isPrunable(l) && !skip.includes(l.name)) masks.set(l.name, magnitudeMask(l.kernel, sparsity))
  return masks
}

/** A copy of the model with the masks applied to the kernels. */
export function applyMasks(model: ModelIR, masks: Map<string, Uint8Array>): ModelIR {
  return {
    ...model,
    inputShape: [...model.inputShape],
    classes: [...model.classes],
    layers: model.layers.map((l) => {
      const mask = isPrunable(l) ? masks.get(l.name) : undefined
      return mask && isPrunable(l) ? { ...l, kernel: applyMask(l.kernel, mask) } : l
    })
  }
}

/** One-shot magnitude pruning (no fine-tune): what a sweep starts from before training recovers. */
export function pruneByMagnitude(model: ModelIR, sparsity: number, skip: string[] = []): ModelIR {
  return applyMasks(model, magnitudeMasks(model, sparsity, skip))
}

export interface LayerSparsity {
  name: string
  type: Layer['type']
  weights: number
  zeros: number
  /** zeros / weights, 0..1 */
  sparsity: number
}

export interface SparsityReport {
  layers: LayerSparsity[]
  weights: number
  zeros: number
  sparsity: number
}

/** Share of exact zeros in each prunable kernel, and overall. */
export function sparsityReport(model: ModelIR): SparsityReport {
  const layers: LayerSparsity[] = []
  for (const l of model.layers) {
    if (!isPrunable(l)) continue
    let zeros = 0
    for (const w of l.kernel) if (w === 0) zeros++
    layers.push({ name: l.name, type: l.type, weights: l.kernel.length, zeros, sparsity: l.kernel.length ? zeros / l.kernel.length : 0 })
  }
  const weights = layers.reduce((a, l) => a + l.weights, 0)
  const zeros = layers.reduce((a, l) => a + l.zeros, 0)
  return { layers, weights, zeros, sparsity: weights ? zeros / weights : 0 }
}
