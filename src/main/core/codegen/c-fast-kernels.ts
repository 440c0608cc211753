/**
 * C source of the fast int8 kernels the generator puts into mf_model.c, only those the model uses.
 * The generator has already folded the input offset into the bias (bias + input_offset * sum(w)),
 * so the inner loops multiply raw int8 values; padded taps are filled with the input zero point so
 * they add w * zp, which the folded offset cancels, exactly as the reference skips them.
 *
 * Two paths with the same results: on cores with the DSP extension (Cortex-M4/M7/M33) four int8
 * values are loaded as one word, sign-extended in pairs with SXTB16 and multiplied two at a time
 * with SMLAD (SMLABB/SMLATT for depthwise, where lanes are channels); elsewhere (ESP32's Xtensa,
 * RP2040's Cortex-M0+, the host) plain C with the same blocking.
 *
 * Requantisation is TFLM's MultiplyByQuantizedMultiplier with both of its roundings:
 * SaturatingRoundingDoublingHighMul is (x * m + 2^30) >> 31 in 64 bits (for negative products the
 * reference's nudge 1 - 2^30 followed by a truncating division gives the same floor; it can only
 * saturate for m = INT32_MIN, which a quantized multiplier never is), which is (2x * m + 2^31) >> 32:
 * one SMMLAR on the accumulator shifted left by ls + 1, adding the rounding constant below. RoundingDivideByPOT is
 * (x + 2^(rs-1) - (x < 0)) >> rs, with the output zero point added as zp << rs before the shift.
 * The generator takes this path only when it has proved, from the weights and biases, that no
 * intermediate can overflow int32 (see c-fast-ops.ts); otherwise the op runs the reference kernel.
 */

import { DEPTHWISE_SOURCE } from './c-fast-depthwise'
import { MEAN_SOURCE, POOL_SOURCE } from './c-fast-pool'
import type { FastKernel } from './c-fast-types'

const COMMON = String.raw`
/* The kernels and the calls below are the hot code: optimised for speed even in -Os builds (the
 * default of Arduino and PlatformIO), where GCC would spill the accumulators of the inner loops. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O2")
#endif
#include <string.h>
#if defined(__ARM_FEATURE_DSP) || defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#endif
#ifndef MF_RQ_LS0
#define MF_RQ_LS0 0
#endif
#ifndef MF_RQ_RS1
#define MF_RQ_RS1 0
#endif
#ifndef MF_RQ_FULL
#define MF_RQ_FULL 0
#endif
#if defined(__GNUC__)
#define MF_INLINE static inline __attribute__((always_inline))
/* Scheduling before register allocation hoists the loads of the depthwise loop and spills accumulators. */
#define MF_NOINLINE __attribute__((noinline, optimize("no-schedule-insns")))
#define MF_ALIGN4 __attribute__((aligned(4)))
#else
#define MF_INLINE static inline
#define MF_NOINLINE
#define MF_ALIGN4
#endif

/* Per output channel: the multiplier, the rounding constant with the output zero point folded in,
 * the left shift plus one (sh), the right shift, and -1 when the right shift rounds (0 otherwise). */
typedef struct {
  int32_t mult, add;
  uint8_t sh, rs;
  int8_t neg;
} mf_rq;

/* c + ((a * b + 2^31) >> 32): SaturatingRoundingDoublingHighMul(x, b) + c when a = 2x (see above). */
MF_INLINE int32_t mf_mulhr_add(int32_t a, int32_t b, int32_t c) {
#if defined(__ARM_FEATURE_DSP)
  int32_t r;
  __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  return r;
#else
  return c + (int32_t)(((int64_t)a * b + 0x80000000LL) >> 32);
#endif
}

/* acc2: the accumulator already shifted left by sh (ls + 1). MF_RQ_RS1 (every channel of the model
 * rounds on its right shift) and MF_RQ_FULL (every activation range is [-128, 127]) are facts the
 * generator proved for this model; they only drop work that would change nothing. */
MF_INLINE int8_t mf_rq_scaled(int32_t acc2, const mf_rq *q, int32_t lo, int32_t hi) {
  /* The -1 for negative x: acc2 has the sign of x whenever x != 0 (mult > 0), and for x == 0 the -1
   * never changes the shifted result (it only matters on a tie, and 2^(rs-1) is not one). */
#if MF_RQ_RS1
  int32_t t = (mf_mulhr_add(acc2, q->mult, q->add) + (acc2 >> 31)) >> q->rs;
#else
  int32_t t = (mf_mulhr_add(acc2, q->mult, q->add) + ((acc2 >> 31) & q->neg)) >> q->rs;
#endif
#if MF_RQ_FULL && defined(__ARM_FEATURE_SAT)
  (void)lo;
  (void)hi;
  t = __ssat(t, 8);
#else
  t = t < lo ? lo : t;
  t = t > hi ? hi : t;
#endif
  return (int8_t)t;
}

MF_INLINE int8_t mf_rq_apply(int32_t acc, const mf_rq *q, int32_t lo, int32_t hi) {
#if MF_RQ_LS0
  return mf_rq_scaled(acc * 2, q, lo, hi);
#else
  return mf_rq_scaled((int32_t)((uint32_t)acc << q->sh), q, lo, hi);
#endif
}

/* Two consecutive words in one LDRD where the core has it (GCC does not always pair them). */
typedef struct {
  int32_t a, b;
} mf_pair;
MF_INLINE mf_pair mf_ld2(const int32_t *p) {
  mf_pair r;
#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_BIG_ENDIAN)
  int64_t d;
  memcpy(&d, p, 8);
  r.a = (int32_t)d;
  r.b = (int32_t)(d >> 32);
#else
  r.a = p[0];
  r.b = p[1];
#endif
  return r;
}

#if defined(__ARM_FEATURE_DSP)
MF_INLINE int32_t mf_ld4(const int8_t *p) {
  int32_t v;
  memcpy(&v, p, 4); /* one LDR: Cortex-M4/M7/M33 load unaligned words */
  return v;
}
/* Bytes 0 and 2 / 1 and 3 of a word, sign-extended into two 16-bit lanes. */
#define mf_even(x) __sxtb16(x)
MF_INLINE int32_t mf_odd(int32_t x) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
  return r;
}
#endif
`

