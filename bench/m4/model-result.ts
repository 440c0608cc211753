import type { RunResult, Runtime } from './build'
import type { OpFacts } from './ops'

/** What the m4 bench records per model (bench/results/m4.json): its operators, and each runtime's measurement. */
export interface ModelResult {
  name: string
  set: 'bench' | 'sweep'
  format: 'int8' | 'float32'
  macs: number
  ops: OpFacts[]
  runtimes: Partial<Record<Runtime, RunResult & { codeBytes: number }>>
  /**
   * Every runtime gave the interpreter's output for the bench input: bit for bit on int8; on
   * float32 within FLOAT_TOLERANCE (gcc fuses multiply-adds and TFLM's expf is newlib's, so the
   * last bits differ), with the largest difference in maxFloatDiff.
   */
  bitExact: boolean
  maxFloatDiff?: number
}
