/** Per-operator facts the bench records beside each measurement: MACs and shapes, for the cost models. */
import { elementCount, type CgModel } from '../../src/main/core/codegen/graph'

export interface OpFacts {
  op: string
  macs: number
  /** Elements of the first input and of the output. */
  inputElements: number
  outputElements: number
  /** Output channels (last axis) and the MACs behind each output element (0 for ops without weights). */
  outChannels: number
  macsPerOutput: number
  inShape: number[]
  outShape: number[]
  filterShape: number[] | null
}

export function opFacts(model: CgModel): OpFacts[] {
  return model.operators.map((o) => {
    const input = model.tensors[o.inputs[0]]
    const output = model.tensors[o.outputs[0]]
    const w = o.inputs[1] !== undefined && o.inputs[1] >= 0 ? model.tensors[o.inputs[1]] : null
    const outN = elementCount(output.shape)
    let macs = 0
    if (o.op === 'FULLY_CONNECTED' && w) macs = outN * w.shape[w.shape.length - 1]
    else if (o.op === 'CONV_2D' && w) macs = outN * w.shape[1] * w.shape[2] * w.shape[3]
    else if (o.op === 'DEPTHWISE_CONV_2D' && w) macs = outN * w.shape[1] * w.shape[2]
    return {
      op: o.op,
      macs,
      inputElements: elementCount(input.shape),
      outputElements: outN,
      outChannels: output.shape[output.shape.length - 1],
      macsPerOutput: macs / outN,
      inShape: input.shape,
      outShape: output.shape,
      filterShape: macs > 0 && w ? w.shape : null
    }
  })
}
