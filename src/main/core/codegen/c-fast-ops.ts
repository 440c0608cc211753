/**
 * Build-time preparation for the fast kernels (c-fast-kernels.ts): the generator knows every
 * weight, offset and multiplier, so it folds the input offset into the bias, turns each channel's
 * multiplier and shift into the constants of a branch-free requantisation, proves that nothing can
 * overflow, and lays out the weights the kernel reads (depthwise with one input channel becomes a
 * convolution). An op it cannot prove safe, or whose shape the fast kernels do not cover, returns
 * null and keeps the reference kernel of mf_runtime.c.
 */
import { quantizeMultiplier } from '../quant/fixed-point'
import { cArrayBody, cInt32 } from './c-literals'
import { convBlocks, emitConv } from './c-fast-conv'
import { depthwiseBlocks, emitDepthwise } from './c-fast-depthwise'
import type { FastConvShape, FastEmit, FastKernel, FastPlan, FastRequant } from './c-fast-types'
import { elementCount, type CgModel, type CgOperator, type CgTensor } from './graph'

const LIMIT = 2 ** 31

/** (input_scale * filter_scale) / output_scale per output channel, quantized as TFLM's Prepare does. */
export function channelMultipliers(input: CgTensor, w: CgTensor, output: CgTensor, channels: number): { mults: number[]; shifts: number[] } {
  const mults: number[] = []
  const shifts: number[] = []
  for (let c = 0; c < channels; c++) {
    const ws = w.scale.length > 1 ? w.scale[c] : w.scale[0]
    const q = quantizeMultiplier((input.scale[0] * ws) / output.scale[0])
    mults.push(q.multiplier)
    shifts.push(q.shift)
  }
  return { mults, shifts }
}

export function fastRequant(mult: number, shift: number, outZeroPoint: number): FastRequant {
  const ls = Math.max(shift, 0)
  const rs = Math.max(-shift, 0)
  return { mult, add: (rs > 0 ? 2 ** (rs - 1) : 0) + outZeroPoint * 2 ** rs, ls, rs, neg: rs > 0 ? -1 : 0 }
}

/**
 * The requantisation mf_rq_apply computes, in exact integer arithmetic (before the clamp). Equal to
 * MultiplyByQuantizedMultiplier(acc, mult, shift) + zero point whenever safeRequant holds.
 */
export function applyFastRequant(acc: number, q: FastRequant): number {
  const acc2 = BigInt.asIntN(32, BigInt(acc) << BigInt(q.ls + 1))
  const x = Number((acc2 * BigInt(q.mult) + (1n << 31n)) >> 32n)
  // The sign of acc2 stands for the sign of x, as in mf_rq_scaled.
  return Math.floor((x + q.add + (acc2 < 0n ? q.neg : 0)) / 2 ** q.rs)
}

/**
 * True when an accumulator bounded by |acc| <= bound cannot overflow int32 anywhere in mf_rq_apply:
 * acc << (ls + 1) fits, and so does x + add, where |x| <= |acc| * 2^ls.
 */
export function safeRequant(q: FastRequant, bound: number): boolean {
  return q.rs <= 30 && bound * 2 ** (q.ls + 1) < LIMIT && bound * 2 ** q.ls + Math.abs(q.add) + 2 < LIMIT && q.mult >= 0
}

function int32s(data: Uint8Array): Int32Array {
  const copy = new Uint8Array(data)
  return new Int32Array(copy.buffer, 0, copy.byteLength >> 2)
}

function to4d(shape: number[]): number[] {
  const s = [...shape]
  while (s.length < 4) s.unshift(1)
  return s
}

function samePad(inSize: number, filter: number, stride: number, dilation: number, outSize: number, padding: 'same' | 'valid'): number {
  if (padding === 'valid') return 0
  return Math.floor(Math.max((outSize - 1) * stride + ((filter - 1) * dilation + 1) - inSize, 0) / 2)
}

/**
 * Folded bias and requantisation for weights [channels][k] (row c at c * k). Null when some channel
 * could overflow: |bias| + 255 * sum|w| bounds the reference accumulator, |bias'| + 128 * sum|w|
 * every partial sum of the raw-int8 loop.
 */
function foldAndRequant(
  w: Int8Array,
  k: number,
  channels: number,
  bias: Int32Array | null,
  inOffset: number,
  mults: number[],
  shifts: number[],
  outZeroPoint: number
): { bias: Int32Array; rq: FastRequant[] } | null {
  const folded = new Int32Array(channels)
  const rq: FastRequant[] = []
  for (let c = 0; c < channels; c++) {
    let sum = 0
    let sumAbs = 0
    for (let j = 0; j < k; j++) {
      sum += w[c * k + j]
      sumAbs += Math.abs(w[c * k + j])
    }
    const b = bias ? bias[c] : 0
    const f = b + inOffset * sum
    const q = fastRequant(mults[c], shifts[c], outZeroPoint)
    // Every partial sum of the raw-int8 loop, shifted by ls + 1 (depthwise scales its weights by it).
    if ((Math.abs(f) + 128 * sumAbs) * 2 ** (q.ls + 1) >= LIMIT || !safeRequant(q, Math.abs(b) + 255 * sumAbs)) return null
    folded[c] = f
    rq.push(q)
  }
  return { bias: folded, rq }
}

