/** Per-operator facts the bench records beside each measurement: the cost models' inputs, and shapes for the reader. */
import type { CgModel } from '../../src/main/core/codegen/graph'
import { opFactsFromGraph, type OpFacts as CoreOpFacts } from '../../src/main/core/cost/op-facts'

export interface OpFacts extends CoreOpFacts {
  inShape: number[]
  outShape: number[]
}

export function opFacts(model: CgModel): OpFacts[] {
  return opFactsFromGraph(model).map((f, i) => {
    const o = model.operators[i]
    return { ...f, inShape: model.tensors[o.inputs[0]].shape, outShape: model.tensors[o.outputs[0]].shape }
  })
}
