/**
 * What each TFLite operator of a model does, in the units the latency cost models use: MACs,
 * elements read and written, output channels. From an exported graph (the bench) or straight from
 * a ModelIR (Optimize), mirroring the exporter: a RESHAPE to [1, 1, steps, channels] in front of
 * sequence models, Flatten as RESHAPE, Dense with softmax as FULLY_CONNECTED then SOFTMAX, global
 * average pooling as MEAN, dropout and batch norm gone.
 */
import { elementCount, type CgModel } from '../codegen/graph'
import type { ModelIR } from '../model/model-ir'
import { modelCost } from './model-cost'

export interface OpFacts {
  op: string
  macs: number
  inputElements: number
  outputElements: number
  /** Last axis of the first input and of the output. */
  inChannels: number
  outChannels: number
  /** Filter rows of a convolution (1 for 1D models and for other ops). */
  filterH: number
}

export function opFactsFromGraph(model: CgModel): OpFacts[] {
  return model.operators.map((o) => {
    const input = model.tensors[o.inputs[0]]
    const output = model.tensors[o.outputs[0]]
    const w = o.inputs[1] !== undefined && o.inputs[1] >= 0 ? model.tensors[o.inputs[1]] : null
    const outN = elementCount(output.shape)
    let macs = 0
    if (o.op === 'FULLY_CONNECTED' && w) macs = outN * w.shape[w.shape.length - 1]
    else if (o.op === 'CONV_2D' && w) macs = outN * w.shape[1] * w.shape[2] * w.shape[3]
    else if (o.op === 'DEPTHWISE_CONV_2D' && w) macs = outN * w.shape[1] * w.shape[2]
    const last = (shape: number[]): number => shape[shape.length - 1] ?? 1
    const filterH = macs > 0 && w && o.op !== 'FULLY_CONNECTED' ? w.shape[1] : 1
    return { op: o.op, macs, inputElements: elementCount(input.shape), outputElements: outN, inChannels: last(input.shape), outChannels: last(output.shape), filterH }
  })
}

const OP_OF_LAYER: Record<string, string> = {
  conv1d: 'CONV_2D',
  depthwiseConv1d: 'DEPTHWISE_CONV_2D',
  maxPool1d: 'MAX_POOL_2D',
  avgPool1d: 'AVERAGE_POOL_2D',
  globalAvgPool1d: 'MEAN',
  flatten: 'RESHAPE',
  dense: 'FULLY_CONNECTED',
  activation: 'ACTIVATION'
}

export function opFactsFromIr(model: ModelIR): OpFacts[] {
  const cost = modelCost(model)
  const ops: OpFacts[] = []
  let inElements = model.inputShape.reduce((a, b) => a * b, 1)
  let inChannels = model.inputShape[model.inputShape.length - 1] ?? 1
  // Sequence layers run on [1, 1, steps, channels]: one RESHAPE in front, unless Flatten comes first.
  const first = model.layers.find((l) => l.type !== 'dropout')
  if (model.inputShape.length === 2 && first && first.type !== 'flatten' && first.type !== 'dense') {
    ops.push({ op: 'RESHAPE', macs: 0, inputElements: inElements, outputElements: inElements, inChannels, outChannels: inChannels, filterH: 1 })
  }
  model.layers.forEach((layer, i) => {
    const c = cost.layers[i]
    const op = OP_OF_LAYER[layer.type]
    if (op) {
      const outChannels = c.outputShape[c.outputShape.length - 1] ?? 1
      ops.push({ op, macs: c.macs, inputElements: inElements, outputElements: c.outputElements, inChannels, outChannels, filterH: 1 })
      if (layer.type === 'dense' && layer.activation === 'softmax') ops.push({ op: 'SOFTMAX', macs: 0, inputElements: c.outputElements, outputElements: c.outputElements, inChannels: outChannels, outChannels, filterH: 1 })
    }
    if (layer.type !== 'dropout' && layer.type !== 'batchNorm') {
      inElements = c.outputElements
      inChannels = c.outputShape[c.outputShape.length - 1] ?? 1
    }
  })
  return ops
}
