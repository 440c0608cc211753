import type { KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs'

/** The part of tfjs's wasm backend the training kernels use: tensors as views of the wasm heap. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo
  typedArrayFromHeap(t: TensorInfo): Float32Array
  disposeData(dataId: object): boolean
}

export function attr<T>(attrs: NamedAttrMap | undefined, key: string): T {
  return (attrs as Record<string, unknown>)[key] as T
}

/**
 * Allocates float32 outputs of the given shapes, then runs body on heap views of the inputs and
 * the outputs, and returns the outputs. Outputs first: allocating can grow the wasm heap, which
 * detaches views taken before.
 */
export function runOnHeap(backend: unknown, outShapes: number[][], inputs: TensorInfo[], body: (ins: Float32Array[], outs: Float32Array[]) => void): TensorInfo[] {
  const wasm = backend as WasmHeapBackend
  const outs = outShapes.map((shape) => wasm.makeOutput(shape, 'float32'))
  body(
    inputs.map((t) => wasm.typedArrayFromHeap(t)),
    outs.map((t) => wasm.typedArrayFromHeap(t))
  )
  return outs
}

/** A kernel for the wasm backend, the only one whose heap these kernels can read. */
export function wasmKernel(kernelName: string, kernelFunc: KernelConfig['kernelFunc']): KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc }
}
