/**
 * What each TensorFlow Lite Micro kernel takes from the arena on a 32-bit core, by kernel set:
 * the builtin options struct the flatbuffer parser allocates (flatbuffer_conversions.cc), the
 * OpData its Init() allocates, the arrays its Prepare() allocates (per-channel multipliers and
 * shifts), and the scratch it requests for Eval (CMSIS-NN's arm_*_get_buffer_size).
 *
 * Sizes are sizeof/alignof on arm-none-eabi (AAPCS, 4-byte pointers, enums as small as their
 * values: TfLiteFullyConnectedParams is 5 bytes there) for the TFLM and CMSIS-NN revisions in
 * the SDK's README; test/tflm/tflm-sizes.test.ts compiles them against that SDK (MICROFORGE_TFLM). Xtensa
 * (ESP32) keeps 4-byte enums, which changes only the structs that mix enums with bools.
 */
import type { ParsedOperator, ParsedSubgraph, ParsedTensor } from '../tflite/reader'

/** Reference kernels (TFLM's portable C++), or Arm's CMSIS-NN with the DSP extension (Cortex-M4/M7). */
export type TflmKernelSet = 'reference' | 'cmsis-nn'

export interface TflmAbi {
  /** AAPCS bare-metal (arm-none-eabi) makes enums 1 byte when their values fit; Xtensa does not. */
  shortEnums: boolean
}

export interface Block {
  size: number
  align: number
}

export interface OpArena {
  /** Builtin options struct, or null when the parser allocates none. */
  builtin: Block | null
  /** Persistent buffers of Init(), then of Prepare(); MicroContext aligns each to 16 bytes. */
  init: number[]
  prepare: number[]
  /** Scratch requested in Prepare(), planned in the head for the operator's own step. */
  scratch: number[]
  /**
   * Tensors (indices) Prepare() holds as temporary TfLiteTensors at its peak: ConvPrepare keeps
   * output, input and filter while CalculateOpDataConv takes input, filter, bias and output again.
   */
  temps: number[]
}

/** The temporary tensors each kernel's Prepare() holds at once (kernels/*_common.cc). */
function prepareTemps(op: ParsedOperator): number[] {
  const [input, second = -1, third = -1] = op.inputs
  const output = op.outputs[0]
  switch (op.builtin) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D':
      return [output, input, second, input, second, third, output]
    case 'MEAN':
    case 'SUM':
    case 'REDUCE_MAX':
      return [input, output, second, input, second, output]
    case 'RELU6':
      return [input]
    default:
      return [...op.inputs, ...op.outputs]
  }
}

/** sizeof on a 32-bit core of TFLM's own structures (micro_allocator.h, common.h). */
export const TFLM_STRUCTS = {
  singleArenaBufferAllocator: 36,
  greedyMemoryPlanner: 44,
  microAllocator: 36,
  microBuiltinDataAllocator: 8,
  subgraphAllocations: 8,
  evalTensor: 12,
  nodeAndRegistration: 32,
  tfLiteTensor: 32,
  affineQuantization: 12,
  scratchBufferHandle: 4,
  pointer: 4
} as const

/** Kernel OpData structs (sizeof on a 32-bit core), allocated by each kernel's Init(). */
const OP_DATA: Record<TflmKernelSet, Record<string, number>> = {
  reference: {
    CONV_2D: 56, // OpDataConv
    DEPTHWISE_CONV_2D: 56, // OpDataConv
    FULLY_CONNECTED: 48, // OpDataFullyConnected
    MAX_POOL_2D: 32, // OpDataPooling
    AVERAGE_POOL_2D: 32,
    MEAN: 44, // OpDataReduce
    SUM: 44,
    REDUCE_MAX: 44,
    SOFTMAX: 56, // SoftmaxParams (8-byte aligned: it holds a double)
    QUANTIZE: 32, // OpDataQuantizeReference
    DEQUANTIZE: 32, // DequantizeOpData
    RELU: 28, // ReluOpData (ReluParams)
    RELU6: 8 // Relu6OpData
  },
  'cmsis-nn': {
    CONV_2D: 60, // OpDataConv + buffer_idx
    DEPTHWISE_CONV_2D: 60,
    FULLY_CONNECTED: 72, // OpDataFullyConnected + CMSIS-NN fields
    MAX_POOL_2D: 36, // OpDataPooling + buffer_idx
    AVERAGE_POOL_2D: 36,
    SOFTMAX: 64, // SoftmaxParams + CMSIS-NN fields
    MEAN: 44,
    SUM: 44,
    REDUCE_MAX: 44,
    QUANTIZE: 32,
    DEQUANTIZE: 32,
    RELU: 28, // no CMSIS-NN kernel: the reference one
    RELU6: 8
  }
}

/** Operators whose arena use this model knows (checked in QEMU by test/tflm/arena.test.ts). */
export const TFLM_ARENA_MODELLED_OPS: ReadonlySet<string> = new Set([...Object.keys(OP_DATA.reference), 'RESHAPE', 'EXPAND_DIMS', 'SQUEEZE'])

