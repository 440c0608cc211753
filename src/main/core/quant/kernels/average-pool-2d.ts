/**
 * AVERAGE_POOL_2D, as TFLM's reference kernels compute it: int8 sums in int32 and divides with
 * rounding half away from zero; float sums in float32. Padding cells are left out of the count.
 */
import { poolParams, type PoolParams } from './pooling'
import { badModel, input, output, type Eval, type KernelNode } from './types'

export function averagePool2dInt8(p: PoolParams, input: Int8Array, output: Int8Array): boolean {
  const { batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padH, padW, actMin, actMax } = p
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
          let acc = 0
          let count = 0
          for (let fy = fyStart; fy < fyEnd; fy++) {
            for (let fx = fxStart; fx < fxEnd; fx++) {
              acc += input[((b * inH + inY + fy) * inW + inX + fx) * channels + c]
              count++
            }
          }
          if (count === 0) return false
          // C integer division truncates toward zero; the +/- count/2 makes it round half away from zero.
          const half = Math.trunc(count / 2)
          acc = acc > 0 ? Math.trunc((acc + half) / count) : Math.trunc((acc - half) / count)
          output[((b * outH + oy) * outW + ox) * channels + c] = Math.min(Math.max(acc, actMin), actMax)
        }
      }
    }
  }
  return true
}

export function averagePool2dFloat(p: PoolParams, input: Float32Array, output: Float32Array): boolean {
  const { batches, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, padH, padW, actMin, actMax } = p
  const f = Math.fround
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
          let total = 0
          let count = 0
          for (let fy = fyStart; fy < fyEnd; fy++) {
            for (let fx = fxStart; fx < fxEnd; fx++) {
              total = f(total + input[((b * inH + inY + fy) * inW + inX + fx) * channels + c])
              count++
            }
          }
          if (count === 0) return false
          output[((b * outH + oy) * outW + ox) * channels + c] = Math.min(Math.max(f(total / count), actMin), actMax)
        }
      }
    }
  }
  return true
}

export const averagePool = (node: KernelNode): Eval => {
  const p = poolParams(node)
  const inp = input(node, 0)
  const out = output(node, 0)
  const fail = () => badModel(node, 'has a pooling window that covers no input')
  if (inp.type === 'INT8') {
    return () => {
      if (!averagePool2dInt8(p, inp.data as Int8Array, out.data as Int8Array)) throw fail()
    }
  }
  return () => {
    if (!averagePool2dFloat(p, inp.data as Float32Array, out.data as Float32Array)) throw fail()
  }
}