/**
 * FULLY_CONNECTED: one input row against four output channels at a time. Weights are laid out by
 * the generator for this loop: for each group of four channels, blocks of four inputs, 16 bytes per
 * block (channel 0's four, channel 1's four, ...), k padded to k4 (a multiple of 4) and the
 * channels to a multiple of 4 with zero weights, so there is no tail loop: the padded inputs read
 * whatever follows the row and multiply it by zero.
 */
const FC = String.raw`
static void mf_fc_s8(const int8_t *x, const int8_t *w, int32_t k4, int32_t cout, const int32_t *bias,
                     const mf_rq *rq, int32_t lo, int32_t hi, int8_t *out) {
  int32_t c, j;
  for (c = 0; c < cout; c += 4) {
    int32_t s0 = bias[c], s1 = bias[c + 1], s2 = bias[c + 2], s3 = bias[c + 3];
    const int8_t *p = x;
#if defined(__ARM_FEATURE_DSP)
    const int32_t *v = (const int32_t *)(const void *)w;
    for (j = k4 >> 2; j > 0; --j, p += 4, v += 4) {
      const int32_t xw = mf_ld4(p), xe = mf_even(xw), xo = mf_odd(xw);
      s0 = __smlad(xe, mf_even(v[0]), s0);
      s0 = __smlad(xo, mf_odd(v[0]), s0);
      s1 = __smlad(xe, mf_even(v[1]), s1);
      s1 = __smlad(xo, mf_odd(v[1]), s1);
      s2 = __smlad(xe, mf_even(v[2]), s2);
      s2 = __smlad(xo, mf_odd(v[2]), s2);
      s3 = __smlad(xe, mf_even(v[3]), s3);
      s3 = __smlad(xo, mf_odd(v[3]), s3);
    }
    w = (const int8_t *)(const void *)v;
#else
    for (j = 0; j < k4; j += 4, p += 4, w += 16) {
      const int32_t x0 = p[0], x1 = p[1], x2 = p[2], x3 = p[3];
      s0 += x0 * w[0] + x1 * w[1] + x2 * w[2] + x3 * w[3];
      s1 += x0 * w[4] + x1 * w[5] + x2 * w[6] + x3 * w[7];
      s2 += x0 * w[8] + x1 * w[9] + x2 * w[10] + x3 * w[11];
      s3 += x0 * w[12] + x1 * w[13] + x2 * w[14] + x3 * w[15];
    }
#endif
    out[c] = mf_rq_apply(s0, rq + c, lo, hi);
    if (c + 1 < cout) out[c + 1] = mf_rq_apply(s1, rq + c + 1, lo, hi);
    if (c + 2 < cout) out[c + 2] = mf_rq_apply(s2, rq + c + 2, lo, hi);
    if (c + 3 < cout) out[c + 3] = mf_rq_apply(s3, rq + c + 3, lo, hi);
  }
}
`

