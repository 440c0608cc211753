/**
 * What a hobbyist needs to know about a .tflite before flashing it: operators, input/output types
 * and quantization, sizes, and everything TensorFlow Lite Micro would refuse (hybrid layers,
 * float16, operators it does not have), in plain sentences.
 */
import { planArena } from '../arena-planner'
import { Interpreter } from '../interpreter'
import { MicroforgeError } from '../../../shared/errors'
import { parseTflite, type ParsedModel, type ParsedTensor, type TensorTypeName } from './reader'

/** Builtins TFLM's MicroMutableOpResolver can register (tflite-micro, micro_mutable_op_resolver.h). */
export const TFLM_BUILTINS: ReadonlySet<string> = new Set([
  'ABS', 'ADD', 'ADD_N', 'ARG_MAX', 'ARG_MIN', 'ASSIGN_VARIABLE', 'AVERAGE_POOL_2D', 'BATCH_MATMUL', 'BATCH_TO_SPACE_ND',
  'BROADCAST_ARGS', 'BROADCAST_TO', 'CALL_ONCE', 'CAST', 'CEIL', 'CONCATENATION', 'CONV_2D', 'COS', 'CUMSUM',
  'DEPTH_TO_SPACE', 'DEPTHWISE_CONV_2D', 'DEQUANTIZE', 'DIV', 'ELU', 'EMBEDDING_LOOKUP', 'EQUAL', 'EXP', 'EXPAND_DIMS',
  'FILL', 'FLOOR', 'FLOOR_DIV', 'FLOOR_MOD', 'FULLY_CONNECTED', 'GATHER', 'GATHER_ND', 'GREATER', 'GREATER_EQUAL',
  'HARD_SWISH', 'IF', 'L2_NORMALIZATION', 'L2_POOL_2D', 'LEAKY_RELU', 'LESS', 'LESS_EQUAL', 'LOG', 'LOGICAL_AND',
  'LOGICAL_NOT', 'LOGICAL_OR', 'LOGISTIC', 'LOG_SOFTMAX', 'MAXIMUM', 'MAX_POOL_2D', 'MEAN', 'MINIMUM', 'MIRROR_PAD',
  'MUL', 'NEG', 'NOT_EQUAL', 'PACK', 'PAD', 'PADV2', 'PRELU', 'QUANTIZE', 'READ_VARIABLE', 'REDUCE_MAX', 'RELU',
  'RELU6', 'RESHAPE', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR', 'REVERSE_V2', 'ROUND', 'RSQRT', 'SELECT_V2',
  'SHAPE', 'SIN', 'SLICE', 'SOFTMAX', 'SPACE_TO_BATCH_ND', 'SPACE_TO_DEPTH', 'SPLIT', 'SPLIT_V', 'SQRT', 'SQUARE',
  'SQUARED_DIFFERENCE', 'SQUEEZE', 'STRIDED_SLICE', 'SUB', 'SUM', 'SVDF', 'TANH', 'TRANSPOSE', 'TRANSPOSE_CONV',
  'UNIDIRECTIONAL_SEQUENCE_LSTM', 'UNPACK', 'VAR_HANDLE', 'WHILE', 'ZEROS_LIKE'
])

/** Tensor types TFLM kernels handle at all. */
const TFLM_TYPES: ReadonlySet<TensorTypeName> = new Set(['FLOAT32', 'INT32', 'UINT8', 'INT64', 'BOOL', 'INT16', 'INT8', 'INT4', 'RESOURCE', 'UINT32'])

/** Layers whose weights can be quantized while activations stay float ("hybrid", dynamic range). */
const WEIGHTED_OPS = new Set(['FULLY_CONNECTED', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'BATCH_MATMUL', 'SVDF', 'UNIDIRECTIONAL_SEQUENCE_LSTM', 'TRANSPOSE_CONV'])

export interface TensorSummary {
  index: number
  name: string
  type: TensorTypeName
  shape: number[]
  bytes: number
  isConstant: boolean
  /** Per-tensor scale, or the first channel's; null when not quantized. */
  scale: number | null
  zeroPoint: number | null
  /** Present for per-channel quantization. */
  scales?: number[]
  zeroPoints?: number[]
  quantizedDimension?: number
}

export interface OperatorSummary {
  index: number
  op: string
  version: number
  inputs: number[]
  outputs: number[]
  options: Record<string, unknown>
}

