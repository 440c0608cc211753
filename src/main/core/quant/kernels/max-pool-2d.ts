/** MAX_POOL_2D, as TFLM's reference kernels compute it (reference_integer_ops::MaxPool, reference_ops::MaxPool). */
import { poolParams, type PoolParams } from './pooling'
import { input, output, type Eval, type KernelNode } from './types'

export function maxPool2d(p: PoolParams, input: Int8Array | Float32Array, output: Int8Array | Float32Array): void {
  const { batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padH, padW, actMin, actMax } = p
  const lowest = input instanceof Int8Array ? -128 : -Infinity
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        for (let c = 0; c < channels; c++) {
          const inX = ox * strideW - padW
          const inY = oy * strideH - padH
          const fxStart = Math.max(0, -inX)
          const fxEnd = Math.min(filterW, inW - inX)
          const fyStart = Math.max(0, -inY)
          const fyEnd = Math.min(filterH, inH - inY)
          let max = lowest
          for (let fy = fyStart; fy < fyEnd; fy++) {
            for (let fx = fxStart; fx < fxEnd; fx++) {
              const v = input[((b * inH + inY + fy) * inW + inX + fx) * channels + c]
              if (v > max) max = v
            }
          }
          output[((b * outH + oy) * outW + ox) * channels + c] = Math.min(Math.max(max, actMin), actMax)
        }
      }
    }
  }
}

export const maxPool = (node: KernelNode): Eval => {
  const p = poolParams(node)
  const inp = input(node, 0)
  const out = output(node, 0)
  return () => maxPool2d(p, inp.data as Int8Array | Float32Array, out.data as Int8Array | Float32Array)
}
