/**
 * What a kernel sees: tensors with their typed-array storage and quantization, and the operator's
 * options. A kernel is prepared once (shapes checked, multipliers computed, like TFLM's Prepare)
 * and returns the function that evaluates it on every invoke.
 */
import { MicroforgeError } from '../../../../shared/errors'
import type { ParsedOptions, ParsedQuantization, TensorTypeName } from '../../tflite/reader'

export type TensorData = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Float32Array | BigInt64Array

export interface KernelTensor {
  index: number
  name: string
  type: TensorTypeName
  shape: number[]
  /** FLOAT16 tensors are stored as their raw bits in a Uint16Array. */
  data: TensorData
  quantization: ParsedQuantization | null
  isConstant: boolean
}

export interface KernelNode {
  index: number
  builtin: string
  version: number
  options: ParsedOptions
  /** null where the model omits an optional input (tensor index -1). */
  inputs: (KernelTensor | null)[]
  outputs: KernelTensor[]
}

export type Eval = () => void
export type Kernel = (node: KernelNode) => Eval

export function unsupported(node: KernelNode, what: string): MicroforgeError {
  return new MicroforgeError(
    'UNSUPPORTED',
    `Operator ${node.index} (${node.builtin}) ${what}.`,
    'Microforge runs int8 and float32 models built from FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, pooling, MEAN, RESHAPE, SOFTMAX, RELU, RELU6, QUANTIZE and DEQUANTIZE; re-export the model with those.'
  )
}

export function badModel(node: KernelNode, what: string): MicroforgeError {
  return new MicroforgeError('MODEL_ERROR', `Operator ${node.index} (${node.builtin}) ${what}.`, 'The model file is inconsistent; export it again.')
}

export function input(node: KernelNode, i: number): KernelTensor {
  const t = node.inputs[i]
  if (!t) throw badModel(node, `is missing input ${i}`)
  return t
}

export function output(node: KernelNode, i: number): KernelTensor {
  const t = node.outputs[i]
  if (!t) throw badModel(node, `is missing output ${i}`)
  return t
}

export function elementCount(shape: number[]): number {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** TFLite's RuntimeShape::ExtendedShape(4, shape): pad with leading 1s. */
export function shape4(t: KernelTensor, node: KernelNode): [number, number, number, number] {
  if (t.shape.length > 4) throw unsupported(node, `needs a tensor of at most 4 dimensions, "${t.name}" has ${t.shape.length}`)
  const s = [1, 1, 1, 1, ...t.shape].slice(-4)
  return [s[0], s[1], s[2], s[3]]
}

/** Per-tensor scale and zero point; errors out when the tensor is not quantized. */
export function quant(t: KernelTensor, node: KernelNode): { scale: number; zeroPoint: number } {
  const q = t.quantization
  if (!q || q.scale.length === 0) throw badModel(node, `has an int8 tensor "${t.name}" without quantization parameters`)
  return { scale: q.scale[0], zeroPoint: q.zeroPoint[0] ?? 0 }
}

/** Per-channel scales (one per output channel), repeating a per-tensor scale. */
export function channelScales(t: KernelTensor, channels: number, node: KernelNode): number[] {
  const q = t.quantization
  if (!q || q.scale.length === 0) throw badModel(node, `has weights "${t.name}" without quantization parameters`)
  if (q.scale.length === 1) return new Array<number>(channels).fill(q.scale[0])
  if (q.scale.length !== channels) throw badModel(node, `has ${q.scale.length} weight scales for ${channels} channels`)
  return q.scale
}

export function expectType(node: KernelNode, t: KernelTensor, ...types: TensorTypeName[]): void {
  if (!types.includes(t.type)) throw unsupported(node, `does not support a ${t.type} tensor "${t.name}" here (expected ${types.join(' or ')})`)
}

export function expectElements(node: KernelNode, t: KernelTensor, n: number): void {
  if (t.data.length !== n) throw badModel(node, `expects ${n} values in "${t.name}", the model gives it ${t.data.length}`)
}

export function clampInt(x: number, min: number, max: number): number {
  return x < min ? min : x > max ? max : x
}

/** TFLite's ComputePaddingWithOffset, keeping only the leading padding the reference kernels use. */
function computePadding(stride: number, dilation: number, inSize: number, filterSize: number, outSize: number): number {
  const effective = (filterSize - 1) * dilation + 1
  const total = Math.max(0, (outSize - 1) * stride + effective - inSize)
  return Math.floor(total / 2)
}

type WindowOption = 'strideH' | 'strideW' | 'dilationH' | 'dilationW' | 'filterH' | 'filterW'

/** Strides, dilations and pooling windows: 1 where the model leaves them out, and none below 1 (`what` names them in the error). */
export function windowOptions<K extends WindowOption>(node: KernelNode, keys: readonly K[], what: string): Record<K, number> {
  const values = {} as Record<K, number>
  for (const key of keys) {
    const value = node.options[key] ?? 1
    if (value < 1) throw badModel(node, `has ${what} below 1`)
    values[key] = value
  }
  return values
}

/** The leading padding of both axes: SAME pads as TFLite computes it, VALID (the default) does not. */
export function padding2d(
  node: KernelNode,
  w: { strideH: number; strideW: number; dilationH: number; dilationW: number; inH: number; inW: number; filterH: number; filterW: number; outH: number; outW: number }
): { padH: number; padW: number } {
  if ((node.options.padding ?? 'VALID') !== 'SAME') return { padH: 0, padW: 0 }
  return { padH: computePadding(w.strideH, w.dilationH, w.inH, w.filterH, w.outH), padW: computePadding(w.strideW, w.dilationW, w.inW, w.filterW, w.outW) }
}