/** The fast plan for FULLY_CONNECTED, CONV_2D and DEPTHWISE_CONV_2D, or null for the reference kernel. */
export function planFastOp(op: CgOperator, model: CgModel, act: { min: number; max: number }): FastPlan | null {
  if (op.op !== 'FULLY_CONNECTED' && op.op !== 'CONV_2D' && op.op !== 'DEPTHWISE_CONV_2D') return null
  const t = (k: number): CgTensor => model.tensors[k]
  const input = t(op.inputs[0])
  const wT = t(op.inputs[1])
  const output = t(op.outputs[0])
  if (!wT.data || (wT.zeroPoint[0] ?? 0) !== 0) return null
  const biasIdx = op.inputs[2] ?? -1
  const bias = biasIdx >= 0 && t(biasIdx).data ? int32s(t(biasIdx).data!) : null
  const raw = new Int8Array(wT.data.buffer, wT.data.byteOffset, wT.data.byteLength)
  const inOffset = -input.zeroPoint[0]
  const common = { actMin: act.min, actMax: act.max, inZeroPoint: input.zeroPoint[0] }

  if (op.op === 'FULLY_CONNECTED') {
    const depth = wT.shape[wT.shape.length - 1]
    const units = wT.shape[wT.shape.length - 2]
    const { mults, shifts } = channelMultipliers(input, wT, output, units)
    const f = foldAndRequant(raw, depth, units, bias, inOffset, mults, shifts, output.zeroPoint[0])
    if (!f) return null
    return { kernel: 'fc', weights: interleave(raw, depth, units, 4), k4: pad4(depth), ...padGroup(f, 4), channels: units, ...common, batches: elementCount(input.shape) / depth, depth, conv: null, scratchBytes: 0, outPad: 0 }
  }

  const [n, inH, inW, inC] = to4d(input.shape)
  const [, fH, fW, fLast] = to4d(wT.shape)
  const [, outH, outW, outC] = to4d(output.shape)
  const o = op.options
  if (n !== 1 || Math.max(inH, inW, inC, outH, outW, outC) > 32767) return null
  const shape: FastConvShape = {
    inH,
    inW,
    inC,
    outH,
    outW,
    outC,
    fH,
    fW,
    strideH: o.strideH,
    strideW: o.strideW,
    dilH: o.dilationH,
    dilW: o.dilationW,
    padH: samePad(inH, fH, o.strideH, o.dilationH, outH, o.padding),
    padW: samePad(inW, fW, o.strideW, o.dilationW, outW, o.padding)
  }
  const { mults, shifts } = channelMultipliers(input, wT, output, outC)
  const taps = fH * fW
  let kernel: FastKernel
  let weights: Int8Array
  if (op.op === 'CONV_2D') {
    kernel = 'conv'
    weights = raw
  } else if (inC === 1) {
    // One input channel: each output channel m is a convolution with the taps [fh][fw][m].
    kernel = 'conv'
    weights = new Int8Array(outC * taps)
    for (let m = 0; m < outC; m++) for (let j = 0; j < taps; j++) weights[m * taps + j] = raw[j * fLast + m]
  } else if (fLast === outC && outC % inC === 0) {
    kernel = 'depthwise'
    weights = raw
  } else {
    return null
  }
  const k = kernel === 'conv' ? taps * inC : taps
  // Depthwise rows are strided by channel: fold over [fh][fw][c] with the channel as the row.
  const rows = kernel === 'conv' ? weights : transpose(weights, taps, outC)
  const f = foldAndRequant(rows, k, outC, bias, inOffset, mults, shifts, output.zeroPoint[0])
  if (!f) return null
  if (kernel === 'depthwise') {
    const blocks = depthwiseBlocks(weights, taps, outC, f.bias, f.rq)
    if (!blocks) return null
    return { kernel, weights: blocks, k4: k, ...f, channels: outC, ...common, batches: 1, depth: k, conv: shape, scratchBytes: depthwiseScratch(shape), outPad: outC % 4 ? 3 : 0 }
  }
  return { kernel, weights: convBlocks(weights, k, outC, f.bias, f.rq), k4: pad4(k), ...f, channels: outC, ...common, batches: 1, depth: k, conv: shape, scratchBytes: 2 * pad4(k), outPad: 0 }
}

const pad4 = (n: number): number => Math.ceil(n / 4) * 4

/**
 * Scratch of a depthwise op (mf_fdw_s8): none when every pixel's taps are read in place (no padding,
 * no dilation across a row, every window inside the input: mf_dw_patch's test), else one gathered
 * patch of the input, f_h x f_w x in_c bytes whatever the depth multiplier, plus the bytes the last
 * group's lanes load past the last channel of the last tap (times a zero weight).
 */
