import type { TargetId, VariantFormat, VariantRecord } from '../../../shared/optimize'
import { MicroforgeError } from '../../../shared/errors'
import { planArena } from '../arena/arena-planner'
import { DEFAULT_DYNAMIC_RANGE_MIN_ELEMENTS } from '../export/export-model'
import { argmax as floatArgmax, floatForward, inferShapes } from '../model/float-forward'
import { Interpreter } from '../quant/interpreter'
import type { ModelIR } from '../model/model-ir'
import { quantizeArray, quantizeWeightsPerChannel, quantizeWeightsPerTensor } from '../quant/quantize'
import { parseTflite, type ParsedModel } from '../tflite/reader'
import { findProblems } from '../tflite/tflm-compat'
import type { WindowSet } from '../train/train-loop'
import { gzipSize } from './compress'
import { estimateLatency } from '../cost/latency'
import { modelCost } from '../cost/model-cost'
import { sparsityReport, type LayerSparsity } from './pruning'

/**
 * Everything the comparison table shows about one exported .tflite, measured on the file itself:
 * test accuracy from the interpreter that matches TFLite Micro bit for bit (not the float model),
 * sizes, the tensor arena, and latency estimated per board and timed on this computer.
 */
export interface VariantMetrics
  extends Pick<VariantRecord, 'accuracy' | 'accuracySource' | 'tfliteBytes' | 'gzipBytes' | 'params' | 'macs' | 'arenaBytes' | 'latency' | 'hostLatencyMs' | 'sparsity'> {
  tflmSupported: boolean
  /** The first reason TFLM cannot load it, or null. */
  tflmProblem: string | null
  /** Predicted class per test window. */
  predictions: number[]
  sparsityPerLayer: LayerSparsity[]
}

/**
 * The arena TensorFlow Lite Micro asks for: activations planned as its greedy planner lays them
 * out plus the planner's estimate of its bookkeeping (what arena_used_bytes() reports).
 */
export function tflmArenaBytes(parsed: ParsedModel): number {
  return planArena(parsed).tflm.totalEstimateBytes
}

/** Class index with the highest output (int8 outputs compare in the same order as their reals). */
function argmax(values: ArrayLike<number>): number {
  let best = 0
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i
  return best
}

/** Converts one preprocessed float window into what the model's input tensor holds. */
function toModelInput(interp: Interpreter, window: Float32Array): ArrayLike<number> {
  const t = interp.inputs[0]
  if (t.type === 'INT8') {
    const q = t.quantization!
    return quantizeArray(window, { scale: q.scale[0], zeroPoint: q.zeroPoint[0] })
  }
  return window
}

export interface TfliteRun {
  predictions: number[]
  accuracy: number
  /** Median ms of one invoke on this computer. */
  hostLatencyMs: number
}

/**
 * Median ms of `count` calls of `invoke(i)` cycling over `n` windows. Call it after a pass over
 * the windows: a cold interpreter spends its first invocations in the JIT, which on a 12-window
 * test split used to make the median several times the steady-state time.
 */
function medianInvokeMs(n: number, count: number, invoke: (i: number) => void): number {
  if (!n || count <= 0) return 0
  const times: number[] = []
  for (let k = 0; k < count; k++) {
    const t0 = performance.now()
    invoke(k % n)
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

/** Runs every test window through the interpreter, then times `timed` more invocations. */
export function runTflite(bytes: Uint8Array, test: WindowSet, timed = 50): TfliteRun {
  const interp = new Interpreter(parseTflite(bytes))
  const n = test.y.length
  const per = n ? test.x.length / n : 0
  const inputs = Array.from({ length: n }, (_, i) => toModelInput(interp, test.x.subarray(i * per, (i + 1) * per)))
  const predictions = inputs.map((input) => argmax(interp.invoke([input])[0]))
  const correct = predictions.filter((p, i) => p === test.y[i]).length
  return { predictions, accuracy: n ? correct / n : 0, hostLatencyMs: medianInvokeMs(n, timed, (i) => interp.invoke([inputs[i]])) }
}

/**
 * The float model with each large kernel rounded through int8 as dynamic-range export stores it
 * (per channel for convolutions, per tensor for dense layers, small tensors left float). The
 * interpreter has no hybrid convolution kernel, so dynamic-range accuracy is measured on this.
 */
export function dynamicRangeWeights(model: ModelIR, minElements = DEFAULT_DYNAMIC_RANGE_MIN_ELEMENTS): ModelIR {
  return {
    ...model,
    layers: model.layers.map((l) => {
      if ((l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'depthwiseConv1d') || l.kernel.length < minElements) return l
      // Keras layouts keep the output channel fastest: [taps, outChannels] is enough for per-channel scales.
      const outCh = l.type === 'conv1d' ? l.filters : l.type === 'depthwiseConv1d' ? l.kernel.length / l.kernelSize : 1
      const q = l.type === 'dense' ? quantizeWeightsPerTensor(l.kernel) : quantizeWeightsPerChannel(l.kernel, [l.kernel.length / outCh, outCh], 1)
      const kernel = new Float32Array(l.kernel.length)
      for (let i = 0; i < kernel.length; i++) kernel[i] = q.values[i] * q.scales[q.scales.length === 1 ? 0 : i % outCh]
      return { ...l, kernel }
    })
  }
}

/** Test accuracy of a float ModelIR (for formats the interpreter cannot run), then its timing. */
export function runFloat(model: ModelIR, test: WindowSet, timed = 50): TfliteRun {
  const shapes = inferShapes(model)
  const n = test.y.length
  const per = n ? test.x.length / n : 0
  const window = (i: number): Float32Array => test.x.subarray(i * per, (i + 1) * per)
  const predictions = Array.from({ length: n }, (_, i) => floatArgmax(floatForward(model, window(i), shapes)))
  return {
    predictions,
    accuracy: n ? predictions.filter((p, i) => p === test.y[i]).length / n : 0,
    hostLatencyMs: medianInvokeMs(n, timed, (i) => floatForward(model, window(i), shapes))
  }
}

export function measureVariant(
  model: ModelIR,
  bytes: Uint8Array,
  format: VariantFormat,
  test: WindowSet,
  corrections: Partial<Record<TargetId, number>>,
  arenaOf: (parsed: ParsedModel) => number = tflmArenaBytes
): VariantMetrics {
  let run: TfliteRun
  let source: 'interpreter' | 'float-forward' = 'interpreter'
  try {
    run = runTflite(bytes, test)
  } catch (err) {
    if (!(err instanceof MicroforgeError && err.code === 'UNSUPPORTED' && format === 'dynamic')) throw err
    run = runFloat(dynamicRangeWeights(model), test)
    source = 'float-forward'
  }
  const cost = modelCost(model)
  const sparsity = sparsityReport(model)
  const parsed = parseTflite(bytes)
  const problems = findProblems(parsed)
  return {
    accuracy: run.accuracy,
    accuracySource: source,
    predictions: run.predictions,
    tfliteBytes: bytes.length,
    gzipBytes: gzipSize(bytes),
    params: cost.totalParams,
    macs: cost.totalMacs,
    arenaBytes: arenaOf(parsed),
    tflmSupported: problems.length === 0,
    tflmProblem: problems[0]?.message ?? null,
    // Float16 and dynamic-range models compute in float on a microcontroller.
    latency: estimateLatency(model, format === 'int8' ? 'int8' : 'float32', corrections),
    hostLatencyMs: run.hostLatencyMs,
    sparsity: sparsity.sparsity,
    sparsityPerLayer: sparsity.layers
  }
}
