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

// A training run asks for the same few geometries every step: each is built once, found again by
// a hash of its numbers and checked field by field (a string key cost about 1 us a call).
interface CacheEntry {
  fields: number[]
  taps: ConvTaps
}
const cache = new Map<number, CacheEntry[]>()
const CACHE_LIMIT = 64

export function convTaps(info: backend_util.Conv2DInfo, strides: TapStrides): ConvTaps {
  const { inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const fields = [inHeight, inWidth, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, top, left, strides.out, strides.tap, strides.in]
  let hash = 0
  for (const v of fields) hash = (Math.imul(hash, 31) + v) | 0
  const bucket = cache.get(hash)
  const hit = bucket?.find((c) => c.fields.every((v, i) => v === fields[i]))
  if (hit) return hit.taps
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
  cache.set(hash, [...(cache.get(hash) ?? []), { fields, taps }])
  return taps
}
