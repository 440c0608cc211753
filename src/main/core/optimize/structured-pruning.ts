import { MicroforgeError } from '../../../shared/errors'
import type { Layer, ModelIR } from '../model/model-ir'
import { convOutLength } from '../cost/model-cost'

/**
 * Structured pruning: whole convolution filters and dense neurons with the smallest L1 norm go,
 * and every layer downstream that reads them loses the matching input weights, so the result is a
 * genuinely smaller dense model (fewer MACs, a smaller .tflite and arena) that any kernel library
 * runs; zeros scattered in a kernel (magnitude pruning) only help compression.
 */
export interface StructuredPruningOptions {
  /** Share of filters/neurons removed from each prunable layer, 0..1. */
  fraction: number
  /** Per-layer overrides by layer name. */
  perLayer?: Record<string, number>
  /** Never keep fewer than this many units in a layer. */
  minUnits?: number
}

export interface StructuredLayerChange {
  name: string
  type: 'conv1d' | 'dense'
  before: number
  after: number
  /** Original indices of the kept units, ascending. */
  kept: number[]
}

export interface StructuredPruningResult {
  model: ModelIR
  changes: StructuredLayerChange[]
}

/** L1 norm of each output unit (last axis of a Keras kernel [..., units]). */
export function unitL1Norms(kernel: Float32Array, units: number): Float32Array {
  const norms = new Float32Array(units)
  for (let i = 0; i < kernel.length; i++) norms[i % units] += Math.abs(kernel[i])
  return norms
}

/** Indices of the `keep` largest norms, ascending (ties to the lower index). */
export function topUnits(norms: Float32Array, keep: number): number[] {
  const order = Array.from(norms.keys()).sort((a, b) => norms[b] - norms[a] || a - b)
  return order.slice(0, keep).sort((a, b) => a - b)
}

/** Keeps output units (the last axis) of a kernel laid out [..., units]. */
function sliceLastAxis(kernel: Float32Array, units: number, kept: number[]): Float32Array {
  const rows = kernel.length / units
  const out = new Float32Array(rows * kept.length)
  for (let r = 0; r < rows; r++) for (let j = 0; j < kept.length; j++) out[r * kept.length + j] = kernel[r * units + kept[j]]
  return out
}

/** Keeps input channels of a kernel laid out [taps, inChannels, out]. */
function sliceInputAxis(kernel: Float32Array, taps: number, inCh: number, out: number, kept: number[]): Float32Array {
  const res = new Float32Array(taps * kept.length * out)
  for (let k = 0; k < taps; k++)
    for (let j = 0; j < kept.length; j++)
      for (let o = 0; o < out; o++) res[(k * kept.length + j) * out + o] = kernel[(k * inCh + kept[j]) * out + o]
  return res
}

function pick(values: Float32Array, kept: number[]): Float32Array {
  return Float32Array.from(kept, (i) => values[i])
}

/**
 * What the current tensor's last axis holds, in terms of the original model: `width` original
 * units of which `kept` survive. For a flattened sequence the width is time x channels and the kept
 * indices interleave the same way Flatten does (index = t * channels + c).
 */
interface Lanes {
  width: number
  kept: number[] | null
  /** Time steps of a sequence tensor, null once flat. */
  steps: number | null
}

function outSteps(steps: number | null, kernel: number, strides: number, padding: 'valid' | 'same'): number | null {
  return steps === null ? null : convOutLength(steps, kernel, strides, padding)
}

function allKept(l: Lanes): number[] {
  return l.kept ?? Array.from({ length: l.width }, (_, i) => i)
}

/**
 * Removes the weakest `fraction` of units from every conv1d and dense layer except the output
 * layer (its units are the classes). Depthwise convolutions, batch norm and pooling follow the
 * channels they receive.
 */
