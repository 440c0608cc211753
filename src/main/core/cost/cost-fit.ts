/**
 * Per-operator cost models: instructions = coefficients . features, one linear model per runtime
 * and operator kind, fitted by least squares to instruction counts measured in QEMU
 * (`npm run bench -- m4`, test/fixtures/latency/m4-ops.json). The features are what the work of
 * each kind scales with: MACs and outputs (requantisation) for the weighted ops, elements for the
 * others, and a constant for the per-call overhead.
 */
import type { OpFacts } from './op-facts'

export type CostKind = 'FULLY_CONNECTED' | 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'DEPTHWISE_MULTIPLIER' | 'POOL' | 'MEAN' | 'SOFTMAX' | 'COPY' | 'OTHER'

export const COST_KINDS: CostKind[] = ['FULLY_CONNECTED', 'CONV_2D', 'DEPTHWISE_CONV_2D', 'DEPTHWISE_MULTIPLIER', 'POOL', 'MEAN', 'SOFTMAX', 'COPY', 'OTHER']

/** Coefficients per kind, in the order of features(). */
export type CostModel = Record<CostKind, number[]>

/**
 * The kernel an operator runs: a depthwise convolution with a depth multiplier takes other code
 * than one without (the generic path of CMSIS-NN, the C runtime's reference kernel). With a single
 * input channel the C runtime runs it as a convolution, and so does CMSIS-NN when the multiplier
 * is a multiple of 4 (measured: 7-10 instructions per MAC there, 29-36 otherwise).
 */
export function costKind(op: string, f: Pick<OpFacts, 'inChannels' | 'outChannels'>, runtime: string): CostKind {
  if (op === 'DEPTHWISE_CONV_2D' && f.inChannels !== f.outChannels) {
    const asConv = f.inChannels === 1 && (runtime === 'c' || (runtime === 'tflm-cmsis-nn' && f.outChannels % 4 === 0))
    return asConv ? 'CONV_2D' : 'DEPTHWISE_MULTIPLIER'
  }
  switch (op) {
    case 'FULLY_CONNECTED':
    case 'CONV_2D':
    case 'DEPTHWISE_CONV_2D':
    case 'MEAN':
    case 'SOFTMAX':
      return op
    case 'MAX_POOL_2D':
    case 'AVERAGE_POOL_2D':
      return 'POOL'
    case 'RESHAPE':
    case 'EXPAND_DIMS':
    case 'SQUEEZE':
      return 'COPY'
    default:
      return 'OTHER'
  }
}

/**
 * The kind rules of float32 models (pass as costKind's runtime): TFLM runs every float32 operator
 * with its reference kernel, on the CMSIS-NN library too, so no depthwise becomes a convolution.
 */
export const FLOAT_KINDS = 'float32'

export function features(kind: CostKind, f: OpFacts): number[] {
  switch (kind) {
    case 'CONV_2D':
      // Patches of 2D filters are gathered (copied) per output pixel: k bytes each.
      return [f.macs, f.outputElements, f.filterH > 1 ? f.macs / Math.max(1, f.outChannels) : 0, 1]
    case 'FULLY_CONNECTED':
    case 'DEPTHWISE_CONV_2D':
    case 'DEPTHWISE_MULTIPLIER':
      return [f.macs, f.outputElements, 1]
    case 'POOL':
      return [f.inputElements, f.outputElements, 1]
    default:
      return [f.inputElements + f.outputElements, 1]
  }
}

export interface CostSample {
  facts: OpFacts
  instructions: number
}

/** Least squares on the normal equations; features that the data cannot separate get 0. */
function leastSquares(x: number[][], y: number[]): number[] {
  const n = x[0]?.length ?? 0
  const scale = Array.from({ length: n }, (_, j) => Math.max(1, ...x.map((r) => Math.abs(r[j]))))
  const a = Array.from({ length: n }, (_, i) => Array.from({ length: n + 1 }, (_, j) => x.reduce((s, r, k) => s + (r[i] / scale[i]) * (j < n ? r[j] / scale[j] : y[k]), 0)))
  const beta = new Array<number>(n).fill(0)
  const active: number[] = []
  for (let col = 0; col < n; col++) {
    let pivot = -1
    for (let r = active.length; r < n; r++) if (pivot < 0 || Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r
    if (pivot < 0 || Math.abs(a[pivot][col]) < 1e-9 * Math.max(1, Math.abs(a[0][0]))) continue
    ;[a[active.length], a[pivot]] = [a[pivot], a[active.length]]
    const row = active.length
    for (let r = 0; r < n; r++) {
      if (r === row) continue
      const m = a[r][col] / a[row][col]
      for (let c = 0; c <= n; c++) a[r][c] -= m * a[row][c]
    }
    active.push(col)
  }
  active.forEach((col, row) => {
    beta[col] = a[row][n] / a[row][col] / scale[col]
  })
  return beta
}

export function fitCostModel(samples: CostSample[], runtime: string): CostModel {
  const model = {} as CostModel
  for (const kind of COST_KINDS) {
    const rows = samples.filter((s) => costKind(s.facts.op, s.facts, runtime) === kind)
    const width = features(kind, { op: kind, macs: 0, inputElements: 0, outputElements: 0, inChannels: 1, outChannels: 1, filterH: 1 }).length
    model[kind] = rows.length ? leastSquares(rows.map((s) => features(kind, s.facts)), rows.map((s) => s.instructions)).map((v) => Math.round(v * 1000) / 1000) : new Array<number>(width).fill(0)
  }
  return model
}

export function predictOp(model: CostModel, f: OpFacts, runtime: string): number {
  const kind = costKind(f.op, f, runtime)
  const x = features(kind, f)
  return Math.max(0, x.reduce((s, v, j) => s + v * (model[kind][j] ?? 0), 0))
}

export function predictInstructions(model: CostModel, ops: OpFacts[], runtime: string): number {
  return ops.reduce((s, f) => s + predictOp(model, f, runtime), 0)
}
