import type { backend_util } from '@tensorflow/tfjs'

/**
 * The (output position, filter tap) pairs of one batch item whose tap lands inside the input, not
 * on the padding: the loop nest over output rows and columns, filter rows and columns and the
 * padding bounds that the convolution gradient kernels walk, written once.
 *
 * Each pair is a triple of offsets in elements: output position (yr * outWidth + yc) times
 * `strides.out`, filter tap (fh * filterWidth + fw) times `strides.tap`, input pixel
 * (xr * inWidth + xc) times `strides.in`. Pairs run output position by output position, each
 * position's taps in (fh, fw) order, so a kernel that sums along them adds in the order of the
 * direct loop nest and gets the same float32 results.
 */
export interface ConvTaps {
  offsets: Int32Array
  /** Every tap of every position is inside the input: nothing reads padding. */
  complete: boolean
}

export interface TapStrides {
  out: number
  tap: number
  in: number
}

// A training run asks for the same few geometries every step: built once, not per call.
const cache = new Map<string, ConvTaps>()
const CACHE_LIMIT = 64

export function convTaps(info: backend_util.Conv2DInfo, strides: TapStrides): ConvTaps {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const key = [inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, top, left, strides.out, strides.tap, strides.in].join()
  const cached = cache.get(key)
  if (cached) return cached
  const all = outHeight * outWidth * filterHeight * filterWidth
  const offsets = new Int32Array(3 * all)
  let n = 0
  for (let yr = 0, p = 0; yr < outHeight; yr++) {
    for (let yc = 0; yc < outWidth; yc++, p++) {
      for (let fh = 0; fh < filterHeight; fh++) {
        const xr = yr * strideHeight + fh * dilationHeight - top
        if (xr < 0 || xr >= inHeight) continue
        for (let fw = 0; fw < filterWidth; fw++) {
          const xc = yc * strideWidth + fw * dilationWidth - left
          if (xc < 0 || xc >= inWidth) continue
          offsets[n++] = p * strides.out
          offsets[n++] = (fh * filterWidth + fw) * strides.tap
          offsets[n++] = (xr * inWidth + xc) * strides.in
        }
      }
    }
  }
  const taps = { offsets: offsets.slice(0, n), complete: n === 3 * all }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(key, taps)
  return taps
}
