/**
 * Constant data of the fast CONV_2D kernel (mf_mm2_s8 in c-fast-kernels.ts): one int32 block per
 * pair of output channels, so the kernel walks a single pointer through biases, weights and
 * requantisation.
 */
import { cArrayBody, cInt32 } from './c-literals'
import type { FastEmit, FastPlan, FastRequant } from './c-fast-types'

/** Words per block: 2 biases, 2 weight words per 4 taps, 5 words of requantisation per channel. */
export const convBlockWords = (k4: number): number => 2 + k4 / 2 + 10

const NONE: FastRequant = { mult: 0, add: 0, ls: 0, rs: 1, neg: -1 }

/**
 * Blocks for weights [channels][k] with the folded bias: per pair of channels the two biases, then
 * for each 4 taps a word of channel 0's and a word of channel 1's weights (byte i of the word is
 * tap i, as a little-endian load of the input puts input byte i), k padded to k4 and the channels
 * to a multiple of 2 with zeros; then per channel mult, add, ls + 1, rs, neg.
 */
export function convBlocks(w: Int8Array, k: number, channels: number, bias: Int32Array, rq: FastRequant[]): Int32Array {
  const k4 = Math.ceil(k / 4) * 4
  const pairs = Math.ceil(channels / 2)
  const out = new Int32Array(pairs * convBlockWords(k4))
  const at = (c: number, j: number): number => (c < channels && j < k ? w[c * k + j] & 0xff : 0)
  let o = 0
  for (let pr = 0; pr < pairs; pr++) {
    const cs = [pr * 2, pr * 2 + 1]
    for (const c of cs) out[o++] = c < channels ? bias[c] : 0
    for (let j = 0; j < k4; j += 4) {
      for (const c of cs) out[o++] = at(c, j) | (at(c, j + 1) << 8) | (at(c, j + 2) << 16) | (at(c, j + 3) << 24)
    }
    for (const c of cs) {
      const q = c < channels ? rq[c] : NONE
      out[o++] = q.mult
      out[o++] = q.add
      out[o++] = q.ls + 1
      out[o++] = q.rs
      out[o++] = q.neg
    }
  }
  return out
}

/** The mf_fconv descriptor of a conv or depthwise plan whose blocks are ${p}_g. */
export function fconvDecls(plan: FastPlan, p: string): string[] {
  const s = plan.conv!
  const fields = [s.inH, s.inW, s.inC, s.outH, s.outW, s.outC, s.fH, s.fW, s.strideH, s.strideW, s.dilH, s.dilW, s.padH, s.padW, plan.inZeroPoint, plan.actMin, plan.actMax]
  return [`static const int32_t ${p}_g[${plan.weights.length}] = {\n${cArrayBody(plan.weights, 8, cInt32)}\n};`, `static const mf_fconv ${p} = {${fields.join(', ')}, ${p}_g};`]
}

/**
 * Declarations and the call of one convolution: its own copy of the kernel, in a function of its
 * own, with every shape a constant (see mf_fconv_body).
 */
export function emitConv(plan: FastPlan, p: string, inRef: string, outRef: string, scratch: string | null): FastEmit {
  const decls = [...fconvDecls(plan, p), `static MF_NOINLINE void ${p}_run(const int8_t *in, int8_t *out, int8_t *scratch) {\n  mf_fconv_body(&${p}, in, out, scratch);\n}`]
  return { decls, call: `  ${p}_run(${inRef}, ${outRef}, ${scratch ?? '0'});`, constBytes: plan.weights.byteLength }
}
