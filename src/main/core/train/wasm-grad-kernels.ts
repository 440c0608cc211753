import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs'
import { convTaps } from './conv-taps'
import { attr, runOnHeap, wasmKernel, type WasmHeapBackend } from './wasm-heap'
import { wrapWasmBatchMatMul } from './wasm-matmul'

/**
 * Gradient kernels the tfjs wasm backend (4.22) does not ship but Conv1D and depthwise training
 * need (tfjs runs Conv1D as a Conv2D of height 1). They work directly on the wasm heap (no copies
 * to JavaScript arrays). NHWC only, which is all tfjs-layers produces.
 */
type ConvInfo = backend_util.Conv2DInfo

/**
 * The convolution geometry of a gradient kernel from its attributes. Conv2D gradients carry a
 * data format and no dilations; depthwise ones carry dilations and are always NHWC.
 */
function convInfo(kernel: string, attrs: NamedAttrMap | undefined, inShape: number[], filterShape: number[], depthwise: boolean): ConvInfo {
  const shape4 = (s: number[]) => s as [number, number, number, number]
  const info = backend_util.computeConv2DInfo(
    shape4(inShape),
    shape4(filterShape),
    attr(attrs, 'strides'),
    depthwise ? attr(attrs, 'dilations') : 1,
    attr(attrs, 'pad'),
    attr(attrs, 'dimRoundingMode'),
    depthwise,
    depthwise ? 'channelsLast' : backend_util.convertConv2DDataFormat(attr(attrs, 'dataFormat'))
  )
  if (info.dataFormat !== 'channelsLast') throw new Error(`${kernel} on wasm supports NHWC only`)
  return info
}

