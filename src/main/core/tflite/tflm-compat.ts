/**
 * Everything TensorFlow Lite Micro would refuse in a parsed .tflite (hybrid layers, float16,
 * operators it does not have, quantization its int8 kernels reject), in plain sentences, and the
 * per-tensor summary the inspector shows.
 */
import type { Problem, TensorSummary } from '../../../shared/contract/model'
import { pick } from '../../../shared/pick'
import type { ParsedModel, ParsedTensor, TensorTypeName } from './reader'

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

/** Which operator inputs are the data, the weights and the biases (the TFLite schema's tensor order per kernel). */
export interface TensorRoles {
  input: number
  weights: readonly number[]
  biases: readonly number[]
}

const LSTM_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]

/**
 * Operators with weights (whose weights can be quantized while activations stay float: "hybrid",
 * dynamic range). UNIDIRECTIONAL_SEQUENCE_LSTM: 1-8 input and recurrent weights, 9-11 peephole, 12-15
 * gate biases, 16-17 projection weights and bias, 18-19 states, 20-23 layer norm. SVDF: 1 feature
 * weights, 2 time weights (int16 in int8 models), 3 bias, 4 state. TRANSPOSE_CONV: 0 output shape,
 * 1 weights, 2 input, 3 bias.
 */
export const TENSOR_ROLES: Readonly<Record<string, TensorRoles>> = {
  FULLY_CONNECTED: { input: 0, weights: [1], biases: [2] },
  CONV_2D: { input: 0, weights: [1], biases: [2] },
  DEPTHWISE_CONV_2D: { input: 0, weights: [1], biases: [2] },
  TRANSPOSE_CONV: { input: 2, weights: [1], biases: [3] },
  BATCH_MATMUL: { input: 0, weights: [1], biases: [] },
  SVDF: { input: 0, weights: [1, 2], biases: [3] },
  UNIDIRECTIONAL_SEQUENCE_LSTM: { input: 0, weights: LSTM_WEIGHTS, biases: [12, 13, 14, 15, 17] }
}

const LOW_BIT_WEIGHTS: ReadonlySet<TensorTypeName> = new Set(['INT8', 'UINT8', 'INT4'])

export function summarizeTensor(t: ParsedTensor): TensorSummary {
  const q = t.quantization
  const s: TensorSummary = {
    ...pick(t, ['index', 'name', 'type', 'shape']),
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
 * Quantization TFLM's int8 kernels insist on (AllocateTensors fails, or the kernel crashes), each
 * checked against TFLM itself (test/tflm/inspect-vs-tflm.test.ts): symmetric FULLY_CONNECTED
 * weights, pooling that keeps its input's quantization, softmax output at scale 1/256 and zero point
 * -128. TFLM does not check bias types or convolution weight zero points, so neither is flagged.
 * Returns the end of a sentence, or null.
 */
function int8QuantizationProblem(op: string, inputs: (ParsedTensor | undefined)[], outputs: ParsedTensor[]): string | null {
  const roles = TENSOR_ROLES[op]
  const input = inputs[roles?.input ?? 0]
  const output = outputs[0]
  if (input?.type !== 'INT8' || !output) return null
  const q = (t: ParsedTensor | undefined) => t?.quantization ?? null
  if (op === 'FULLY_CONNECTED') {
    const weights = inputs[roles.weights[0]]
    if (weights?.type === 'INT8' && q(weights)?.zeroPoint.some((z) => z !== 0)) return 'has int8 weights with a non-zero zero point; TFLM needs symmetric weights.'
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

/**
 * The first low-bit constant weight of an operator whose data input is float: a hybrid
 * (dynamic-range) layer, which TFLM refuses. Not UNIDIRECTIONAL_SEQUENCE_LSTM: TFLM loads a hybrid
 * LSTM (checked in test/tflm/inspect-vs-tflm.test.ts).
 */
function hybridWeights(op: string, inputs: (ParsedTensor | undefined)[]): ParsedTensor | null {
  const roles = TENSOR_ROLES[op]
  if (!roles || op === 'UNIDIRECTIONAL_SEQUENCE_LSTM' || inputs[roles.input]?.type !== 'FLOAT32') return null
  for (const w of roles.weights) {
    const t = inputs[w]
    if (t && t.data !== null && LOW_BIT_WEIGHTS.has(t.type)) return t
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
      const inputs = op.inputs.map((i) => (i >= 0 ? sg.tensors[i] : undefined))
      const input = inputs[0]
      const weights = hybridWeights(name, inputs)
      if (weights) {
        problems.push({
          kind: 'hybrid', operator: op.index,
          message: `${label} is a hybrid layer: float inputs with ${weights.type.toLowerCase()} weights (dynamic-range quantization). TensorFlow Lite Micro has no hybrid kernels. Export with full int8 quantization (or float32) for the board.`
        })
      }
      const quantProblem = int8QuantizationProblem(op.builtin, inputs, op.outputs.map((i) => sg.tensors[i]))
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
