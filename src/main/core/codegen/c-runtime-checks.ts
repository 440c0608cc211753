/** What the C runtime accepts: fully int8 operators (QUANTIZE/DEQUANTIZE at the float edges), constant int8 weights and int32 biases. */
import { MicroforgeError } from '../../../shared/errors'
import type { CgModel, CgOperator, CgTensor } from './graph'

export function checkTypes(op: CgOperator, model: CgModel): void {
  const t = (i: number): CgTensor => model.tensors[i]
  const out = t(op.outputs[0])
  const bad = (what: string): never => {
    throw new MicroforgeError(
      'UNSUPPORTED',
      `${op.op} with ${what} is not an int8 operator; the Microforge C runtime runs fully int8-quantized models only.`,
      'Pick the full-integer (int8) variant in the Optimize step, or use the TensorFlow Lite Micro runtime (tflm).'
    )
  }
  if (op.op === 'QUANTIZE') {
    if (out.type !== 'int8' || (t(op.inputs[0]).type !== 'float32' && t(op.inputs[0]).type !== 'int8')) bad(`${t(op.inputs[0]).type} input and ${out.type} output`)
    return
  }
  if (op.op === 'DEQUANTIZE') {
    if (t(op.inputs[0]).type !== 'int8' || out.type !== 'float32') bad(`${t(op.inputs[0]).type} input`)
    return
  }
  if (t(op.inputs[0]).type !== 'int8' || out.type !== 'int8') bad(`${t(op.inputs[0]).type} input and ${out.type} output`)
  if (op.options.activation === 'unsupported') bad('a fused activation other than ReLU/ReLU6')
  if (op.op === 'FULLY_CONNECTED' || op.op === 'CONV_2D' || op.op === 'DEPTHWISE_CONV_2D') {
    const w = t(op.inputs[1])
    if (w.type !== 'int8' || !w.data) bad(`${w.type} weights`)
    const b = op.inputs[2] ?? -1
    if (b >= 0 && (t(b).type !== 'int32' || !t(b).data)) bad(`${t(b).type} bias`)
  }
}