/** a @ b on the backend's own SIMD BatchMatMul (rank-3 views, no transposes). */
function matMul(backend: unknown, a: TensorInfo, b: TensorInfo): TensorInfo {
  const kernel = getKernel('BatchMatMul', 'wasm')
  if (!kernel) throw new Error('wasm BatchMatMul kernel missing')
  return kernel.kernelFunc({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo
}

/**
 * Gathers the input patches of every output position p = (b, yr, yc) as columns:
 * colsT[(fh,fw,ci), p], zero where the filter hangs over the padding. Row-major
 * [fh*fw*inC, P]: the transposed layout, because wasm's BatchMatMul is several times slower
 * with transposeA than without.
 */
export function im2colTransposedNHWC(x: Float32Array, colsT: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info
  const { offsets: t, complete } = convTaps(info, { out: 1, tap: inChannels, in: inChannels })
  const positions = outHeight * outWidth
  const P = batchSize * positions
  if (!complete) colsT.fill(0)
  for (let b = 0; b < batchSize; b++) {
    const xItem = b * inHeight * inWidth * inChannels
    for (let e = 0; e < t.length; e += 3) {
      const p = b * positions + t[e]
      const xBase = xItem + t[e + 2]
      for (let ci = 0, k = t[e + 1]; ci < inChannels; ci++, k++) colsT[k * P + p] = x[xBase + ci]
    }
  }
}

/**
 * The depthwise gradients, dW (`filter`: a = x, out = dW) and dx (`input`: a = W, out = dx), over
 * the same valid pairs: at each, channel c and multiplier q meet dy[..., c*mult+q], x[..., c] and
 * W[tap, c*mult+q].
 *   dW[tap, c*mult+q] += x[..., c] * dy[..., c*mult+q]
 *   dx[..., c]        += sum over q of dy[..., c*mult+q] * W[tap, c*mult+q]
 */
function depthwiseBackpropNHWC(gradient: 'filter' | 'input', dy: Float32Array, a: Float32Array, out: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info
  const t = convTaps(info, { out: outChannels, tap: outChannels, in: inChannels }).offsets
  const mult = outChannels / inChannels
  const filter = gradient === 'filter'
  out.fill(0)
  for (let b = 0; b < batchSize; b++) {
    const dyItem = b * outHeight * outWidth * outChannels
    const xItem = b * inHeight * inWidth * inChannels
    for (let e = 0; e < t.length; e += 3) {
      const dyBase = dyItem + t[e]
      const wBase = t[e + 1]
      const xBase = xItem + t[e + 2]
      if (filter) {
        for (let c = 0; c < inChannels; c++) {
          const xv = a[xBase + c]
          const wRow = wBase + c * mult
          const dyRow = dyBase + c * mult
          for (let q = 0; q < mult; q++) out[wRow + q] += xv * dy[dyRow + q]
        }
      } else {
        for (let c = 0; c < inChannels; c++) {
          let s = 0
          for (let q = 0; q < mult; q++) s += dy[dyBase + c * mult + q] * a[wBase + c * mult + q]
          out[xBase + c] += s
        }
      }
    }
  }
}

/**
 * dW = colsT(x) @ dy: the patch gathering is cheap JavaScript, the multiply-accumulate runs in
 * the backend's own SIMD BatchMatMul. A plain JavaScript loop over the MACs measured 5x slower.
 */
/** What a convolution gradient kernel works from: dy, the other operand, the geometry and the gradient's shape. */
interface ConvGradArgs {
  backend: unknown
  dy: TensorInfo
  /** x for a filter gradient, the filter for an input gradient. */
  other: TensorInfo
  info: ConvInfo
  outShape: number[]
}

/**
 * A convolution gradient kernel for wasm. A filter gradient gets x and the filter's shape as an
 * attribute, an input gradient the filter and the input's shape.
 */
function convGradKernel(kernelName: string, depthwise: boolean, grad: (g: ConvGradArgs) => TensorInfo): KernelConfig {
  return wasmKernel(kernelName, ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo | undefined
    const filter = inputs.filter as TensorInfo | undefined
    const inShape = x ? x.shape : attr<number[]>(attrs, 'inputShape')
    const filterShape = filter ? filter.shape : attr<number[]>(attrs, 'filterShape')
    const info = convInfo(kernelName, attrs, inShape, filterShape, depthwise)
    return grad({ backend, dy: inputs.dy as TensorInfo, other: (x ?? filter)!, info, outShape: x ? filterShape : inShape })
  })
}

const conv2DBackpropFilter = convGradKernel('Conv2DBackpropFilter', false, ({ backend, dy, other: x, info, outShape }) => {
  const wasm = backend as WasmHeapBackend
  const positions = info.batchSize * info.outHeight * info.outWidth
  const rowLen = info.filterHeight * info.filterWidth * info.inChannels
  const cols = wasm.makeOutput([1, rowLen, positions], 'float32')
  im2colTransposedNHWC(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(cols), info)
  const out = matMul(backend, cols, { dataId: dy.dataId, shape: [1, positions, info.outChannels], dtype: 'float32' })
  wasm.disposeData(cols.dataId)
  return { dataId: out.dataId, shape: outShape, dtype: 'float32' }
})

const depthwiseGradKernel = (kernelName: string, gradient: 'filter' | 'input'): KernelConfig =>
  convGradKernel(kernelName, true, ({ backend, dy, other, info, outShape }) => runOnHeap(backend, [outShape], [dy, other], ([dyv, a], [out]) => depthwiseBackpropNHWC(gradient, dyv, a, out, info))[0])
const depthwiseBackpropFilter = depthwiseGradKernel('DepthwiseConv2dNativeBackpropFilter', 'filter')
const depthwiseBackpropInput = depthwiseGradKernel('DepthwiseConv2dNativeBackpropInput', 'input')

/** Adds each column of cols[p, (fh,fw,ci)] back onto the input position it came from. */
export function col2imNHWC(cols: Float32Array, dx: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info
  const rowLen = filterHeight * filterWidth * inChannels
  const t = convTaps(info, { out: rowLen, tap: inChannels, in: inChannels }).offsets
  dx.fill(0)
  for (let b = 0; b < batchSize; b++) {
    const colsItem = b * outHeight * outWidth * rowLen
    const xItem = b * inHeight * inWidth * inChannels
    for (let e = 0; e < t.length; e += 3) {
      const o = colsItem + t[e] + t[e + 1]
      const xBase = xItem + t[e + 2]
      for (let ci = 0; ci < inChannels; ci++) dx[xBase + ci] += cols[o + ci]
    }
  }
}

/**
 * dx = col2im(dy @ W^T). Replaces wasm's own kernel, a direct loop that measured slower than
 * a SIMD matmul plus the JavaScript scatter for Conv1D shapes.
 */
const conv2DBackpropInput = convGradKernel('Conv2DBackpropInput', false, ({ backend, dy, other: filter, info, outShape }) => {
  const wasm = backend as WasmHeapBackend
  const positions = info.batchSize * info.outHeight * info.outWidth
  const rowLen = info.filterHeight * info.filterWidth * info.inChannels
  const outC = info.outChannels
  // W^T written out once (a few KB) so the matmul runs without transposeB.
  const wT = wasm.makeOutput([1, outC, rowLen], 'float32')
  {
    const w = wasm.typedArrayFromHeap(filter)
    const t = wasm.typedArrayFromHeap(wT)
    for (let k = 0; k < rowLen; k++) for (let c = 0; c < outC; c++) t[c * rowLen + k] = w[k * outC + c]
  }
  const cols = matMul(backend, { dataId: dy.dataId, shape: [1, positions, outC], dtype: 'float32' }, wT)
  wasm.disposeData(wT.dataId)
  const [out] = runOnHeap(wasm, [outShape], [cols], ([c], [dx]) => col2imNHWC(c, dx, info))
  wasm.disposeData(cols.dataId)
  return out
})

/** Routes each output gradient to the first maximum of its pooling window. */
export function maxPoolGradNHWC(xv: Float32Array, dyv: Float32Array, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  dx.fill(0)
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const r0 = Math.max(0, yr * strideHeight - top)
      const r1 = Math.min(inHeight, yr * strideHeight - top + filterHeight)
      for (let yc = 0; yc < outWidth; yc++) {
        const c0 = Math.max(0, yc * strideWidth - left)
        const c1 = Math.min(inWidth, yc * strideWidth - left + filterWidth)
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * inChannels
        // Channels innermost: the window's rows are read in memory order, each once per position.
        for (let c = 0; c < inChannels; c++) {
          let best = -1
          let bestValue = -Infinity
          for (let xr = r0; xr < r1; xr++) {
            let i = ((b * inHeight + xr) * inWidth + c0) * inChannels + c
            for (let xc = c0; xc < c1; xc++, i += inChannels) {
              if (xv[i] > bestValue) {
                bestValue = xv[i]
                best = i
              }
            }
          }
          if (best >= 0) dx[best] += dyv[dyBase + c]
        }
      }
    }
  }
}

