/**
 * Code generator for Microforge's own C runtime: an int8 .tflite becomes plain C99 with the
 * weights as const arrays, every operator's parameters precomputed, a static arena laid out by
 * the lifetime planner, and a model_invoke() that calls the kernels of
 * resources/firmware/c-runtime/mf_runtime.c in order. No interpreter, no flatbuffer parsing and no
 * op registry on the board: only the kernels the model uses are linked.
 */
import { MicroforgeError } from '../../../shared/errors'
import { cArrayBody, cComment, cFloat, cInt32, cInteger } from './c-literals'
import { fastKernelSource } from './c-fast-kernels'
import { channelMultipliers, emitFastOp, fastRequantFlags, planFastOp } from './c-fast-ops'
import type { FastKernel, FastPlan } from './c-fast-types'
import { meanMultiplier } from '../quant/kernels/mean'
import { activationRange, softmaxParams } from './fixed-point'
import { bytesPerElement, elementCount, type CgModel, type CgOperator, type CgTensor } from './graph'
import { runtimeArena } from '../arena/arena-planner'
import { checkTypes } from './c-runtime-checks'
import { samePadding, shape4, to4d } from './c-runtime-shapes'
import { emitFastPoolOrMean } from './c-fast-pool'
import { elementwiseCall } from './c-runtime-elementwise'

export const C_RUNTIME_OPS = [
  'FULLY_CONNECTED',
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'MAX_POOL_2D',
  'AVERAGE_POOL_2D',
  'MEAN',
  'SOFTMAX',
  'RESHAPE',
  'EXPAND_DIMS',
  'SQUEEZE',
  'QUANTIZE',
  'DEQUANTIZE',
  'RELU',
  'RELU6'
] as const

export interface GeneratedFile {
  path: string
  contents: string
}

export interface CRuntimeModel {
  /** mf_model.h and mf_model.c (the runtime's own mf_runtime.c/.h are copied from resources). */
  files: GeneratedFile[]
  arenaBytes: number
  /** Bytes of constant weight and bias data in flash. */
  weightBytes: number
  ops: string[]
  input: CIoDescription
  output: CIoDescription
}

export interface CIoDescription {
  type: 'int8' | 'float32'
  count: number
  shape: number[]
  scale: number
  zeroPoint: number
}

interface Emitter {
  decls: string[]
  calls: string[]
}

const ALIASES = new Set(['RESHAPE', 'EXPAND_DIMS', 'SQUEEZE'])

export interface CRuntimeOptions {
  modelName?: string
  /**
   * 'fast' (default): FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D run the generator-specialised
   * kernels where they are proved exact (c-fast-ops.ts); 'reference': mf_runtime.c's kernels only.
   */
  kernels?: 'fast' | 'reference'
}

/** Arena ids of im2col scratch buffers, past every tensor index. */
const SCRATCH_ID = 1_000_000

