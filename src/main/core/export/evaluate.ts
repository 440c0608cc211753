/**
 * Accuracy of the float model and of exported .tflite variants on labelled windows, so the
 * Optimize step can show each variant's size next to what it costs in accuracy.
 */
import { MicroforgeError } from '../../../shared/errors'
import { argmax, floatForward, inferShapes } from '../model/float-forward'
import { Interpreter } from '../quant/interpreter'
import type { ModelIR } from '../model/model-ir'
import { quantizeArray } from '../quant/quantize'
import { parseTflite } from '../tflite/reader'
import { exportModel, type ExportOptions, type ExportReport } from './export-model'

export interface LabelledWindows {
  windows: ArrayLike<number>[]
  labels: number[]
}

export interface Evaluation {
  /** Share of windows whose predicted class equals the label (0..1). */
  accuracy: number
  predictions: number[]
}

export function evaluateFloat(model: ModelIR, data: LabelledWindows): Evaluation {
  const shapes = inferShapes(model)
  return score(data, (w) => argmax(floatForward(model, w, shapes)))
}

/** Runs a .tflite in our interpreter; int8 inputs are quantized with the model's own input params. */
export function evaluateTflite(bytes: Uint8Array, data: LabelledWindows): Evaluation {
  const model = parseTflite(bytes)
  const interp = new Interpreter(model)
  const sg = model.subgraphs[0]
  const input = sg.tensors[sg.inputs[0]]
  const q = input.quantization
  const prepare = (w: ArrayLike<number>): ArrayLike<number> => {
    if (input.type === 'FLOAT32') return Float32Array.from(w)
    if (input.type === 'INT8' && q && q.scale.length === 1) return quantizeArray(w, { scale: q.scale[0], zeroPoint: q.zeroPoint[0] })
    throw new MicroforgeError('UNSUPPORTED', `The model input is ${input.type}; only float32 and int8 inputs can be evaluated.`, 'Export with int8 or float32 input.')
  }
  // Output scales are positive, so the largest stored value is the largest real value.
  return score(data, (w) => argmax(interp.invoke([prepare(w)])[0] as ArrayLike<number>))
}

function score(data: LabelledWindows, predict: (w: ArrayLike<number>) => number): Evaluation {
  const predictions = Array.from(data.windows, (w) => predict(w))
  const correct = predictions.filter((p, i) => p === data.labels[i]).length
  return { accuracy: data.windows.length ? correct / data.windows.length : 0, predictions }
}

export type VariantName = 'float32' | 'dynamicRange' | 'float16' | 'int8PerTensor' | 'int8PerChannel'

export interface VariantRow {
  variant: VariantName
  sizeBytes: number
  /** null when our interpreter cannot run the variant (hybrid convolutions); see `note`. */
  accuracy: number | null
  note?: string
  report: ExportReport
  bytes: Uint8Array
}

const VARIANTS: [VariantName, Omit<ExportOptions, 'representativeData'>][] = [
  ['float32', { mode: 'float32' }],
  ['dynamicRange', { mode: 'dynamicRange' }],
  ['float16', { mode: 'float16' }],
  ['int8PerTensor', { mode: 'int8', perChannel: false }],
  ['int8PerChannel', { mode: 'int8', perChannel: true }]
]

/** Every export variant of a model with its file size and test accuracy (the benchmark table). */
export function compareVariants(model: ModelIR, representative: LabelledWindows, test: LabelledWindows): VariantRow[] {
  return VARIANTS.map(([variant, options]) => {
    const { bytes, report } = exportModel(model, { ...options, representativeData: representative.windows, representativeLabels: representative.labels })
    try {
      return { variant, sizeBytes: bytes.length, accuracy: evaluateTflite(bytes, test).accuracy, report, bytes }
    } catch (e) {
      if (!(e instanceof MicroforgeError) || e.code !== 'UNSUPPORTED') throw e
      return { variant, sizeBytes: bytes.length, accuracy: null, note: e.message, report, bytes }
    }
  })
}