export function pruneStructured(model: ModelIR, opts: StructuredPruningOptions): StructuredPruningResult {
  const check = (f: number, where: string): void => {
    if (!(f >= 0 && f < 1)) throw new MicroforgeError('INVALID_ARGUMENT', `The share of units to remove${where} must be at least 0 and below 1, not ${f}.`, 'Use for example 0.5 to remove half the filters.')
  }
  check(opts.fraction, '')
  for (const [k, v] of Object.entries(opts.perLayer ?? {})) check(v, ` from ${k}`)
  const minUnits = Math.max(1, opts.minUnits ?? 2)
  const weighted = model.layers.filter((l) => l.type === 'conv1d' || l.type === 'dense')
  const outputLayer = weighted[weighted.length - 1]

  const seqInput = model.inputShape.length === 2
  let lanes: Lanes = { width: model.inputShape[model.inputShape.length - 1], kept: null, steps: seqInput ? model.inputShape[0] : null }
  const layers: Layer[] = []
  const changes: StructuredLayerChange[] = []

  for (const layer of model.layers) {
    switch (layer.type) {
      case 'conv1d':
      case 'dense': {
        const units = layer.type === 'conv1d' ? layer.filters : layer.units
        const inKept = allKept(lanes)
        const taps = layer.type === 'conv1d' ? layer.kernelSize : 1
        let kernel = lanes.kept ? sliceInputAxis(layer.kernel, taps, lanes.width, units, inKept) : layer.kernel
        let bias = layer.bias
        const fraction = opts.perLayer?.[layer.name] ?? opts.fraction
        let kept: number[] | null = null
        if (layer !== outputLayer && fraction > 0) {
          const keep = Math.min(units, Math.max(minUnits, Math.round(units * (1 - fraction))))
          if (keep < units) {
            kept = topUnits(unitL1Norms(kernel, units), keep)
            kernel = sliceLastAxis(kernel, units, kept)
            bias = bias ? pick(bias, kept) : null
            changes.push({ name: layer.name, type: layer.type, before: units, after: keep, kept })
          }
        }
        const width = kept ? kept.length : units
        let steps = lanes.steps
        if (layer.type === 'conv1d') {
          layers.push({ ...layer, filters: width, kernel, bias })
          steps = outSteps(steps, layer.kernelSize, layer.strides, layer.padding)
        } else {
          layers.push({ ...layer, units: width, kernel, bias })
        }
        // The next layer's kernel still has this layer's original width as its input axis, so
        // the kept indices stay relative to the original units.
        lanes = { width: units, kept, steps }
        break
      }
      case 'depthwiseConv1d': {
        const m = layer.depthMultiplier
        const inKept = allKept(lanes)
        const kernel = lanes.kept ? sliceInputAxis(layer.kernel, layer.kernelSize, lanes.width, m, inKept) : layer.kernel
        // Output channel c*m + j belongs to input channel c, so the kept outputs follow the inputs.
        const outKept = lanes.kept ? inKept.flatMap((c) => Array.from({ length: m }, (_, j) => c * m + j)) : null
        const bias = layer.bias && outKept ? pick(layer.bias, outKept) : layer.bias
        layers.push({ ...layer, kernel, bias })
        lanes = { width: lanes.width * m, kept: outKept, steps: outSteps(lanes.steps, layer.kernelSize, layer.strides, layer.padding) }
        break
      }
      case 'batchNorm': {
        const kept = lanes.kept
        layers.push(
          kept
            ? { ...layer, gamma: pick(layer.gamma, kept), beta: pick(layer.beta, kept), movingMean: pick(layer.movingMean, kept), movingVariance: pick(layer.movingVariance, kept) }
            : layer
        )
        break
      }
      case 'maxPool1d':
      case 'avgPool1d':
        lanes = { ...lanes, steps: outSteps(lanes.steps, layer.poolSize, layer.strides, layer.padding) }
        layers.push(layer)
        break
      case 'globalAvgPool1d':
        lanes = { width: lanes.width, kept: lanes.kept, steps: null }
        layers.push(layer)
        break
      case 'flatten': {
        if (lanes.steps !== null) {
          const T = lanes.steps
          const C = lanes.width
          const chans = lanes.kept
          // Flatten of [T, C] puts channel c of step t at t * C + c: the kept channels repeat per step.
          const kept = chans ? Array.from({ length: T }, (_, t) => chans.map((c) => t * C + c)).flat() : null
          lanes = { width: T * C, kept, steps: null }
        }
        layers.push(layer)
        break
      }
      default:
        layers.push(layer)
    }
  }
  return { model: { ...model, inputShape: [...model.inputShape], classes: [...model.classes], layers }, changes }
}
