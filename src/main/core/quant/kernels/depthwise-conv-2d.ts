/**
 * DEPTHWISE_CONV_2D, as TFLM's reference kernels compute it (reference_integer_ops::DepthwiseConvPerChannel,
 * reference_ops::DepthwiseConv for float). Weights [1, kh, kw, in_channels * depth_multiplier];
 * output channel = in_channel * depth_multiplier + m.
 */
import { multiplyByQuantizedMultiplier } from '../fixed-point'
import { convLikeKernel, type ConvGeometry, type ConvInt8Params } from './conv-2d'
import { clampInt } from './types'

export function depthwiseConv2dInt8(p: ConvInt8Params, input: Int8Array, filter: Int8Array, bias: Int32Array | null, output: Int8Array): void {
  const { batches, inH, inW, inC, filterH, filterW, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW } = p
  const depthMultiplier = outC / inC
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padH
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padW
        for (let ic = 0; ic < inC; ic++) {
          for (let m = 0; m < depthMultiplier; m++) {
            const oc = m + ic * depthMultiplier
            let acc = 0
            for (let fy = 0; fy < filterH; fy++) {
              const iy = inYOrigin + dilationH * fy
              if (iy < 0 || iy >= inH) continue
              for (let fx = 0; fx < filterW; fx++) {
                const ix = inXOrigin + dilationW * fx
                if (ix < 0 || ix >= inW) continue
                const iv = input[((b * inH + iy) * inW + ix) * inC + ic]
                const fv = filter[(fy * filterW + fx) * outC + oc]
                acc += fv * (iv + p.inputOffset)
              }
            }
            acc |= 0
            if (bias) acc = (acc + bias[oc]) | 0
            let v = multiplyByQuantizedMultiplier(acc, p.outputMultiplier[oc], p.outputShift[oc])
            v += p.outputOffset
            output[((b * outH + oy) * outW + ox) * outC + oc] = clampInt(v, p.actMin, p.actMax)
          }
        }
      }
    }
  }
}

export function depthwiseConv2dFloat(p: ConvGeometry & { actMin: number; actMax: number }, input: Float32Array, filter: Float32Array, bias: Float32Array | null, output: Float32Array): void {
  const { batches, inH, inW, inC, filterH, filterW, outH, outW, outC, strideH, strideW, dilationH, dilationW, padH, padW } = p
  const f = Math.fround
  const depthMultiplier = outC / inC
  for (let b = 0; b < batches; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const inYOrigin = oy * strideH - padH
      for (let ox = 0; ox < outW; ox++) {
        const inXOrigin = ox * strideW - padW
        for (let ic = 0; ic < inC; ic++) {
          for (let m = 0; m < depthMultiplier; m++) {
            const oc = m + ic * depthMultiplier
            let total = 0
            for (let fy = 0; fy < filterH; fy++) {
              const iy = inYOrigin + dilationH * fy
              if (iy < 0 || iy >= inH) continue
              for (let fx = 0; fx < filterW; fx++) {
                const ix = inXOrigin + dilationW * fx
                if (ix < 0 || ix >= inW) continue
                total = f(total + f(input[((b * inH + iy) * inW + ix) * inC + ic] * filter[(fy * filterW + fx) * outC + oc]))
              }
            }
            const v = f(total + (bias ? bias[oc] : 0))
            output[((b * outH + oy) * outW + ox) * outC + oc] = Math.min(Math.max(v, p.actMin), p.actMax)
          }
        }
      }
    }
  }
}

export const depthwiseConv2d = convLikeKernel('depthwise', depthwiseConv2dInt8, depthwiseConv2dFloat)