export type ProblemKind = 'hybrid' | 'float16' | 'unsupported-op' | 'custom-op' | 'unsupported-type' | 'sparse' | 'quantization'

export interface Problem {
  kind: ProblemKind
  /** Operator index, or null for a problem with a tensor or the whole model. */
  operator: number | null
  message: string
}

export interface InspectSummary {
  schemaVersion: number
  description: string
  subgraphs: number
  /** Builtin names of the main graph's operators, in execution order. */
  ops: string[]
  operators: OperatorSummary[]
  inputs: TensorSummary[]
  outputs: TensorSummary[]
  tensors: TensorSummary[]
  /** Whether TensorFlow Lite Micro can run this model (no problems found). */
  tflmSupported: boolean
  problems: Problem[]
  /** Whether Microforge's own interpreter can run it (it also runs hybrid and float16 models). */
  microforgeRunnable: boolean
  microforgeProblem: string | null
  sizes: {
    fileBytes: number
    constantBytes: number
    /** Sum of all activation tensors (no reuse). */
    activationBytes: number
    /** RAM: TFLM's arena (planned activations + estimated bookkeeping) and our C runtime's (activations only). */
    arena: { tflmEstimateBytes: number; tflmPlannedBytes: number; runtimeBytes: number }
  }
}

export function summarizeTensor(t: ParsedTensor): TensorSummary {
  const q = t.quantization
  const s: TensorSummary = {
    index: t.index,
    name: t.name,
    type: t.type,
    shape: t.shape,
    bytes: t.byteSize,
    isConstant: t.data !== null,
    scale: q && q.scale.length > 0 ? q.scale[0] : null,
    zeroPoint: q && q.scale.length > 0 ? (q.zeroPoint[0] ?? 0) : null
  }
  if (q && q.scale.length > 1) {
    s.scales = q.scale
    s.zeroPoints = q.zeroPoint
    s.quantizedDimension = q.quantizedDimension
  }
  return s
}

/**
 * Quantization TFLM's int8 kernels insist on in Prepare (they fail AllocateTensors otherwise):
 * symmetric weights with int32 biases, pooling that keeps its input's quantization, softmax output
 * at scale 1/256 and zero point -128. Returns the end of a sentence, or null.
 */
function int8QuantizationProblem(op: string, inputs: (ParsedTensor | undefined)[], outputs: ParsedTensor[]): string | null {
  const [input, weights, bias] = inputs
  const output = outputs[0]
  if (input?.type !== 'INT8' || !output) return null
  const q = (t: ParsedTensor | undefined) => t?.quantization ?? null
  if (WEIGHTED_OPS.has(op) && weights?.type === 'INT8') {
    if (!q(weights) || !q(input) || !q(output)) return 'has int8 tensors without quantization parameters.'
    if (q(weights)!.zeroPoint.some((z) => z !== 0)) return 'has int8 weights with a non-zero zero point; TFLM needs symmetric weights.'
    if (bias && bias.type !== 'INT32' && bias.type !== 'INT64') return `has a ${bias.type} bias; int8 layers need an int32 bias.`
  }
  if ((op === 'MAX_POOL_2D' || op === 'AVERAGE_POOL_2D') && q(input) && q(output)) {
    if (q(input)!.scale[0] !== q(output)!.scale[0] || (q(input)!.zeroPoint[0] ?? 0) !== (q(output)!.zeroPoint[0] ?? 0)) {
      return 'changes the quantization between input and output; TFLM pooling keeps it.'
    }
  }
  if (op === 'SOFTMAX' && output.type === 'INT8') {
    const oq = q(output)
    if (!oq || oq.scale[0] !== 1 / 256 || oq.zeroPoint[0] !== -128) return 'has an int8 output that is not scale 1/256, zero point -128, which TFLM requires.'
  }
  return null
}