/**
 * Convolution as a matrix product: two patches (two output pixels) against two output channels at a
 * time, each input word sign-extended once and used for both channels. One int32 block per pair of
 * channels holds what the pair reads, behind one pointer (see c-fast-conv.ts): two biases, per
 * four taps one word of each channel's weights (bytes in lane order, k padded with zeros), then per
 * channel mult, add, sh, rs, neg.
 */
const MM = String.raw`
/* o1 NULL: one pixel (a1 is then a0 again and its results are dropped). */
MF_INLINE void mf_mm2_s8(const int8_t *a0, const int8_t *a1, const int32_t *g, int32_t k4, int32_t cout,
                         int32_t lo, int32_t hi, int8_t *o0, int8_t *o1) {
  int32_t c, j;
#pragma GCC unroll 1
  for (c = 0; c < cout; c += 2) {
    int32_t s00 = g[0], s01 = g[1], s10 = s00, s11 = s01;
    const int8_t *p0 = a0, *p1 = a1;
    const int32_t *v = g + 2;
    mf_rq q0, q1;
#pragma GCC unroll 4
    for (j = 0; j < k4; j += 4, p0 += 4, p1 += 4, v += 2) {
#if defined(__ARM_FEATURE_DSP) && !defined(__ARM_BIG_ENDIAN)
      const int32_t x0 = mf_ld4(p0), x1 = mf_ld4(p1);
      const mf_pair vw = mf_ld2(v);
      int32_t xa = mf_even(x0), xb = mf_even(x1), va = mf_even(vw.a), vb = mf_even(vw.b);
      s00 = __smlad(xa, va, s00);
      s01 = __smlad(xa, vb, s01);
      s10 = __smlad(xb, va, s10);
      s11 = __smlad(xb, vb, s11);
      xa = mf_odd(x0);
      xb = mf_odd(x1);
      va = mf_odd(vw.a);
      vb = mf_odd(vw.b);
      s00 = __smlad(xa, va, s00);
      s01 = __smlad(xa, vb, s01);
      s10 = __smlad(xb, va, s10);
      s11 = __smlad(xb, vb, s11);
#else
      const int32_t va = v[0], vb = v[1];
      const int32_t w0 = (int8_t)va, w1 = (int8_t)(va >> 8), w2 = (int8_t)(va >> 16), w3 = va >> 24;
      const int32_t u0 = (int8_t)vb, u1 = (int8_t)(vb >> 8), u2 = (int8_t)(vb >> 16), u3 = vb >> 24;
      s00 += p0[0] * w0 + p0[1] * w1 + p0[2] * w2 + p0[3] * w3;
      s01 += p0[0] * u0 + p0[1] * u1 + p0[2] * u2 + p0[3] * u3;
      s10 += p1[0] * w0 + p1[1] * w1 + p1[2] * w2 + p1[3] * w3;
      s11 += p1[0] * u0 + p1[1] * u1 + p1[2] * u2 + p1[3] * u3;
#endif
    }
    q0.mult = v[0], q0.add = v[1], q0.sh = (uint8_t)v[2], q0.rs = (uint8_t)v[3], q0.neg = (int8_t)v[4];
    q1.mult = v[5], q1.add = v[6], q1.sh = (uint8_t)v[7], q1.rs = (uint8_t)v[8], q1.neg = (int8_t)v[9];
    g = v + 10;
    o0[c] = mf_rq_apply(s00, &q0, lo, hi);
    if (c + 1 < cout) o0[c + 1] = mf_rq_apply(s01, &q1, lo, hi);
    if (o1) {
      o1[c] = mf_rq_apply(s10, &q0, lo, hi);
      if (c + 1 < cout) o1[c + 1] = mf_rq_apply(s11, &q1, lo, hi);
    }
  }
}
`