/** Builtin options structs (builtin_op_data.h) the parser allocates for each operator. */
function builtinBlock(op: string, abi: TflmAbi): Block | null {
  const e = abi.shortEnums ? 1 : 4
  switch (op) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D':
      return { size: 28, align: 4 } // seven int-sized fields (padding, strides, activation, dilations, bias type)
    case 'FULLY_CONNECTED':
      // activation, weights_format, keep_num_dims, asymmetric_quantize_inputs, quantized_bias_type
      return abi.shortEnums ? { size: 5, align: 1 } : { size: 16, align: 4 }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
      return { size: 40, align: 4 } // six fields + computed TfLitePaddingValues
    case 'RESHAPE':
    case 'SQUEEZE':
      return { size: 36, align: 4 } // int[8] + count
    case 'SOFTMAX':
      return { size: 4, align: 4 } // float beta
    case 'MEAN':
    case 'SUM':
    case 'REDUCE_MAX':
      return { size: 1, align: 1 } // bool keep_dims
    case 'ADD':
    case 'SUB':
      return abi.shortEnums ? { size: 2, align: 1 } : { size: 8, align: 4 } // activation + bool pot_scale_int16
    case 'MUL':
      return { size: e, align: e } // activation
    case 'CONCATENATION':
      return { size: 8, align: 4 } // axis + activation
    default:
      return null // QUANTIZE, DEQUANTIZE, EXPAND_DIMS and others parse no options
  }
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a

function tensor(sg: ParsedSubgraph, i: number): ParsedTensor | null {
  return i >= 0 ? sg.tensors[i] : null
}

/** TFLM's ComputePaddingHeightWidth: SAME pads half the overhang (rounded down), VALID none. */
function padding(same: boolean, inSize: number, filter: number, stride: number, dilation: number, outSize: number): number {
  if (!same) return 0
  const effective = (filter - 1) * dilation + 1
  return Math.max(Math.floor(((outSize - 1) * stride + effective - inSize) / 2), 0)
}

/** arm_convolve_wrapper_s8_get_buffer_size_dsp: 1x1 needs none, others an im2col of 2 columns of int16. */
function cmsisConvScratch(op: ParsedOperator, input: ParsedTensor, filter: ParsedTensor, output: ParsedTensor): number {
  const [, kh, kw, cin] = filter.shape
  const o = op.options
  const padW = padding(o.padding === 'SAME', input.shape[2], kw, o.strideW ?? 1, o.dilationW ?? 1, output.shape[2])
  const padH = padding(o.padding === 'SAME', input.shape[1], kh, o.strideH ?? 1, o.dilationH ?? 1, output.shape[1])
  if (kw === 1 && kh === 1 && padW === 0 && padH === 0 && (o.dilationW ?? 1) === 1 && (o.dilationH ?? 1) === 1) return 0
  return 2 * alignUp(kw * kh * cin, 4) * 2
}

/** arm_depthwise_conv_wrapper_s8_get_buffer_size_dsp: the optimized path (multiplier 1) keeps an int16 im2col. */
function cmsisDepthwiseScratch(op: ParsedOperator, input: ParsedTensor, filter: ParsedTensor, output: ParsedTensor): number {
  const [, kh, kw] = filter.shape
  const o = op.options
  const cin = input.shape[3]
  if (cin !== output.shape[3] || input.shape[0] !== 1 || (o.dilationW ?? 1) !== 1 || (o.dilationH ?? 1) !== 1) return 0
  const padW = padding(o.padding === 'SAME', input.shape[2], kw, o.strideW ?? 1, 1, output.shape[2])
  const padH = padding(o.padding === 'SAME', input.shape[1], kh, o.strideH ?? 1, 1, output.shape[1])
  if (kw === 3 && kh === 3 && padW <= 1 && padH <= 1) return 0
  return cin * kw * kh * 2
}

export function opArena(sg: ParsedSubgraph, op: ParsedOperator, kernels: TflmKernelSet, abi: TflmAbi): OpArena {
  const name = op.builtin
  const opData = OP_DATA[kernels][name]
  const out: OpArena = { builtin: builtinBlock(name, abi), init: opData ? [opData] : [], prepare: [], scratch: [], temps: prepareTemps(op).filter((t) => t >= 0) }
  const input = tensor(sg, op.inputs[0])
  const filter = tensor(sg, op.inputs[1] ?? -1)
  const output = tensor(sg, op.outputs[0])
  const int8 = input?.type === 'INT8'
  switch (name) {
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      if (!input || !filter || !output) break
      // Per-channel output multiplier and shift, one int32 each per output channel.
      const channels = name === 'CONV_2D' ? filter.shape[0] : filter.shape[3]
      if (kernels === 'reference' || int8 || input.type === 'INT16') out.prepare.push(4 * channels, 4 * channels)
      if (kernels === 'cmsis-nn' && int8) {
        const s = name === 'CONV_2D' ? cmsisConvScratch(op, input, filter, output) : cmsisDepthwiseScratch(op, input, filter, output)
        if (s > 0) out.scratch.push(s)
      }
      break
    }
    case 'FULLY_CONNECTED': {
      const perChannel = (filter?.quantization?.scale.length ?? 0) > 1
      if (perChannel && output) out.prepare.push(4 * output.shape[output.shape.length - 1], 4 * output.shape[output.shape.length - 1])
      break
    }
    case 'AVERAGE_POOL_2D':
      // arm_avgpool_s8_get_buffer_size_dsp: one int32 accumulator per channel.
      if (kernels === 'cmsis-nn' && int8 && input) out.scratch.push(4 * input.shape[3])
      break
    case 'MEAN':
    case 'SUM': {
      // Integer mean/sum: an int32 sum per output element, then an int index per input dimension
      // and an int per reduced axis for the generic reduction.
      const axis = tensor(sg, op.inputs[1] ?? -1)
      if ((int8 || input?.type === 'INT16') && input && output) out.scratch.push(4 * output.elementCount, 4 * input.shape.length, 4 * (axis?.elementCount ?? 1))
      break
    }
    default:
      break
  }
  return out
}
