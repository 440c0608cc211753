/**
 * What the fast kernels' planner (c-fast-ops.ts), their emitters (c-fast-conv.ts,
 * c-fast-depthwise.ts) and their C text (c-fast-kernels.ts) share: the plan of one op and what its
 * emitter returns. Imports nothing, so the arrows between those files go one way.
 */

/** The fast kernels, each a block of C in c-fast-kernels.ts that a model includes only if it uses it. */
export type FastKernel = 'fc' | 'conv' | 'depthwise' | 'pool' | 'mean'

/** One channel's requantisation for mf_rq_apply. */
export interface FastRequant {
  mult: number
  /** 2^(rs-1) rounding (when rs > 0) plus the output zero point times 2^rs. */
  add: number
  ls: number
  rs: number
  /** -1 when rs > 0: RoundingDivideByPOT rounds negative ties away from zero. */
  neg: number
}

export interface FastConvShape {
  inH: number
  inW: number
  inC: number
  outH: number
  outW: number
  outC: number
  fH: number
  fW: number
  strideH: number
  strideW: number
  dilH: number
  dilW: number
  padH: number
  padW: number
}

export interface FastPlan {
  kernel: FastKernel
  /**
   * Weights in the order the kernel reads them: fc and conv interleave groups of 4 (fc) or 2 (conv)
   * output channels in blocks of 4 inputs, k padded to a multiple of 4 and the channels to the
   * group, with zeros; depthwise: the int32 blocks of c-fast-depthwise.ts (with bias and requantisation).
   */
  weights: Int8Array | Int32Array
  /** k rounded up to a multiple of 4 (fc/conv). */
  k4: number
  /** Bias with input_offset * sum(weights) folded in, per output channel. */
  bias: Int32Array
  rq: FastRequant[]
  actMin: number
  actMax: number
  inZeroPoint: number
  /** fc: rows and depth; conv/depthwise: the geometry. */
  batches: number
  depth: number
  conv: FastConvShape | null
  /** Output channels (bias and rq may be padded beyond them). */
  channels: number
  /** Bytes of im2col scratch the op needs in the arena (0 for fc). */
  scratchBytes: number
  /** Bytes the kernel may store past the output tensor (depthwise: the lanes of padded channels). */
  outPad: number
}

export interface FastEmit {
  decls: string[]
  call: string
  /** Bytes of constant data the op adds to flash (weights, bias, requantisation). */
  constBytes: number
}
