/** RESHAPE (also SQUEEZE and EXPAND_DIMS): the bytes stay, only the shape changes. TFLM copies when input and output differ. */
import { badModel, input, output, type Eval, type KernelNode } from './types'

export const reshape = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const out = output(node, 0)
  if (inp.type !== out.type) throw badModel(node, `changes the type from ${inp.type} to ${out.type}`)
  if (inp.data.length !== out.data.length) throw badModel(node, `turns ${inp.data.length} values into ${out.data.length}`)
  const src = inp.data as Int8Array
  const dst = out.data as Int8Array
  return () => dst.set(src)
}
