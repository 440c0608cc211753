/**
 * A MicroMutableOpResolver<N> registering exactly the operators the model uses: the smallest
 * TensorFlow Lite Micro binary (AllOpsResolver links every kernel) and a clear error here, not on
 * the board, when the model needs an operator or a type TFLite Micro cannot run.
 */
import { MicroforgeError } from '../../../shared/errors'
import type { GeneratedFile } from './c-runtime'
import type { CgModel } from './graph'

/** Builtin operator -> MicroMutableOpResolver method (tflite-micro micro_mutable_op_resolver.h). */
const RESOLVER_METHODS: Record<string, string> = {
  ABS: 'AddAbs',
  ADD: 'AddAdd',
  ARG_MAX: 'AddArgMax',
  ARG_MIN: 'AddArgMin',
  AVERAGE_POOL_2D: 'AddAveragePool2D',
  BATCH_TO_SPACE_ND: 'AddBatchToSpaceNd',
  CONCATENATION: 'AddConcatenation',
  CONV_2D: 'AddConv2D',
  DEPTHWISE_CONV_2D: 'AddDepthwiseConv2D',
  DEQUANTIZE: 'AddDequantize',
  DIV: 'AddDiv',
  EXP: 'AddExp',
  EXPAND_DIMS: 'AddExpandDims',
  FULLY_CONNECTED: 'AddFullyConnected',
  GATHER: 'AddGather',
  HARD_SWISH: 'AddHardSwish',
  L2_NORMALIZATION: 'AddL2Normalization',
  LEAKY_RELU: 'AddLeakyRelu',
  LOGISTIC: 'AddLogistic',
  MAX_POOL_2D: 'AddMaxPool2D',
  MAXIMUM: 'AddMaximum',
  MEAN: 'AddMean',
  MINIMUM: 'AddMinimum',
  MUL: 'AddMul',
  PACK: 'AddPack',
  PAD: 'AddPad',
  PADV2: 'AddPadV2',
  PRELU: 'AddPrelu',
  QUANTIZE: 'AddQuantize',
  REDUCE_MAX: 'AddReduceMax',
  RELU: 'AddRelu',
  RELU6: 'AddRelu6',
  RESHAPE: 'AddReshape',
  SHAPE: 'AddShape',
  SOFTMAX: 'AddSoftmax',
  SPACE_TO_BATCH_ND: 'AddSpaceToBatchNd',
  SPLIT: 'AddSplit',
  SPLIT_V: 'AddSplitV',
  SQUEEZE: 'AddSqueeze',
  STRIDED_SLICE: 'AddStridedSlice',
  SUB: 'AddSub',
  SUM: 'AddSum',
  TANH: 'AddTanh',
  TRANSPOSE: 'AddTranspose',
  UNPACK: 'AddUnpack'
}

/** Throws when TensorFlow Lite Micro's reference kernels would refuse the model at AllocateTensors(). */
export function checkTflmSupport(model: CgModel): void {
  for (const op of model.operators) {
    if (!RESOLVER_METHODS[op.op]) {
      throw new MicroforgeError('UNSUPPORTED', `TensorFlow Lite Micro has no ${op.op} kernel, so this model cannot run on a microcontroller.`, 'Rebuild the model with layers Microforge offers (dense, conv1d, pooling).')
    }
    const types = op.inputs.filter((i) => i >= 0).map((i) => model.tensors[i].type)
    if (op.op === 'DEQUANTIZE' && types[0] === 'float16') {
      throw new MicroforgeError('UNSUPPORTED', 'This is a float16 model: TensorFlow Lite Micro cannot DEQUANTIZE float16 weights.', 'Pick the int8 or float32 variant for the board.')
    }
    if ((op.op === 'FULLY_CONNECTED' || op.op === 'CONV_2D' || op.op === 'DEPTHWISE_CONV_2D') && types[0] === 'float32' && types[1] === 'int8') {
      throw new MicroforgeError('UNSUPPORTED', 'This is a dynamic-range (hybrid) model: TensorFlow Lite Micro has no hybrid kernels (float activations with int8 weights).', 'Pick the full-integer int8 variant, or the float32 one.')
    }
  }
}

