/**
 * The fast DEPTHWISE_CONV_2D kernel (mf_fdw_s8, part of the kernels c-fast-kernels.ts assembles),
 * its constant data and its call: one int32 block per group of four channels, so the kernel walks
 * a single pointer.
 */
import { fconvDecls } from './c-fast-conv'
import type { FastEmit, FastPlan, FastRequant } from './c-fast-types'

/**
 * DEPTHWISE_CONV_2D: output channels in the SIMD lanes, four at a time, each lane reading its input
 * channel (c + l) / m in place (depth multiplier m; a patch is gathered only where padding or
 * dilation needs it). One int32
 * block per group of four channels holds everything the group reads, behind one pointer: the four
 * biases, then per tap two words of int16 weight pairs in the lane order of SXTB16 (c, c+2 from
 * the even bytes, then c+1, c+3 from the odd ones), then per channel multiplier, rounding constant,
 * right shift and rounding mask. Biases and weights are already multiplied by 2^(ls+1) of their
 * channel, so the accumulator goes straight into the high multiply. Channels are padded to a
 * multiple of 4 with zero weights: the padded lanes read bytes past the channel (times zero) and
 * store into the next pixel, which is written after, or into the 3 bytes the generator adds to the
 * output tensor.
 */
export const DEPTHWISE_SOURCE = String.raw`
#if defined(__ARM_FEATURE_DSP)
/* The low halves of a and b as the two 16-bit lanes of one word. */
MF_INLINE int32_t mf_pack16(int32_t a, int32_t b) {
  int32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(a), "r"(b));
  return r;
}
#endif

MF_INLINE int8_t mf_rq_words(int32_t acc2, const int32_t *q, int32_t lo, int32_t hi) {
  const mf_pair m = mf_ld2(q);
  const mf_rq r = {m.a, m.b, 0, (uint8_t)q[2], (int8_t)q[3]};
  return mf_rq_scaled(acc2, &r, lo, hi);
}

/* One group of 4 output channels at one pixel: lane l reads input channel (c + l) / m, at x + o_l
 * (o_0 = 0). The taps, then the requantisation of the 4 channels into out[0..3]. */
MF_INLINE void mf_dw_group(const mf_fconv *p, const int8_t *x0, int32_t stride, const int32_t *g, int32_t o1, int32_t o2, int32_t o3, int8_t *out) {
  const int32_t f_h = p->f_h, f_w = p->f_w, in_c = p->in_c;
#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_BIG_ENDIAN)
  const int32_t m = p->out_c / in_c;
#endif
  int32_t s0 = g[0], s1 = g[1], s2 = g[2], s3 = g[3], fy, fx;
  const int32_t *v = g + 4;
#pragma GCC unroll 1
  for (fy = 0; fy < f_h; ++fy) {
    const int8_t *x = x0 + fy * stride;
#pragma GCC unroll 16
    for (fx = 0; fx < f_w; ++fx, x += in_c, v += 2) {
#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_BIG_ENDIAN)
      int32_t xe, xo;
      const mf_pair vw = mf_ld2(v);
      if (m == 1) {
        const int32_t xw = mf_ld4(x);
        xe = __sxtb16(xw);
        xo = mf_odd(xw);
      } else if (m == 2) {
        const int32_t xw = mf_ld4(x);
        xe = xo = mf_pack16(__sxtb16(xw), mf_odd(xw)); /* lanes: input channels c/2, c/2 + 1 */
      } else if (m % 4 == 0) {
        const int32_t a = x[0];
        xe = xo = mf_pack16(a, a);
      } else {
        xe = mf_pack16(x[0], x[o2]);
        xo = mf_pack16(x[o1], x[o3]);
      }
      s0 = __smlabb(xe, vw.a, s0);
      s2 = __smlatt(xe, vw.a, s2);
      s1 = __smlabb(xo, vw.b, s1);
      s3 = __smlatt(xo, vw.b, s3);
#else
      s0 += x[0] * (int16_t)(v[0] & 0xffff);
      s2 += x[o2] * (v[0] >> 16);
      s1 += x[o1] * (int16_t)(v[1] & 0xffff);
      s3 += x[o3] * (v[1] >> 16);
#endif
    }
  }
  out[0] = mf_rq_words(s0, v, p->act_min, p->act_max);
  out[1] = mf_rq_words(s1, v + 4, p->act_min, p->act_max);
  out[2] = mf_rq_words(s2, v + 8, p->act_min, p->act_max);
  out[3] = mf_rq_words(s3, v + 12, p->act_min, p->act_max);
}

/* The taps of pixel (oy, ox): in place when the op has no padding (or the window is inside), else a
 * gathered patch in scratch. Returns the row stride. */
MF_INLINE int32_t mf_dw_patch(const mf_fconv *p, const int8_t *in, int32_t oy, int32_t ox, int8_t *scratch, const int8_t **patch) {
  const int32_t in_c = p->in_c, in_row = p->in_w * in_c;
  const int inside = p->pad_h == 0 && p->pad_w == 0 && p->dil_w == 1 && (p->out_h - 1) * p->stride_h + (p->f_h - 1) * p->dil_h < p->in_h &&
                     (p->out_w - 1) * p->stride_w + p->f_w <= p->in_w;
  if (!inside) return mf_patch(p, in, oy, ox, scratch, patch);
  *patch = in + oy * p->stride_h * in_row + ox * p->stride_w * in_c;
  return p->dil_h * in_row;
}

/* Inlined into each call with p the address of a static const descriptor, so every shape is a
 * constant: the taps unroll, and a model without padding never gathers.
 * scratch: f_h * f_w * in_c + 3 bytes (a gathered patch and the lanes' loads past it; c-fast-ops.ts
 * depthwiseScratch), none when no pixel gathers.
 * Lane l of the group at output channel c reads input channel (c + l) / m in place: one 4-byte load
 * for multipliers 1 and 2, one byte for 4k, four bytes for any other multiplier. Padded lanes past
 * the last channel read at most 3 bytes past it, times a zero weight. */
MF_INLINE void mf_fdw_s8(const mf_fconv *p, const int8_t *in, int8_t *out, int8_t *scratch) {
  const int32_t ch = p->out_c, m = ch / p->in_c, words = 20 + 2 * p->f_h * p->f_w;
  const int8_t *patch;
  int32_t oy, ox, c;
  if (m == 1 || m == 2 || m % 4 == 0) {
#pragma GCC unroll 1
    for (oy = 0; oy < p->out_h; ++oy) {
#pragma GCC unroll 1
      for (ox = 0; ox < p->out_w; ++ox, out += ch) {
        const int32_t stride = mf_dw_patch(p, in, oy, ox, scratch, &patch);
        const int32_t *g = p->g;
#pragma GCC unroll 1
        for (c = 0; c < ch; c += 4, g += words) {
          const int32_t i0 = c / m;
          mf_dw_group(p, patch + i0, stride, g, (c + 1) / m - i0, (c + 2) / m - i0, (c + 3) / m - i0, out + c);
        }
      }
    }
    return;
  }
  /* Other multipliers: groups outside, so each group's lane offsets are worked out once. Last group
   * first: its padded lanes store into the next pixel's first channels, which the groups after it
   * then write. */
#pragma GCC unroll 1
  for (c = (ch - 1) & ~3; c >= 0; c -= 4) {
    const int32_t *g = p->g + (c / 4) * words;
    const int32_t i0 = c / m, o1 = (c + 1) / m - i0, o2 = (c + 2) / m - i0, o3 = (c + 3) / m - i0;
    int8_t *o = out + c;
#pragma GCC unroll 1
    for (oy = 0; oy < p->out_h; ++oy) {
#pragma GCC unroll 1
      for (ox = 0; ox < p->out_w; ++ox, o += ch) {
        const int32_t stride = mf_dw_patch(p, in, oy, ox, scratch, &patch);
        mf_dw_group(p, patch + i0, stride, g, o1, o2, o3, o);
      }
    }
  }
}
`

