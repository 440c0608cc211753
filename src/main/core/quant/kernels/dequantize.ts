/**
 * DEQUANTIZE: int8/uint8/int16 -> float32 as TFLM computes it (scale held as a double, result cast
 * to float), and float16 -> float32, which TFLite does for float16-weight models and TFLM refuses.
 */
import { float16BitsToFloat32 } from '../quantize'
import { expectElements, input, output, quant, unsupported, type Eval, type KernelNode } from './types'

export function dequantizeInt(scale: number, zeroPoint: number, input: Int8Array | Uint8Array | Int16Array, output: Float32Array): void {
  for (let i = 0; i < input.length; i++) output[i] = scale * (input[i] - zeroPoint)
}

export function dequantizeHalf(input: Uint16Array, output: Float32Array): void {
  for (let i = 0; i < input.length; i++) output[i] = float16BitsToFloat32(input[i])
}

export const dequantize = (node: KernelNode): Eval => {
  const inp = input(node, 0)
  const out = output(node, 0)
  expectElements(node, out, inp.data.length)
  if (out.type !== 'FLOAT32') throw unsupported(node, `does not support ${out.type} output`)
  if (inp.type === 'FLOAT16') {
    return () => dequantizeHalf(inp.data as Uint16Array, out.data as Float32Array)
  }
  if (inp.type === 'INT8' || inp.type === 'UINT8' || inp.type === 'INT16') {
    const q = quant(inp, node)
    return () => dequantizeInt(q.scale, q.zeroPoint, inp.data as Int8Array, out.data as Float32Array)
  }
  throw unsupported(node, `does not support ${inp.type} input`)
}
