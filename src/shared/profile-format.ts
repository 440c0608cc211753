/** How profiling origins are named; numbers are formatted by ./format (one formatter for the app). */
/** How each origin of timings is named in tables and lists. */
export const ORIGIN_LABELS: Record<'board' | 'host' | 'emulator', string> = {
  board: 'board',
  host: 'host (this computer)',
  emulator: 'emulated Cortex-M4 (instruction counts)'
}

/** How each runtime a profile ran is named in tables, lists and the runtime choice. */
export const RUNTIME_LABELS: Record<'c' | 'tflm-reference' | 'tflm-cmsis-nn', string> = {
  c: 'C runtime',
  'tflm-reference': 'TFLM reference',
  'tflm-cmsis-nn': 'TFLM + CMSIS-NN'
}

/**
 * The runtime choice (Profile's and Connect's virtual board) as a request: the firmware's runtime
 * and, in QEMU, TFLM's kernel set. The host has TFLM's reference kernels only.
 */
export function runtimeRequest(runtime: 'c' | 'tflm-reference' | 'tflm-cmsis-nn', engine: 'host' | 'qemu'): { runtime: 'c' } | { runtime: 'tflm'; kernels?: 'reference' | 'cmsis-nn' } {
  if (runtime === 'c') return { runtime: 'c' }
  return engine === 'qemu' ? { runtime: 'tflm', kernels: runtime === 'tflm-cmsis-nn' ? 'cmsis-nn' : 'reference' } : { runtime: 'tflm' }
}