export interface ResolverOptions {
  /**
   * The arena the estimate says AllocateTensors() needs with every kernel set the board's TFLM may
   * link (codegen/tflm-estimate.ts requiredBytes).
   */
  requiredBytes: number
  /** The same per kernel set, named in the generated comment. */
  requiredByKernels: Partial<Record<'reference' | 'cmsis-nn', number>>
  /** The kernels the board's TFLM uses. */
  kernels: 'reference' | 'cmsis-nn'
  /** False when an operator's kernel data is unknown to the estimate: then a margin is added. */
  modelled: boolean
}

/** Margin for models with operators the arena estimate does not know. */
const UNMODELLED_MARGIN = 0.25

/**
 * kTensorArenaSize: the derived requirement itself (the largest over the kernel sets the board may
 * link), which matched TFLM's smallest working arena exactly in QEMU on every golden model and
 * preset variant for each kernel set (test/tflm/arena.test.ts), so no margin; a quarter more when
 * the model has an operator the estimate does not know.
 */
export function tflmArenaSize(opts: Pick<ResolverOptions, 'requiredBytes' | 'modelled'>): number {
  return opts.modelled ? Math.ceil(opts.requiredBytes / 16) * 16 : Math.ceil((opts.requiredBytes * (1 + UNMODELLED_MARGIN)) / 16) * 16
}

export function generateOpResolver(model: CgModel, opts: ResolverOptions): GeneratedFile {
  checkTflmSupport(model)
  const ops = [...new Set(model.operators.map((o) => o.op))]
  const arena = tflmArenaSize(opts)
  const name = (k: string): string => (k === 'cmsis-nn' ? 'CMSIS-NN' : 'reference')
  const entries = Object.entries(opts.requiredByKernels)
  const perSet = entries.map(([k, bytes]) => `${name(k)} ${bytes}`).join(', ')
  const sets = entries.length > 1 ? `whichever of TFLM's kernel sets your library\n// was built with (${perSet} bytes)` : `TFLM's ${name(opts.kernels)} kernels`
  const sizing = opts.modelled
    ? `The smallest arena AllocateTensors() needs on a 32-bit core with ${sets}: Microforge's estimate,\n// checked against TFLM in QEMU. Another TFLM release may need more: the profile firmware prints\n// arena_used_bytes.`
    : `Estimate ${opts.requiredBytes} bytes + ${Math.round(UNMODELLED_MARGIN * 100)}% for operators the estimate does not know (${perSet} bytes per kernel set).`
  const adds = ops.map((op) => `  if (resolver.${RESOLVER_METHODS[op]}() != kTfLiteOk) return kTfLiteError;`).join('\n')
  return {
    path: 'model_ops.h',
    contents: `// Generated by Microforge: the operators this model uses, and its tensor arena size.
#ifndef MODEL_OPS_H_
#define MODEL_OPS_H_

#include <stddef.h>

#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"

// Exactly ${ops.length} operator${ops.length === 1 ? '' : 's'}: ${ops.join(', ')}.
constexpr int kModelOpCount = ${ops.length};
using ModelOpResolver = tflite::MicroMutableOpResolver<kModelOpCount>;

inline TfLiteStatus RegisterModelOps(ModelOpResolver& resolver) {
${adds}
  return kTfLiteOk;
}

// ${sizing}
// TFLM's bookkeeping holds pointers, so on a 64-bit computer (Microforge's virtual board) it needs
// more; that build passes its own size.
#ifdef MF_TFLM_HOST_ARENA_BYTES
constexpr size_t kTensorArenaSize = MF_TFLM_HOST_ARENA_BYTES;
#else
constexpr size_t kTensorArenaSize = ${arena};
#endif

#endif  // MODEL_OPS_H_
`
  }
}
