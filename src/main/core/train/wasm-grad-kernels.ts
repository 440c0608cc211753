import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs'
import { attr, runOnHeap, type WasmHeapBackend } from './wasm-heap'
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
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const P = batchSize * outHeight * outWidth
  let p = 0
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++, p++) {
        let k = 0
        for (let fh = 0; fh < filterHeight; fh++) {
          const xr = yr * strideHeight + fh * dilationHeight - top
          for (let fw = 0; fw < filterWidth; fw++) {
            const xc = yc * strideWidth + fw * dilationWidth - left
            const inside = xr >= 0 && xr < inHeight && xc >= 0 && xc < inWidth
            const xBase = ((b * inHeight + xr) * inWidth + xc) * inChannels
            for (let ci = 0; ci < inChannels; ci++, k++) colsT[k * P + p] = inside ? x[xBase + ci] : 0
          }
        }
      }
    }
  }
}

/** dW[fh,fw,ci,co] = sum over batch and output positions of x[...] * dy[...]. */
export function conv2dBackpropFilterNHWC(x: Float32Array, dy: Float32Array, dw: Float32Array, info: ConvInfo, depthwise: boolean): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const mult = depthwise ? outChannels / inChannels : 0
  dw.fill(0)
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * outChannels
        for (let fh = 0; fh < filterHeight; fh++) {
          const xr = yr * strideHeight + fh * dilationHeight - top
          if (xr < 0 || xr >= inHeight) continue
          for (let fw = 0; fw < filterWidth; fw++) {
            const xc = yc * strideWidth + fw * dilationWidth - left
            if (xc < 0 || xc >= inWidth) continue
            const xBase = ((b * inHeight + xr) * inWidth + xc) * inChannels
            const wBase = (fh * filterWidth + fw) * inChannels * (depthwise ? mult : outChannels)
            if (depthwise) {
              for (let ci = 0; ci < inChannels; ci++) {
                const xv = x[xBase + ci]
                const wRow = wBase + ci * mult
                const dyRow = dyBase + ci * mult
                for (let q = 0; q < mult; q++) dw[wRow + q] += xv * dy[dyRow + q]
              }
            } else {
              for (let ci = 0; ci < inChannels; ci++) {
                const xv = x[xBase + ci]
                if (xv === 0) continue
                const wRow = wBase + ci * outChannels
                for (let co = 0; co < outChannels; co++) dw[wRow + co] += xv * dy[dyBase + co]
              }
            }
          }
        }
      }
    }
  }
}

/** dx[b,xr,xc,c] = sum over taps and multipliers of dy[...] * W[fh,fw,c,q] (depthwise). */
export function depthwiseBackpropInputNHWC(dy: Float32Array, w: Float32Array, dx: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const mult = outChannels / inChannels
  dx.fill(0)
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++) {
        const dyBase = ((b * outHeight + yr) * outWidth + yc) * outChannels
        for (let fh = 0; fh < filterHeight; fh++) {
          const xr = yr * strideHeight + fh * dilationHeight - top
          if (xr < 0 || xr >= inHeight) continue
          for (let fw = 0; fw < filterWidth; fw++) {
            const xc = yc * strideWidth + fw * dilationWidth - left
            if (xc < 0 || xc >= inWidth) continue
            const xBase = ((b * inHeight + xr) * inWidth + xc) * inChannels
            const wBase = (fh * filterWidth + fw) * inChannels * mult
            for (let c = 0; c < inChannels; c++) {
              let s = 0
              for (let q = 0; q < mult; q++) s += dy[dyBase + c * mult + q] * w[wBase + c * mult + q]
              dx[xBase + c] += s
            }
          }
        }
      }
    }
  }
}

/**
 * dW = colsT(x) @ dy: the patch gathering is cheap JavaScript, the multiply-accumulate runs in
 * the backend's own SIMD BatchMatMul. A plain JavaScript loop over the MACs measured 5x slower.
 */
