import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs'
import { attr, type WasmHeapBackend } from './wasm-heap'

/** out[b] = in[b]^T over the last two axes: [batch, rows, cols] to [batch, cols, rows]. */
export function transposeLast2(src: Float32Array, dst: Float32Array, batch: number, rows: number, cols: number): void {
  for (let b = 0, o = 0; b < batch; b++) {
    const base = b * rows * cols
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) dst[o++] = src[base + r * cols + c]
  }
}

let wasmOwnBatchMatMul: KernelConfig['kernelFunc'] | null = null
let wrappedBatchMatMul: KernelConfig | null = null

/**
 * wasm's BatchMatMul runs transposed operands through a slow generic loop (5-10x the time of the
 * same product on its XNNPACK path), and every matmul's gradients ask for exactly those
 * (dy @ W^T, X^T @ dy). The XNNPACK path packs its right operand on every call with a new tensor,
 * which in training is every call, so its cost grows with that operand's size. This computes
 * op(A) @ op(B) on the fast path in whichever of two forms moves the fewest values:
 * directly (transposing what needs it), or as (op(B)^T @ op(A)^T)^T, where a transposed operand
 * is used as stored and only the small one is packed.
 */
const PACK_COST = 3
const batchMatMul: KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: (args) => {
    const own = wasmOwnBatchMatMul
    if (!own) throw new Error('wasm BatchMatMul kernel missing')
    const transposeA = attr<boolean>(args.attrs, 'transposeA')
    const transposeB = attr<boolean>(args.attrs, 'transposeB')
    if (!transposeA && !transposeB) return own(args)
    const wasm = args.backend as unknown as WasmHeapBackend
    const A = args.inputs.a as TensorInfo
    const B = args.inputs.b as TensorInfo
    const rows = (t: TensorInfo) => t.shape[t.shape.length - 2]
    const cols = (t: TensorInfo) => t.shape[t.shape.length - 1]
    const M = transposeA ? cols(A) : rows(A)
    const K = transposeA ? rows(A) : cols(A)
    const N = transposeB ? rows(B) : cols(B)
    const temps: TensorInfo[] = []
    const transposed = (t: TensorInfo): TensorInfo => {
      const rank = t.shape.length
      const out = wasm.makeOutput([...t.shape.slice(0, rank - 2), cols(t), rows(t)], 'float32')
      transposeLast2(wasm.typedArrayFromHeap(t), wasm.typedArrayFromHeap(out), t.shape.slice(0, rank - 2).reduce((p, n) => p * n, 1), rows(t), cols(t))
      temps.push(out)
      return out
    }
    const plainCall = (a: TensorInfo, b: TensorInfo): TensorInfo => own({ ...args, inputs: { a, b }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo
    const direct = (transposeA ? M * K : 0) + (transposeB ? K * N : 0) + PACK_COST * K * N
    const swapped = (transposeA ? 0 : M * K) + (transposeB ? 0 : K * N) + PACK_COST * K * M + M * N
    let out: TensorInfo
    if (direct <= swapped) {
      out = plainCall(transposeA ? transposed(A) : A, transposeB ? transposed(B) : B)
    } else {
      const outT = plainCall(transposeB ? B : transposed(B), transposeA ? A : transposed(A))
      out = transposed(outT)
      // The result is not a temporary; the product it was transposed from is.
      temps[temps.length - 1] = outT
    }
    for (const t of temps) wasm.disposeData(t.dataId)
    return out
  }
}

/** Puts the wrapper in front of wasm's own BatchMatMul once; true when it did so now. */
export function wrapWasmBatchMatMul(): boolean {
  const current = getKernel('BatchMatMul', 'wasm')
  if (!current || current === wrappedBatchMatMul) return false
  wasmOwnBatchMatMul = current.kernelFunc
  // Keeps wasm's own setup: it binds the native function when the backend starts.
  wrappedBatchMatMul = { ...batchMatMul, setupFunc: current.setupFunc }
  unregisterKernel('BatchMatMul', 'wasm')
  registerKernel(wrappedBatchMatMul)
  return true
}
