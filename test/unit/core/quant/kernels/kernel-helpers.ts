import type { ParsedOptions, TensorTypeName } from '../../../../../src/main/core/tflite/reader'
import type { Kernel, KernelNode, KernelTensor, TensorData } from '../../../../../src/main/core/quant/kernels/types'

let nextIndex = 0

/** A tensor for a kernel test; scale/zeroPoint arrays mean per-channel quantization. */
export function tensor(
  type: TensorTypeName,
  shape: number[],
  values: ArrayLike<number> | null,
  q?: { scale: number | number[]; zeroPoint?: number | number[]; dim?: number }
): KernelTensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const make = (): TensorData => {
    switch (type) {
      case 'INT8': return new Int8Array(n)
      case 'INT32': return new Int32Array(n)
      case 'FLOAT32': return new Float32Array(n)
      case 'FLOAT16': return new Uint16Array(n)
      case 'INT16': return new Int16Array(n)
      case 'UINT8': return new Uint8Array(n)
      default: throw new Error(`test helper: ${type}`)
    }
  }
  const data = make()
  if (values) (data as Float32Array).set(Array.from(values))
  const scales = q === undefined ? null : Array.isArray(q.scale) ? q.scale : [q.scale]
  const zps = q === undefined ? null : Array.isArray(q.zeroPoint) ? q.zeroPoint : new Array<number>(scales!.length).fill(q.zeroPoint ?? 0)
  return {
    index: nextIndex++,
    name: `t${nextIndex}`,
    type,
    shape,
    data,
    // Model files store scales as float32; keep tests honest about that.
    quantization: scales ? { scale: scales.map(Math.fround), zeroPoint: zps!, quantizedDimension: q?.dim ?? 0, min: [], max: [] } : null,
    isConstant: values !== null
  }
}

export function node(builtin: string, inputs: (KernelTensor | null)[], outputs: KernelTensor[], options: ParsedOptions = {}): KernelNode {
  return { index: 0, builtin, version: 1, options, inputs, outputs }
}

/** Prepares and runs a kernel once, returning the first output's values as plain numbers. */
export function runKernel(kernel: Kernel, n: KernelNode): number[] {
  kernel(n)()
  return Array.from(n.outputs[0].data as Float32Array)
}