export function depthwiseScratch(s: FastConvShape): number {
  const inside = s.padH === 0 && s.padW === 0 && s.dilW === 1 && (s.outH - 1) * s.strideH + (s.fH - 1) * s.dilH < s.inH && (s.outW - 1) * s.strideW + s.fW <= s.inW
  if (inside) return 0
  const m = s.outC / s.inC
  const last = (s.outC - 1) & ~3
  const i0 = Math.floor(last / m)
  // Multipliers 1 and 2: one 4-byte load at i0; 4k: one byte at i0; others: a byte per lane.
  const top = m === 1 || m === 2 ? i0 + 3 : m % 4 === 0 ? i0 : Math.floor((last + 3) / m)
  return s.fH * s.fW * s.inC + Math.max(0, top - (s.inC - 1))
}

/**
 * [channels][k] to the kernels' order: for each group of `group` channels, for each block of 4
 * inputs, the block of every channel in turn; zeros pad k to a multiple of 4 and the channels to
 * a multiple of the group.
 */
export function interleave(w: Int8Array, k: number, channels: number, group: number): Int8Array {
  const k4 = pad4(k)
  const groups = Math.ceil(channels / group)
  const out = new Int8Array(groups * group * k4)
  let o = 0
  for (let g = 0; g < groups; g++) {
    for (let b = 0; b < k4; b += 4) {
      for (let c = g * group; c < (g + 1) * group; c++) {
        for (let j = b; j < b + 4; j++) out[o++] = c < channels && j < k ? w[c * k + j] : 0
      }
    }
  }
  return out
}

/** Bias and requantisation padded with zeros to a multiple of the channel group. */
function padGroup(f: { bias: Int32Array; rq: FastRequant[] }, group: number): { bias: Int32Array; rq: FastRequant[] } {
  const n = Math.ceil(f.bias.length / group) * group
  const bias = new Int32Array(n)
  bias.set(f.bias)
  const rq = [...f.rq]
  while (rq.length < n) rq.push({ mult: 0, add: 0, ls: 0, rs: 1, neg: -1 })
  return { bias, rq }
}

/** [rows][cols] to [cols][rows]. */
function transpose(a: Int8Array, rows: number, cols: number): Int8Array {
  const out = new Int8Array(a.length)
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c]
  return out
}

/** Declarations and the call of one fast op; `scratch` is an arena pointer expression (or null). */
export function emitFastOp(plan: FastPlan, p: string, inRef: string, outRef: string, scratch: string | null): FastEmit {
  if (plan.kernel === 'depthwise') return emitDepthwise(plan, p, inRef, outRef, scratch)
  if (plan.kernel === 'conv') return emitConv(plan, p, inRef, outRef, scratch)
  const decls = [
    `static const int8_t ${p}_w[${plan.weights.length}] MF_ALIGN4 = {\n${cArrayBody(plan.weights, 24)}\n};`,
    `static const int32_t ${p}_bias[${plan.bias.length}] = {\n${cArrayBody(plan.bias, 8, cInt32)}\n};`,
    `static const mf_rq ${p}_rq[${plan.rq.length}] = {\n${cArrayBody(
      plan.rq.map((_, i) => i),
      4,
      (i) => `{${cInt32(plan.rq[i].mult)}, ${cInt32(plan.rq[i].add)}, ${plan.rq[i].ls + 1}, ${plan.rq[i].rs}, ${plan.rq[i].neg}}`
    )}\n};`
  ]
  const constBytes = plan.weights.length + 4 * plan.bias.length + 12 * plan.rq.length
  const { actMin: lo, actMax: hi } = plan
  if (plan.kernel === 'fc') {
    const units = plan.channels
    const d = plan.depth
    const k4 = plan.k4
    const call =
      plan.batches === 1
        ? `  mf_fc_s8(${inRef}, ${p}_w, ${k4}, ${units}, ${p}_bias, ${p}_rq, ${lo}, ${hi}, ${outRef});`
        : [
            `  {`,
            `    const int8_t *in = ${inRef};`,
            `    int8_t *out = ${outRef};`,
            `    int32_t b;`,
            `    for (b = 0; b < ${plan.batches}; ++b) mf_fc_s8(in + b * ${d}, ${p}_w, ${k4}, ${units}, ${p}_bias, ${p}_rq, ${lo}, ${hi}, out + b * ${units});`,
            `  }`
          ].join('\n')
    return { decls, call, constBytes }
  }
  throw new Error(`no emitter for ${plan.kernel}`)
}

/**
 * Facts about every fast op of a model that let mf_rq_apply drop work (see c-fast-kernels.ts): no
 * channel shifts left, every right shift rounds, every activation range is the whole of int8.
 */
export function fastRequantFlags(plans: ReadonlyArray<FastPlan | null>): string {
  const used = plans.filter((p): p is FastPlan => p !== null)
  if (!used.length) return ''
  const ls0 = used.every((p) => p.rq.every((q) => q.ls === 0))
  const rs1 = used.every((p) => p.rq.every((q) => q.rs >= 1 && q.neg === -1))
  const full = used.every((p) => p.actMin === -128 && p.actMax === 127)
  return `\n#define MF_RQ_LS0 ${ls0 ? 1 : 0}\n#define MF_RQ_RS1 ${rs1 ? 1 : 0}\n#define MF_RQ_FULL ${full ? 1 : 0}`
}