export function generateCRuntimeModel(model: CgModel, opts: CRuntimeOptions = {}): CRuntimeModel {
  const unsupported = [...new Set(model.operators.map((o) => o.op).filter((op) => !(C_RUNTIME_OPS as readonly string[]).includes(op)))]
  if (unsupported.length) {
    throw new MicroforgeError(
      'UNSUPPORTED',
      `The Microforge C runtime has no kernel for ${unsupported.join(', ')}.`,
      'Generate the firmware with the TensorFlow Lite Micro runtime (--runtime tflm) instead.'
    )
  }
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new MicroforgeError('UNSUPPORTED', `The model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; the C runtime supports one of each.`, 'Export a single-input, single-output model.')
  }
  const t = (i: number): CgTensor => model.tensors[i]
  for (const op of model.operators) checkTypes(op, model)

  // Lifetimes of every non-constant tensor, in operator order.
  const lifetimes = new Map<number, { id: number; bytes: number; first: number; last: number }>()
  // RESHAPE, EXPAND_DIMS and SQUEEZE change no byte: with the fast kernels their output shares its
  // input's slot (as TFLM does), so the copy becomes a no-op and both never occupy the arena at once.
  const alias = new Map<number, number>()
  if (opts.kernels !== 'reference') {
    for (const op of model.operators) {
      const src = op.inputs[0]
      if (ALIASES.has(op.op) && src >= 0 && !t(src).data && bytesPerElement(t(src).type) === bytesPerElement(t(op.outputs[0]).type)) alias.set(op.outputs[0], alias.get(src) ?? src)
    }
  }
  const slot = (idx: number): number => alias.get(idx) ?? idx
  const touch = (tensorIdx: number, at: number): void => {
    const idx = tensorIdx < 0 ? tensorIdx : slot(tensorIdx)
    const tensor = t(idx)
    if (idx < 0 || tensor.data) return
    const r = lifetimes.get(idx)
    const bytes = elementCount(tensor.shape) * bytesPerElement(tensor.type)
    if (!r) lifetimes.set(idx, { id: idx, bytes, first: at, last: at })
    else {
      r.first = Math.min(r.first, at)
      r.last = Math.max(r.last, at)
    }
  }
  touch(model.inputs[0], -1)
  model.operators.forEach((op, i) => {
    for (const x of op.inputs) if (x >= 0) touch(x, i)
    for (const y of op.outputs) touch(y, i)
  })
  touch(model.outputs[0], model.operators.length)
  const fast: Array<FastPlan | null> = model.operators.map((op) =>
    opts.kernels === 'reference' ? null : planFastOp(op, model, activationRange(op.options.activation, t(op.outputs[0]).scale[0], t(op.outputs[0]).zeroPoint[0]))
  )
  fast.forEach((f, i) => {
    const out = f && f.outPad > 0 ? lifetimes.get(slot(model.operators[i].outputs[0])) : undefined
    if (out) out.bytes += f!.outPad
    if (f && f.scratchBytes > 0) lifetimes.set(SCRATCH_ID + i, { id: SCRATCH_ID + i, bytes: f.scratchBytes, first: i, last: i })
  })
  const layout = runtimeArena(
    [...lifetimes.values()].sort((a, b) => a.id - b.id).map((r) => ({ id: r.id, name: String(r.id), size: r.bytes, firstOp: r.first, lastOp: r.last }))
  )
  const plan = { bytes: layout.bytes, offsets: new Map(layout.buffers.map((b) => [b.id, b.offset])) }

  const e: Emitter = { decls: [], calls: [] }
  const constNames = new Map<number, string>()
  let weightBytes = 0
  const constArray = (idx: number, cType: 'int8_t' | 'int32_t'): string => {
    const existing = constNames.get(idx)
    if (existing) return existing
    const tensor = t(idx)
    const data = tensor.data
    if (!data) throw new MicroforgeError('MODEL_ERROR', `Tensor ${tensor.name} should hold constant weights but has no data.`, 'Export the variant again.')
    // Named by index only: a tensor name is text from the model file, and never becomes code.
    const id = `w${idx}`
    const view = cType === 'int8_t' ? new Int8Array(data.buffer, data.byteOffset, data.byteLength) : int32View(data)
    weightBytes += view.length * (cType === 'int8_t' ? 1 : 4)
    e.decls.push(`/* ${cComment(tensor.name)} ${tensor.shape.map((d) => cInteger(d, -1, 2 ** 31 - 1, 'tensor dimension')).join('x')} */\nstatic const ${cType} ${id}[${view.length}] = {\n${cArrayBody(view, cType === 'int8_t' ? 24 : 8, cInt32)}\n};`)
    constNames.set(idx, id)
    return id
  }
  const arenaRef = (idx: number, cType: string): string => {
    const off = plan.offsets.get(slot(idx))
    if (off === undefined) throw new Error(`tensor ${idx} has no arena slot`)
    return `(${cType} *)(MF_ARENA + ${off})`
  }

  const usedFast = new Set<FastKernel>()
  model.operators.forEach((op, i) => {
    e.calls.push(`  MF_PROFILE_OP(${i});`)
    const f = fast[i]
    const pool = opts.kernels === 'reference' ? null : emitFastPoolOrMean(op, model, `op${i}`, arenaRef(op.inputs[0], 'const int8_t'), arenaRef(op.outputs[0], 'int8_t'))
    if (pool) {
      e.decls.push(...pool.decls)
      e.calls.push(`  /* ${i}: ${op.op} ${JSON.stringify(t(op.inputs[0]).shape)} -> ${JSON.stringify(t(op.outputs[0]).shape)} (${pool.kernel} kernel) */`, pool.call)
      usedFast.add(pool.kernel)
      return
    }
    if (!f) return emitOperator(op, i, model, e, constArray, arenaRef)
    const input = t(op.inputs[0])
    const output = t(op.outputs[0])
    const scratch = f.scratchBytes > 0 ? arenaRef(SCRATCH_ID + i, 'int8_t') : null
    const out = emitFastOp(f, `op${i}`, arenaRef(op.inputs[0], 'const int8_t'), arenaRef(op.outputs[0], 'int8_t'), scratch)
    e.decls.push(...out.decls)
    e.calls.push(`  /* ${i}: ${op.op} ${JSON.stringify(input.shape)} -> ${JSON.stringify(output.shape)} (${f.kernel} kernel) */`, out.call)
    weightBytes += out.constBytes
    usedFast.add(f.kernel)
  })

  const arenaBytes = plan.bytes + (usedFast.size ? 4 : 0)
  const inT = t(model.inputs[0])
  const outT = t(model.outputs[0])
  const io = (tensor: CgTensor): CIoDescription => ({
    type: tensor.type === 'float32' ? 'float32' : 'int8',
    count: elementCount(tensor.shape),
    shape: tensor.shape,
    scale: tensor.scale[0] ?? 0,
    zeroPoint: tensor.zeroPoint[0] ?? 0
  })
  const input = io(inT)
  const output = io(outT)
  const ops = [...new Set(model.operators.map((o) => o.op))]
  const name = opts.modelName ?? 'model'

  const header = `/* Generated by Microforge for ${cComment(name)}: the int8 model as plain C (no TensorFlow Lite Micro). */
#ifndef MF_MODEL_H
#define MF_MODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MF_MODEL_INPUT_COUNT ${input.count}
#define MF_MODEL_OUTPUT_COUNT ${output.count}
#define MF_MODEL_INPUT_IS_FLOAT ${input.type === 'float32' ? 1 : 0}
#define MF_MODEL_OUTPUT_IS_FLOAT ${output.type === 'float32' ? 1 : 0}
/* Quantization of the input and output tensors: real = scale * (q - zero_point). */
#define MF_MODEL_INPUT_SCALE ${cFloat(input.scale)}
#define MF_MODEL_INPUT_ZERO_POINT ${input.zeroPoint}
#define MF_MODEL_OUTPUT_SCALE ${cFloat(output.scale)}
#define MF_MODEL_OUTPUT_ZERO_POINT ${output.zeroPoint}
/* Static arena for every activation, laid out at generation time. */
#define MF_MODEL_ARENA_BYTES ${arenaBytes}

typedef ${input.type === 'float32' ? 'float' : 'int8_t'} mf_model_input_t;
typedef ${output.type === 'float32' ? 'float' : 'int8_t'} mf_model_output_t;

/* Where to write the ${input.count} input values before mf_model_invoke(). */
mf_model_input_t *mf_model_input(void);
/* The ${output.count} output values after mf_model_invoke(). */
const mf_model_output_t *mf_model_output(void);
/* Runs the model: ${model.operators.length} operators (${ops.join(', ')}). */
void mf_model_invoke(void);

#ifdef __cplusplus
}
#endif

#endif /* MF_MODEL_H */
`
  const source = `/* Generated by Microforge for ${cComment(name)}. Do not edit: regenerate from the Deploy step. */
#include "mf_model.h"
#include "mf_runtime.h"

/* int32 words keep every tensor 4-byte aligned (offsets are multiples of 16)${usedFast.size ? '; one more word for the fast kernels, whose last 4-byte load of a row may reach 3 bytes past it (times a zero weight)' : ''}. */
static int32_t mf_arena_words[${Math.max(1, arenaBytes / 4)}];
#define MF_ARENA ((int8_t *)mf_arena_words)
/* A hook before each operator (its index), for per-operator timing; nothing by default. */
#ifndef MF_PROFILE_OP
#define MF_PROFILE_OP(index)
#endif
${usedFast.size ? fastRequantFlags(fast) : ''}${fastKernelSource(usedFast)}
${e.decls.join('\n\n')}

mf_model_input_t *mf_model_input(void) { return ${arenaRef(model.inputs[0], 'mf_model_input_t')}; }

const mf_model_output_t *mf_model_output(void) { return ${arenaRef(model.outputs[0], 'const mf_model_output_t')}; }

void mf_model_invoke(void) {
${e.calls.join('\n')}
}
`
  return {
    files: [
      { path: 'mf_model.h', contents: header },
      { path: 'mf_model.c', contents: source }
    ],
    arenaBytes,
    weightBytes,
    ops,
    input,
    output
  }
}