/** Patches of a convolution or depthwise convolution: in place when the taps are contiguous, else copied. */
const PATCH = String.raw`
typedef struct {
  int16_t in_h, in_w, in_c, out_h, out_w, out_c, f_h, f_w;
  int16_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
  int8_t in_zp, act_min, act_max;
  /* Per group of output channels: biases, weights, requantisation (c-fast-conv.ts, c-fast-depthwise.ts). */
  const int32_t *g;
} mf_fconv;

/* The f_h x f_w x in_c taps of output pixel (oy, ox). Returns the row stride of the patch: the
 * input's own when every tap is inside and rows need no gathering (pointer into the input), else
 * f_w * in_c with the taps copied into buf and padding filled with the input zero point. */
static int32_t mf_patch(const mf_fconv *p, const int8_t *in, int32_t oy, int32_t ox, int8_t *buf, const int8_t **patch) {
  const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
  const int32_t row = p->f_w * p->in_c, in_row = p->in_w * p->in_c;
  int32_t fy, fx;
  if (y0 >= 0 && x0 >= 0 && y0 + (p->f_h - 1) * p->dil_h < p->in_h && x0 + (p->f_w - 1) * p->dil_w < p->in_w &&
      p->dil_w == 1) {
    *patch = in + y0 * in_row + x0 * p->in_c;
    return p->dil_h * in_row;
  }
  for (fy = 0; fy < p->f_h; ++fy) {
    const int32_t y = y0 + fy * p->dil_h;
    for (fx = 0; fx < p->f_w; ++fx) {
      const int32_t x = x0 + fx * p->dil_w;
      int8_t *dst = buf + fy * row + fx * p->in_c;
      if (y < 0 || y >= p->in_h || x < 0 || x >= p->in_w) memset(dst, p->in_zp, (size_t)p->in_c);
      else memcpy(dst, in + y * in_row + x * p->in_c, (size_t)p->in_c);
    }
  }
  *patch = buf;
  return row;
}
`

/** CONV_2D: patches made contiguous (in place or copied), then two pixels at a time through mf_mm2_s8. */
const CONV = String.raw`
/* Contiguous k-byte patch of a pixel: in place when its rows follow each other in the input. */
static const int8_t *mf_conv_patch(const mf_fconv *p, const int8_t *in, int32_t oy, int32_t ox, int8_t *buf) {
  const int8_t *patch;
  const int32_t row = p->f_w * p->in_c;
  const int32_t stride = mf_patch(p, in, oy, ox, buf, &patch);
  int32_t fy;
  if (stride == row || p->f_h == 1) return patch;
  for (fy = 0; fy < p->f_h; ++fy) memcpy(buf + fy * row, patch + fy * stride, (size_t)row);
  return buf;
}

/* Inlined with p the address of a static const descriptor into a function per op (every shape a
 * constant), or into mf_fconv_s8 for any descriptor. scratch: 2 * k4 bytes (k = f_h * f_w * in_c
 * rounded up to a multiple of 4). */
MF_INLINE void mf_fconv_body(const mf_fconv *p, const int8_t *in, int8_t *out, int8_t *scratch) {
  const int32_t k4 = (p->f_h * p->f_w * p->in_c + 3) & ~3, n = p->out_h * p->out_w, step = p->stride_w * p->in_c;
  /* Pixel i's patch is the k bytes at in + i * step: no padding, one row of taps, and pixels in
   * input order (a single output row, or a 1x1 stride-1 convolution). */
  const int linear = p->pad_h == 0 && p->pad_w == 0 && p->f_h == 1 && p->dil_w == 1 && (p->out_w - 1) * p->stride_w + p->f_w <= p->in_w &&
                     (p->out_h == 1 || (p->f_w == 1 && p->stride_h == 1 && p->stride_w == 1 && p->out_w == p->in_w));
  int32_t i;
  for (i = 0; i < n; i += 2) {
    const int two = i + 1 < n;
    const int8_t *a0, *a1;
    if (linear) {
      a0 = in + i * step;
      a1 = two ? a0 + step : a0;
    } else {
      a0 = mf_conv_patch(p, in, i / p->out_w, i % p->out_w, scratch);
      a1 = two ? mf_conv_patch(p, in, (i + 1) / p->out_w, (i + 1) % p->out_w, scratch + k4) : a0;
    }
    mf_mm2_s8(a0, a1, p->g, k4, p->out_c, p->act_min, p->act_max, out + i * p->out_c,
              two ? out + (i + 1) * p->out_c : 0);
  }
}
`

/** The C text of the kernels in `used`, with what they share, in dependency order. */
export function fastKernelSource(used: ReadonlySet<FastKernel>): string {
  if (used.size === 0) return ''
  const parts = [COMMON]
  if (used.has('fc')) parts.push(FC)
  if (used.has('conv')) parts.push(MM)
  if (used.has('conv') || used.has('depthwise')) parts.push(PATCH)
  if (used.has('conv')) parts.push(CONV)
  if (used.has('depthwise')) parts.push(DEPTHWISE_SOURCE)
  if (used.has('pool')) parts.push(POOL_SOURCE)
  if (used.has('mean')) parts.push(MEAN_SOURCE)
  return parts.join('')
}