const LIMIT = 2 ** 31

/** Words per block: 4 biases, 2 weight words per tap, 4 words of requantisation per channel. */
export const blockWords = (taps: number): number => 20 + 2 * taps

/**
 * Blocks for weights [taps][channels] with the folded bias: biases and weights multiplied by
 * 2^(ls+1) of their channel; weight words hold int16 pairs (low half first) in SXTB16's lane
 * order c, c+2 | c+1, c+3; then per channel mult, add, rs, neg. Channels padded to 4 with zeros
 * (a padded channel's requantisation gives 0). Null when a scaled weight leaves int16 or a scaled
 * bias leaves int32.
 */
export function depthwiseBlocks(w: Int8Array, taps: number, channels: number, bias: Int32Array, rq: FastRequant[]): Int32Array | null {
  const groups = Math.ceil(channels / 4)
  const out = new Int32Array(groups * blockWords(taps))
  const lanes = [
    [0, 2],
    [1, 3]
  ]
  let o = 0
  for (let g = 0; g < groups; g++) {
    const scale = (l: number): number => (g * 4 + l < channels ? 2 ** (rq[g * 4 + l].ls + 1) : 0)
    for (let l = 0; l < 4; l++) {
      const b = g * 4 + l < channels ? bias[g * 4 + l] * scale(l) : 0
      if (Math.abs(b) >= LIMIT) return null
      out[o++] = b
    }
    for (let t = 0; t < taps; t++) {
      for (const [a, b] of lanes) {
        const lo = g * 4 + a < channels ? w[t * channels + g * 4 + a] * scale(a) : 0
        const hi = g * 4 + b < channels ? w[t * channels + g * 4 + b] * scale(b) : 0
        if (Math.max(Math.abs(lo), Math.abs(hi)) > 32767) return null
        out[o++] = (lo & 0xffff) | (hi << 16)
      }
    }
    for (let l = 0; l < 4; l++) {
      const q = g * 4 + l < channels ? rq[g * 4 + l] : { mult: 0, add: 0, rs: 1, neg: -1 }
      out[o++] = q.mult
      out[o++] = q.add
      out[o++] = q.rs
      out[o++] = q.neg
    }
  }
  return out
}

/** Declarations and the call of one depthwise op whose plan holds blocks. */
export function emitDepthwise(plan: FastPlan, p: string, inRef: string, outRef: string, scratch: string | null): FastEmit {
  const decls = [
    ...fconvDecls(plan, p),
    // Its own function: the registers are the kernel's, not shared with the rest of mf_model_invoke.
    `static MF_NOINLINE void ${p}_run(const int8_t *in, int8_t *out, int8_t *scratch) {\n  mf_fdw_s8(&${p}, in, out, scratch);\n}`
  ]
  return { decls, call: `  ${p}_run(${inRef}, ${outRef}, ${scratch ?? '0'});`, constBytes: plan.weights.byteLength }
}