function int32View(data: Uint8Array): Int32Array {
  const copy = new Uint8Array(data) // aligned copy; flatbuffer data need not be 4-byte aligned
  return new Int32Array(copy.buffer, 0, copy.byteLength >> 2)
}

function emitMultipliers(e: Emitter, p: string, mults: number[], shifts: number[]): void {
  e.decls.push(`static const int32_t ${p}_mult[${mults.length}] = {\n${cArrayBody(mults, 8, cInt32)}\n};`)
  e.decls.push(`static const int32_t ${p}_shift[${shifts.length}] = {\n${cArrayBody(shifts, 16)}\n};`)
}

function emitOperator(
  op: CgOperator,
  i: number,
  model: CgModel,
  e: Emitter,
  constArray: (idx: number, cType: 'int8_t' | 'int32_t') => string,
  arenaRef: (idx: number, cType: string) => string
): void {
  const t = (k: number): CgTensor => model.tensors[k]
  const input = t(op.inputs[0])
  const output = t(op.outputs[0])
  const inRef = arenaRef(op.inputs[0], input.type === 'float32' ? 'const float' : 'const int8_t')
  const outRef = arenaRef(op.outputs[0], output.type === 'float32' ? 'float' : 'int8_t')
  const p = `op${i}`
  const act = (): { min: number; max: number } => activationRange(op.options.activation, output.scale[0], output.zeroPoint[0])
  const comment = `  /* ${i}: ${op.op} ${JSON.stringify(input.shape)} -> ${JSON.stringify(output.shape)} */`
  const bias = (): string => ((op.inputs[2] ?? -1) >= 0 ? constArray(op.inputs[2], 'int32_t') : 'NULL')

  switch (op.op) {
    case 'FULLY_CONNECTED': {
      const w = t(op.inputs[1])
      const depth = w.shape[w.shape.length - 1]
      const units = w.shape[w.shape.length - 2]
      const { mults, shifts } = channelMultipliers(input, w, output, units)
      const a = act()
      emitMultipliers(e, p, mults, shifts)
      e.decls.push(
        `static const mf_fc_params ${p} = {${elementCount(input.shape) / depth}, ${depth}, ${units}, ${-input.zeroPoint[0]}, ${-(w.zeroPoint[0] ?? 0)}, ${output.zeroPoint[0]}, ${a.min}, ${a.max}, ${p}_mult, ${p}_shift};`
      )
      e.calls.push(comment, `  mf_fully_connected_s8(&${p}, ${inRef}, ${constArray(op.inputs[1], 'int8_t')}, ${bias()}, ${outRef});`)
      return
    }
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D': {
      const w = t(op.inputs[1])
      const [, inH, inW, inC] = to4d(input.shape)
      const [, fH, fW, fLast] = to4d(w.shape)
      const [, outH, outW, outC] = to4d(output.shape)
      const o = op.options
      const { mults, shifts } = channelMultipliers(input, w, output, outC)
      emitMultipliers(e, p, mults, shifts)
      const a = act()
      const padH = samePadding(inH, fH, o.strideH, o.dilationH, outH, o.padding)
      const padW = samePadding(inW, fW, o.strideW, o.dilationW, outW, o.padding)
      const depthMultiplier = op.op === 'DEPTHWISE_CONV_2D' ? fLast / inC : 1
      e.decls.push(
        `static const mf_conv_params ${p} = {${shape4(input.shape)}, ${shape4(w.shape)}, ${shape4(output.shape)}, ${o.strideH}, ${o.strideW}, ${o.dilationH}, ${o.dilationW}, ${padH}, ${padW}, ${depthMultiplier}, ${-input.zeroPoint[0]}, ${output.zeroPoint[0]}, ${a.min}, ${a.max}, ${p}_mult, ${p}_shift};`
      )
      const fn = op.op === 'CONV_2D' ? 'mf_conv_2d_s8' : 'mf_depthwise_conv_2d_s8'
      e.calls.push(comment, `  ${fn}(&${p}, ${inRef}, ${constArray(op.inputs[1], 'int8_t')}, ${bias()}, ${outRef});`)
      return
    }
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D': {
      const [, inH, inW] = to4d(input.shape)
      const [, outH, outW] = to4d(output.shape)
      const o = op.options
      const a = act()
      const padH = samePadding(inH, o.filterH, o.strideH, 1, outH, o.padding)
      const padW = samePadding(inW, o.filterW, o.strideW, 1, outW, o.padding)
      e.decls.push(`static const mf_pool_params ${p} = {${shape4(input.shape)}, ${shape4(output.shape)}, ${o.filterH}, ${o.filterW}, ${o.strideH}, ${o.strideW}, ${padH}, ${padW}, ${a.min}, ${a.max}};`)
      e.calls.push(comment, `  ${op.op === 'MAX_POOL_2D' ? 'mf_max_pool_s8' : 'mf_avg_pool_s8'}(&${p}, ${inRef}, ${outRef});`)
      return
    }
    case 'MEAN': {
      const axisT = t(op.inputs[1])
      if (!axisT.data) throw new MicroforgeError('UNSUPPORTED', 'MEAN with axes computed at run time is not supported.', 'Use the TensorFlow Lite Micro runtime.')
      const rank = input.shape.length
      const dims = to4d(input.shape)
      const reduce = [0, 0, 0, 0]
      for (const ax of int32View(axisT.data)) reduce[(ax < 0 ? ax + rank : ax) + (4 - rank)] = 1
      const count = dims.reduce((acc, d, k) => (reduce[k] ? acc * d : acc), 1)
      // TFLM's QuantizedMeanOrSum integer rescale, also when input and output quantization are equal.
      const q = meanMultiplier(input.scale[0], output.scale[0], count)
      e.decls.push(
        `static const mf_mean_params ${p} = {{${dims.join(', ')}}, {${reduce.join(', ')}}, ${input.zeroPoint[0]}, ${output.zeroPoint[0]}, ${cInt32(q.multiplier)}, ${q.shift}};`
      )
      e.calls.push(comment, `  mf_mean_s8(&${p}, ${inRef}, ${outRef});`)
      return
    }
    case 'SOFTMAX': {
      const depth = input.shape[input.shape.length - 1]
      const s = softmaxParams(op.options.beta, input.scale[0])
      e.decls.push(`static const mf_softmax_params ${p} = {${elementCount(input.shape) / depth}, ${depth}, ${cInt32(s.multiplier)}, ${s.leftShift}, ${s.diffMin}};`)
      e.calls.push(comment, `  mf_softmax_s8(&${p}, ${inRef}, ${outRef});`)
      return
    }
    default: {
      const call = elementwiseCall(op, input, output, inRef, outRef)
      if (call) {
        e.calls.push(comment, call)
        return
      }
      if (ALIASES.has(op.op)) {
        // Same bytes, new shape: a copy unless the planner happened to give both the same slot.
        e.calls.push(comment, `  mf_copy(${outRef}, ${inRef}, ${elementCount(input.shape) * bytesPerElement(input.type)});`)
        return
      }
      throw new Error(`unhandled operator ${op.op}`)
    }
  }
}
