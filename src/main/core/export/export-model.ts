/**
 * ModelIR -> .tflite bytes in the four variants the TensorFlow Lite converter offers:
 *   float32       plain float model
 *   dynamicRange  int8 weights, float activations; weight ops become hybrid ops (desktop TFLite only)
 *   float16       float16 weights, each dequantized to float32 by a DEQUANTIZE op at load time
 *   int8          full-integer post-training quantization calibrated on representative windows
 */
import { MicroforgeError } from '../../../shared/errors'
import { floatForwardTrace, inferShapes, shapeSize } from '../model/float-forward'
import type { ModelIR } from '../model/model-ir'
import { DEFAULT_PERCENTILE, createRangeObserver, type CalibrationOptions, type Range, type RangeObserver } from '../quant/calibration'
import { BuiltinOperator, TensorType, writeTflite, type WriterTensor } from '../tflite/writer'
import { lowerModel, type LoweredGraph } from './lower'
import { normalizeModel } from './normalize'
import { TfliteBuilder, buildDynamicRange, buildFloat, buildInt8, type IoType } from './tflite-graph'

export type { IoType } from './tflite-graph'

export type ExportMode = 'float32' | 'dynamicRange' | 'float16' | 'int8'

export interface ExportOptions {
  mode: ExportMode
  /**
   * int8 only: input windows (row-major [steps][axes], like the model input) the float model is run
   * on to measure every tensor's range. 100 or more covering every class is the usual advice.
   */
  representativeData?: ArrayLike<number>[]
  /** Labels of representativeData, to warn when a class is missing from calibration. */
  representativeLabels?: number[]
  /**
   * int8 and dynamicRange: one weight scale per output channel of CONV_2D and DEPTHWISE_CONV_2D
   * (default) or one per tensor.
   */
  perChannel?: boolean
  /**
   * int8 only: per-channel scales for FULLY_CONNECTED too (default false, as the converter writes
   * dense layers). TFLite Micro releases before 2023 read only the first scale of a per-channel
   * FULLY_CONNECTED weight and silently compute wrong outputs, and hobby boards often ship those.
   */
  perChannelDense?: boolean
  /** int8 only: int8 input/output (default, what a microcontroller wants) or float32 with QUANTIZE/DEQUANTIZE. */
  inputOutputType?: IoType
  /** int8 only: how activation ranges are chosen (default min/max, like the converter). */
  calibration?: CalibrationOptions
  /**
   * int8 only: activation ranges already learned (quantization-aware training), keyed by layer name
   * of the normalized model, 'input' for the model input. They replace the calibrated range of the
   * tensors they name; the others are still calibrated on representativeData.
   */
  activationRanges?: Record<string, Range>
  /**
   * dynamicRange only: weight tensors smaller than this stay float32. The converter uses 1024 because
   * quantizing small tensors saves little and costs accuracy.
   */
  dynamicRangeMinElements?: number
  description?: string
}

export const DEFAULT_DYNAMIC_RANGE_MIN_ELEMENTS = 1024
export const RECOMMENDED_REPRESENTATIVE_WINDOWS = 100

export interface IoDescription {
  type: IoType
  shape: number[]
  /** Present for int8 tensors: real = (q - zeroPoint) * scale. */
  scale?: number
  zeroPoint?: number
}

export interface ExportReport {
  mode: ExportMode
  perChannel: boolean
  perChannelDense: boolean
  input: IoDescription
  output: IoDescription
  /** Constant tensors stored in a reduced type (int8 weights, int32 biases, float16 values). */
  tensorsQuantized: number
  /** Constant tensors left in float32. */
  tensorsFloat: number
  ops: string[]
  /** Whole file: what goes to flash. */
  sizeBytes: number
  /** Constant data (weights, biases, shapes) inside the file. */
  constantBytes: number
  calibration?: { method: CalibrationOptions['method']; percentile?: number; windows: number }
  /** Things the user should know that did not stop the export. */
  warnings: string[]
}

export interface ExportResult {
  bytes: Uint8Array
  report: ExportReport
}