const conv2DBackpropFilter: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo
    const dy = inputs.dy as TensorInfo
    const filterShape = attr<number[]>(attrs, 'filterShape')
    const info = convInfo('Conv2DBackpropFilter', attrs, x.shape, filterShape, false)
    const wasm = backend as unknown as WasmHeapBackend
    const positions = info.batchSize * info.outHeight * info.outWidth
    const rowLen = info.filterHeight * info.filterWidth * info.inChannels
    const cols = wasm.makeOutput([1, rowLen, positions], 'float32')
    im2colTransposedNHWC(wasm.typedArrayFromHeap(x), wasm.typedArrayFromHeap(cols), info)
    const out = matMul(backend, cols, { dataId: dy.dataId, shape: [1, positions, info.outChannels], dtype: 'float32' })
    wasm.disposeData(cols.dataId)
    return { dataId: out.dataId, shape: filterShape, dtype: 'float32' }
  }
}

const depthwiseBackpropFilter: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = inputs.x as TensorInfo
    const dy = inputs.dy as TensorInfo
    const filterShape = attr<number[]>(attrs, 'filterShape')
    const info = convInfo('DepthwiseConv2dNativeBackpropFilter', attrs, x.shape, filterShape, true)
    return runOnHeap(backend, [filterShape], [x, dy], ([xv, dyv], [out]) => conv2dBackpropFilterNHWC(xv, dyv, out, info, true))[0]
  }
}

const depthwiseBackpropInput: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const dy = inputs.dy as TensorInfo
    const filter = inputs.filter as TensorInfo
    const inputShape = attr<number[]>(attrs, 'inputShape')
    const info = convInfo('DepthwiseConv2dNativeBackpropInput', attrs, inputShape, filter.shape, true)
    return runOnHeap(backend, [inputShape], [dy, filter], ([dyv, wv], [out]) => depthwiseBackpropInputNHWC(dyv, wv, out, info))[0]
  }
}

/** Adds each column of cols[p, (fh,fw,ci)] back onto the input position it came from. */
export function col2imNHWC(cols: Float32Array, dx: Float32Array, info: ConvInfo): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info
  const top = info.padInfo.top
  const left = info.padInfo.left
  const rowLen = filterHeight * filterWidth * inChannels
  dx.fill(0)
  let p = 0
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      for (let yc = 0; yc < outWidth; yc++, p++) {
        let o = p * rowLen
        for (let fh = 0; fh < filterHeight; fh++) {
          const xr = yr * strideHeight + fh * dilationHeight - top
          for (let fw = 0; fw < filterWidth; fw++, o += inChannels) {
            const xc = yc * strideWidth + fw * dilationWidth - left
            if (xr < 0 || xr >= inHeight || xc < 0 || xc >= inWidth) continue
            const xBase = ((b * inHeight + xr) * inWidth + xc) * inChannels
            for (let ci = 0; ci < inChannels; ci++) dx[xBase + ci] += cols[o + ci]
          }
        }
      }
    }
  }
}

/**
 * dx = col2im(dy @ W^T). Replaces wasm's own kernel, a direct loop that measured slower than
 * a SIMD matmul plus the JavaScript scatter for Conv1D shapes.
 */
const conv2DBackpropInput: KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const dy = inputs.dy as TensorInfo
    const filter = inputs.filter as TensorInfo
    const inputShape = attr<number[]>(attrs, 'inputShape')
    const info = convInfo('Conv2DBackpropInput', attrs, inputShape, filter.shape, false)
    const wasm = backend as unknown as WasmHeapBackend
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
    const [out] = runOnHeap(wasm, [inputShape], [cols], ([c], [dx]) => col2imNHWC(c, dx, info))
    wasm.disposeData(cols.dataId)
    return out
  }
}

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

const maxPoolGrad: KernelConfig = {
  kernelName: 'MaxPoolGrad',
  backendName: 'wasm',
  kernelFunc: ({ inputs, backend, attrs }) => {
    const dy = inputs.dy as TensorInfo
    const x = inputs.input as TensorInfo
    const info = backend_util.computePool2DInfo(
      x.shape as [number, number, number, number],
      attr(attrs, 'filterSize'),
      attr(attrs, 'strides'),
      1,
      attr(attrs, 'pad'),
      attr(attrs, 'dimRoundingMode')
    )
    return runOnHeap(backend, [x.shape], [x, dy], ([xv, dyv], [dx]) => maxPoolGradNHWC(xv, dyv, dx, info))[0]
  }
}

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
