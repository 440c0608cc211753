/**
 * Runs a parsed .tflite (subgraph 0) with kernels that match TensorFlow Lite Micro's reference
 * kernels bit for bit on int8, and its float32 arithmetic order on float. Everything is allocated
 * and every kernel prepared in the constructor; invoke() only copies inputs and runs the kernels.
 */
import { MicroforgeError } from '../../../shared/errors'
import type { ParsedModel, ParsedTensor } from '../tflite/reader'
import type { Eval, Kernel, KernelNode, KernelTensor, TensorData } from './kernels/types'
import { fullyConnected } from './kernels/fully-connected'
import { conv2d } from './kernels/conv-2d'
import { depthwiseConv2d } from './kernels/depthwise-conv-2d'
import { maxPool } from './kernels/max-pool-2d'
import { averagePool } from './kernels/average-pool-2d'
import { mean } from './kernels/mean'
import { reshape } from './kernels/reshape'
import { softmax } from './kernels/softmax'
import { quantize } from './kernels/quantize'
import { dequantize } from './kernels/dequantize'
import { relu, relu6 } from './kernels/relu'

export const KERNELS: Readonly<Record<string, Kernel>> = {
  FULLY_CONNECTED: fullyConnected,
  CONV_2D: conv2d,
  DEPTHWISE_CONV_2D: depthwiseConv2d,
  MAX_POOL_2D: maxPool,
  AVERAGE_POOL_2D: averagePool,
  MEAN: mean,
  RESHAPE: reshape,
  SQUEEZE: reshape,
  EXPAND_DIMS: reshape,
  SOFTMAX: softmax,
  QUANTIZE: quantize,
  DEQUANTIZE: dequantize,
  RELU: relu,
  RELU6: relu6
}

export type IoArray = Int8Array | Uint8Array | Int16Array | Int32Array | Float32Array

/** Storage for a tensor of this type; constants get a copy of their bytes (aligned, little-endian). */
function allocate(t: ParsedTensor): TensorData {
  const n = t.elementCount
  const bytes = t.data
  const copy = <A extends TensorData>(make: (n: number) => A, view: (b: ArrayBuffer) => A): A => {
    if (!bytes) return make(n)
    const buf = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(buf).set(bytes)
    return view(buf)
  }
  switch (t.type) {
    case 'INT8': return copy((k) => new Int8Array(k), (b) => new Int8Array(b))
    case 'UINT8':
    case 'BOOL': return copy((k) => new Uint8Array(k), (b) => new Uint8Array(b))
    case 'INT16': return copy((k) => new Int16Array(k), (b) => new Int16Array(b))
    case 'FLOAT16': return copy((k) => new Uint16Array(k), (b) => new Uint16Array(b))
    case 'INT32': return copy((k) => new Int32Array(k), (b) => new Int32Array(b))
    case 'FLOAT32': return copy((k) => new Float32Array(k), (b) => new Float32Array(b))
    case 'INT64': return copy((k) => new BigInt64Array(k), (b) => new BigInt64Array(b))
    default:
      throw new MicroforgeError('UNSUPPORTED', `Tensor "${t.name}" has type ${t.type}, which Microforge cannot run.`, 'Use int8 or float32 tensors.')
  }
}

/**
 * Far above any microcontroller's RAM; it keeps a damaged or hostile model (say a tensor claiming
 * [16384, 16384]) from allocating gigabytes inside the app.
 */
export const MAX_ACTIVATION_BYTES = 64 * 1024 * 1024

export interface InterpreterOptions {
  /** Subgraph to run (0 is the main graph). */
  subgraph?: number
}

export class Interpreter {
  readonly tensors: KernelTensor[]
  readonly inputs: KernelTensor[]
  readonly outputs: KernelTensor[]
  private readonly evals: Eval[]

  constructor(readonly model: ParsedModel, options: InterpreterOptions = {}) {
    const sg = model.subgraphs[options.subgraph ?? 0]
    if (!sg) throw new MicroforgeError('MODEL_ERROR', 'This model has no main graph.', 'Export the model again.')
    const needed = new Set<number>([...sg.inputs, ...sg.outputs])
    for (const op of sg.operators) for (const i of [...op.inputs, ...op.outputs]) if (i >= 0) needed.add(i)
    let activationBytes = 0
    for (const i of needed) if (sg.tensors[i].data === null) activationBytes += sg.tensors[i].byteSize
    if (activationBytes > MAX_ACTIVATION_BYTES) {
      throw new MicroforgeError(
        'MODEL_ERROR',
        `This model's tensors need ${Math.round(activationBytes / 1048576)} MB of working memory, far more than any microcontroller has.`,
        'Check the input shape (a window of a few hundred samples is typical), or export the model again.'
      )
    }
    this.tensors = sg.tensors.map((t) =>
      needed.has(t.index)
        ? { index: t.index, name: t.name, type: t.type, shape: t.shape, data: allocate(t), quantization: t.quantization, isConstant: t.data !== null }
        : { index: t.index, name: t.name, type: t.type, shape: t.shape, data: new Int8Array(0), quantization: t.quantization, isConstant: t.data !== null }
    )
    this.inputs = sg.inputs.map((i) => this.tensors[i])
    this.outputs = sg.outputs.map((i) => this.tensors[i])
    this.evals = sg.operators.map((op) => {
      const kernel = KERNELS[op.builtin]
      if (!kernel) {
        throw new MicroforgeError(
          'UNSUPPORTED',
          `Operator ${op.index} is ${op.builtin === 'CUSTOM' ? `the custom op "${op.customCode ?? ''}"` : op.builtin}, which Microforge's interpreter does not run.`,
          `Supported: ${Object.keys(KERNELS).join(', ')}.`
        )
      }
      const node: KernelNode = {
        index: op.index,
        builtin: op.builtin,
        version: op.version,
        options: op.options,
        inputs: op.inputs.map((i) => (i >= 0 ? this.tensors[i] : null)),
        outputs: op.outputs.map((i) => this.tensors[i])
      }
      return kernel(node)
    })
  }

  /** Runs one inference. Inputs in model order with the model's element type and count; returns views of the output tensors (copy them to keep them). */
  invoke(inputs: ArrayLike<number>[]): IoArray[] {
    if (inputs.length !== this.inputs.length) {
      throw new MicroforgeError('INVALID_ARGUMENT', `This model takes ${this.inputs.length} input(s), got ${inputs.length}.`)
    }
    for (let i = 0; i < inputs.length; i++) {
      const t = this.inputs[i]
      const src = inputs[i]
      if (src.length !== t.data.length) {
        throw new MicroforgeError(
          'INVALID_ARGUMENT',
          `Input ${i} ("${t.name}") needs ${t.data.length} values of type ${t.type} (shape [${t.shape.join(', ')}]), got ${src.length}.`
        )
      }
      ;(t.data as Int8Array).set(src as ArrayLike<number>)
    }
    for (const run of this.evals) run()
    // Every supported kernel writes int8/int16/uint8/int32/float32; none produces int64.
    return this.outputs.map((t) => t.data as IoArray)
  }
}