const maxPoolGrad = wasmKernel('MaxPoolGrad', ({ inputs, backend, attrs }) => {
  const x = inputs.input as TensorInfo
  const info = backend_util.computePool2DInfo(x.shape as [number, number, number, number], attr(attrs, 'filterSize'), attr(attrs, 'strides'), 1, attr(attrs, 'pad'), attr(attrs, 'dimRoundingMode'))
  return runOnHeap(backend, [x.shape], [x, inputs.dy as TensorInfo], ([xv, dyv], [dx]) => maxPoolGradNHWC(xv, dyv, dx, info))[0]
})

/** Kernels wasm lacks: registered only when missing, so a future tfjs that ships them wins. */
export const WASM_MISSING_KERNELS = [conv2DBackpropFilter, depthwiseBackpropFilter, depthwiseBackpropInput]
/** Kernels wasm has but runs slower than these for sensor-model shapes: always replaced. */
export const WASM_FASTER_KERNELS = [conv2DBackpropInput, maxPoolGrad]

export function registerWasmGradKernels(): string[] {
  const added: string[] = []
  for (const k of WASM_MISSING_KERNELS) {
    if (getKernel(k.kernelName, 'wasm')) continue
    registerKernel(k)
    added.push(k.kernelName)
  }
  for (const k of WASM_FASTER_KERNELS) {
    if (getKernel(k.kernelName, 'wasm') === k) continue
    if (getKernel(k.kernelName, 'wasm')) unregisterKernel(k.kernelName, 'wasm')
    registerKernel(k)
    added.push(k.kernelName)
  }
  if (wrapWasmBatchMatMul()) added.push('BatchMatMul')
  return added
}