export function findProblems(model: ParsedModel): Problem[] {
  const problems: Problem[] = []
  const flaggedTypes = new Set<string>()
  model.subgraphs.forEach((sg, g) => {
    const where = model.subgraphs.length > 1 ? ` in subgraph ${g}` : ''
    for (const op of sg.operators) {
      const name = op.builtin
      const label = `Operator ${op.index} (${name})${where}`
      if (name === 'CUSTOM') {
        problems.push({ kind: 'custom-op', operator: op.index, message: `${label} is the custom operator "${op.customCode ?? ''}"; TensorFlow Lite Micro runs it only if your firmware registers your own implementation.` })
      } else if (name.startsWith('UNKNOWN_')) {
        problems.push({ kind: 'unsupported-op', operator: op.index, message: `${label} is newer than the TensorFlow Lite schema Microforge knows; TensorFlow Lite Micro most likely cannot run it.` })
      } else if (!TFLM_BUILTINS.has(name)) {
        problems.push({ kind: 'unsupported-op', operator: op.index, message: `${label} is not available in TensorFlow Lite Micro. Replace that layer, or run the model with full TensorFlow Lite instead.` })
      }
      const input = op.inputs[0] >= 0 ? sg.tensors[op.inputs[0]] : undefined
      const weights = op.inputs[1] >= 0 ? sg.tensors[op.inputs[1]] : undefined
      if (WEIGHTED_OPS.has(name) && input?.type === 'FLOAT32' && weights && (weights.type === 'INT8' || weights.type === 'UINT8' || weights.type === 'INT4')) {
        problems.push({
          kind: 'hybrid', operator: op.index,
          message: `${label} is a hybrid layer: float inputs with ${weights.type.toLowerCase()} weights (dynamic-range quantization). TensorFlow Lite Micro has no hybrid kernels. Export with full int8 quantization (or float32) for the board.`
        })
      }
      const quantProblem = int8QuantizationProblem(op.builtin, op.inputs.map((i) => (i >= 0 ? sg.tensors[i] : undefined)), op.outputs.map((i) => sg.tensors[i]))
      if (quantProblem) problems.push({ kind: 'quantization', operator: op.index, message: `${label} ${quantProblem}` })
      if (name === 'DEQUANTIZE' && input?.type === 'FLOAT16') {
        problems.push({
          kind: 'float16', operator: op.index,
          message: `${label} turns float16 weights back into float32 at run time. TensorFlow Lite Micro has no float16 support. Export with int8 quantization (or float32) for the board.`
        })
      }
    }
    for (const t of sg.tensors) {
      if (t.isSparse) problems.push({ kind: 'sparse', operator: null, message: `Tensor "${t.name}"${where} is stored sparse; TensorFlow Lite Micro needs dense tensors.` })
      if (!TFLM_TYPES.has(t.type) && !flaggedTypes.has(t.type)) {
        flaggedTypes.add(t.type)
        problems.push({
          kind: t.type === 'FLOAT16' ? 'float16' : 'unsupported-type', operator: null,
          message: `The model stores ${t.type} tensors (first: "${t.name}"); TensorFlow Lite Micro cannot hold that type.`
        })
      }
    }
  })
  return problems
}

export function inspectModel(model: ParsedModel): InspectSummary {
  const sg = model.subgraphs[0]
  const problems = findProblems(model)
  let microforgeProblem: string | null = null
  try {
    new Interpreter(model)
  } catch (e) {
    microforgeProblem = e instanceof MicroforgeError ? e.message : String(e)
  }
  const arena = planArena(model)
  let activationBytes = 0
  for (const t of sg.tensors) if (t.data === null) activationBytes += t.byteSize
  return {
    schemaVersion: model.schemaVersion,
    description: model.description,
    subgraphs: model.subgraphs.length,
    ops: sg.operators.map((o) => o.builtin),
    operators: sg.operators.map((o) => ({ index: o.index, op: o.builtin, version: o.version, inputs: o.inputs, outputs: o.outputs, options: { ...o.options } })),
    inputs: sg.inputs.map((i) => summarizeTensor(sg.tensors[i])),
    outputs: sg.outputs.map((i) => summarizeTensor(sg.tensors[i])),
    tensors: sg.tensors.map(summarizeTensor),
    tflmSupported: problems.length === 0,
    problems,
    microforgeRunnable: microforgeProblem === null,
    microforgeProblem,
    sizes: {
      fileBytes: model.sizes.fileBytes,
      constantBytes: model.sizes.constantBytes,
      activationBytes,
      arena: { tflmEstimateBytes: arena.tflm.totalEstimateBytes, tflmPlannedBytes: arena.tflm.plannedBytes, runtimeBytes: arena.runtime.bytes }
    }
  }
}

/** Parse and inspect in one step (bytes of a .tflite file). */
export function inspectTflite(bytes: Uint8Array): InspectSummary {
  return inspectModel(parseTflite(bytes))
}
