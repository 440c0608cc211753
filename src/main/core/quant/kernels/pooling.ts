/** Geometry shared by MAX_POOL_2D and AVERAGE_POOL_2D (TFLM pooling_common.cc: same padding rules as conv, no dilation). */
import { quantizedActivationRange, floatActivationRange } from '../fixed-point'
import { badModel, expectType, input, output, padding2d, quant, shape4, unsupported, windowOptions, type KernelNode } from './types'

export interface PoolParams {
  batches: number
  inH: number
  inW: number
  channels: number
  outH: number
  outW: number
  filterH: number
  filterW: number
  strideH: number
  strideW: number
  padH: number
  padW: number
  actMin: number
  actMax: number
}

export function poolParams(node: KernelNode): PoolParams {
  const inp = input(node, 0)
  const out = output(node, 0)
  const [batches, inH, inW, channels] = shape4(inp, node)
  const [ob, outH, outW, oc] = shape4(out, node)
  if (ob !== batches || oc !== channels) throw badModel(node, `maps [${inp.shape.join(', ')}] to [${out.shape.join(', ')}]`)
  const { strideH, strideW, filterH, filterW } = windowOptions(node, ['strideH', 'strideW', 'filterH', 'filterW'], 'a stride or window')
  const { padH, padW } = padding2d(node, { strideH, strideW, dilationH: 1, dilationW: 1, inH, inW, filterH, filterW, outH, outW })
  const activation = node.options.fusedActivation ?? 'NONE'
  let range: { min: number; max: number }
  if (inp.type === 'INT8') {
    expectType(node, out, 'INT8')
    const iq = quant(inp, node)
    const oq = quant(out, node)
    // TFLM requires pooling to keep the quantization: it never rescales.
    if (iq.scale !== oq.scale || iq.zeroPoint !== oq.zeroPoint) throw unsupported(node, 'changes the quantization between input and output')
    range = quantizedActivationRange(activation, oq.scale, oq.zeroPoint)
  } else if (inp.type === 'FLOAT32') {
    expectType(node, out, 'FLOAT32')
    range = floatActivationRange(activation)
  } else {
    throw unsupported(node, `does not support ${inp.type} tensors`)
  }
  return { batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padH, padW, actMin: range.min, actMax: range.max }
}