export function exportModel(model: ModelIR, options: ExportOptions): ExportResult {
  const normalized = normalizeModel(model)
  const graph = lowerModel(normalized)
  const perChannel = options.perChannel ?? true
  const warnings: string[] = []
  const b = new TfliteBuilder()
  let calibration: ExportReport['calibration']

  switch (options.mode) {
    case 'float32':
    case 'float16':
      buildFloat(graph, b, options.mode === 'float16')
      break
    case 'dynamicRange':
      buildDynamicRange(graph, b, perChannel, options.dynamicRangeMinElements ?? DEFAULT_DYNAMIC_RANGE_MIN_ELEMENTS)
      break
    case 'int8': {
      const method = options.calibration ?? { method: 'minmax' }
      const windows = options.representativeData ?? []
      const ranges = withGivenRanges(normalized, graph, calibrate(normalized, graph, windows, method), options.activationRanges)
      warnings.push(...representativeWarnings(model, windows.length, options.representativeLabels))
      buildInt8(graph, b, ranges, { conv: perChannel, dense: perChannel && (options.perChannelDense ?? false) }, options.inputOutputType ?? 'int8')
      calibration = { method: method.method, windows: windows.length, ...(method.method === 'percentile' ? { percentile: method.percentile ?? DEFAULT_PERCENTILE } : {}) }
      break
    }
    default:
      throw new MicroforgeError('INVALID_ARGUMENT', `Unknown export mode "${String(options.mode)}".`, 'Choose float32, dynamicRange, float16 or int8.')
  }

  const writerModel = b.finish(options.description)
  const bytes = writeTflite(writerModel)
  const inT = writerModel.tensors[writerModel.inputs[0]]
  const outT = writerModel.tensors[writerModel.outputs[0]]
  const report: ExportReport = {
    mode: options.mode,
    perChannel: options.mode === 'int8' || options.mode === 'dynamicRange' ? perChannel : false,
    perChannelDense: options.mode === 'int8' && perChannel && (options.perChannelDense ?? false),
    input: describeIo(inT),
    output: describeIo(outT),
    tensorsQuantized: b.quantizedConstants,
    tensorsFloat: b.floatConstants,
    ops: writerModel.operators.map((op) => BuiltinOperator[op.opcode]),
    sizeBytes: bytes.length,
    constantBytes: writerModel.tensors.reduce((sum, t) => sum + (t.data?.length ?? 0), 0),
    warnings,
    ...(calibration ? { calibration } : {})
  }
  return { bytes, report }
}

function describeIo(t: WriterTensor): IoDescription {
  if (t.type === TensorType.INT8 && t.quantization) {
    return { type: 'int8', shape: t.shape, scale: t.quantization.scale[0], zeroPoint: t.quantization.zeroPoint[0] }
  }
  return { type: 'float32', shape: t.shape }
}

function representativeWarnings(model: ModelIR, count: number, labels: number[] | undefined): string[] {
  const warnings: string[] = []
  if (count < RECOMMENDED_REPRESENTATIVE_WINDOWS) {
    warnings.push(`Calibrated on ${count} windows; ${RECOMMENDED_REPRESENTATIVE_WINDOWS} or more give steadier int8 ranges.`)
  }
  if (labels) {
    const missing = model.classes.filter((_, c) => !labels.includes(c))
    if (missing.length > 0) warnings.push(`No calibration windows of class ${missing.map((m) => `"${m}"`).join(', ')}; int8 accuracy on it may suffer.`)
  }
  return warnings
}

/** Range of every float tensor over the representative windows, keyed by lowered tensor index. */
export function calibrate(normalized: ModelIR, graph: LoweredGraph, windows: ArrayLike<number>[], method: CalibrationOptions): Range[] {
  if (windows.length === 0) {
    throw new MicroforgeError(
      'INVALID_ARGUMENT',
      'Full-integer (int8) export needs representative windows to measure value ranges, and none were given.',
      'Record some windows of every class first, or export as float32, float16 or dynamic range.'
    )
  }
  const shapes = inferShapes(normalized)
  const observers = new Map<number, RangeObserver>()
  for (const t of graph.tensors) if (!observers.has(t.source)) observers.set(t.source, createRangeObserver(method))
  for (const w of windows) {
    const trace = floatForwardTrace(normalized, w, shapes)
    for (const [source, obs] of observers) obs.observe(source < 0 ? w : trace.layerOutputs[source])
  }
  const bySource = new Map<number, Range>()
  for (const [source, obs] of observers) bySource.set(source, obs.range())
  return graph.tensors.map((t) => bySource.get(t.source) as Range)
}

/** Calibrated ranges with the given ones (by normalized layer name, 'input' for -1) put in their place. */
export function withGivenRanges(normalized: ModelIR, graph: LoweredGraph, calibrated: Range[], given: Record<string, Range> | undefined): Range[] {
  if (!given) return calibrated
  return graph.tensors.map((t, i) => given[t.source < 0 ? 'input' : normalized.layers[t.source].name] ?? calibrated[i])
}

/** Number of values in one model input window. */
export function inputSize(model: ModelIR): number {
  return shapeSize(model.inputShape)
}
