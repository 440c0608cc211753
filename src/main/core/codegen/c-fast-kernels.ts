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
 * one SMMULR on the accumulator shifted left by ls + 1. RoundingDivideByPOT is
 * (x + 2^(rs-1) - (x < 0)) >> rs, with the output zero point added as zp << rs before the shift.
 * The generator takes this path only when it has proved, from the weights and biases, that no
 * intermediate can overflow int32 (see c-fast-ops.ts); otherwise the op runs the reference kernel.
 */

import { DEPTHWISE_SOURCE } from './c-fast-depthwise'
import { MEAN_SOURCE, POOL_SOURCE } from './c-fast-pool'

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

/* (a * b + 2^31) >> 32: SaturatingRoundingDoublingHighMul(x, b) when a = 2x (see above). */
MF_INLINE int32_t mf_mulhr(int32_t a, int32_t b) {
#if defined(__ARM_FEATURE_DSP)
  int32_t r;
  __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
  return r;
#else
  return (int32_t)(((int64_t)a * b + 0x80000000LL) >> 32);
#endif
}

/* acc2: the accumulator already shifted left by sh (ls + 1). MF_RQ_RS1 (every channel of the model
 * rounds on its right shift) and MF_RQ_FULL (every activation range is [-128, 127]) are facts the
 * generator proved for this model; they only drop work that would change nothing. */
MF_INLINE int8_t mf_rq_scaled(int32_t acc2, const mf_rq *q, int32_t lo, int32_t hi) {
  const int32_t x = mf_mulhr(acc2, q->mult);
#if MF_RQ_RS1
  int32_t t = (x + q->add + (x >> 31)) >> q->rs;
#else
  int32_t t = (x + q->add + ((x >> 31) & q->neg)) >> q->rs;
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
 * time, each input word sign-extended once and used for both channels. Weights: per pair of
 * channels, blocks of four taps, 8 bytes per block; k and the channels padded as for mf_fc_s8.
 */
const MM = String.raw`
/* o1 NULL: one pixel (a1 is then a0 again and its results are dropped). */
static void mf_mm2_s8(const int8_t *a0, const int8_t *a1, const int8_t *w, int32_t k4, int32_t cout,
                      const int32_t *bias, const mf_rq *rq, int32_t lo, int32_t hi, int8_t *o0, int8_t *o1) {
  int32_t c, j;
  for (c = 0; c < cout; c += 2) {
    int32_t s00 = bias[c], s01 = bias[c + 1], s10 = s00, s11 = s01;
    const int8_t *p0 = a0, *p1 = a1;
#if defined(__ARM_FEATURE_DSP)
    const int32_t *v = (const int32_t *)(const void *)w;
    for (j = k4 >> 2; j > 0; --j, p0 += 4, p1 += 4, v += 2) {
      const int32_t x0 = mf_ld4(p0), x1 = mf_ld4(p1), v0 = v[0], v1 = v[1];
      int32_t xa = mf_even(x0), xb = mf_even(x1), va = mf_even(v0), vb = mf_even(v1);
      s00 = __smlad(xa, va, s00);
      s01 = __smlad(xa, vb, s01);
      s10 = __smlad(xb, va, s10);
      s11 = __smlad(xb, vb, s11);
      xa = mf_odd(x0);
      xb = mf_odd(x1);
      va = mf_odd(v0);
      vb = mf_odd(v1);
      s00 = __smlad(xa, va, s00);
      s01 = __smlad(xa, vb, s01);
      s10 = __smlad(xb, va, s10);
      s11 = __smlad(xb, vb, s11);
    }
    w = (const int8_t *)(const void *)v;
#else
    for (j = 0; j < k4; j += 4, p0 += 4, p1 += 4, w += 8) {
      s00 += p0[0] * w[0] + p0[1] * w[1] + p0[2] * w[2] + p0[3] * w[3];
      s01 += p0[0] * w[4] + p0[1] * w[5] + p0[2] * w[6] + p0[3] * w[7];
      s10 += p1[0] * w[0] + p1[1] * w[1] + p1[2] * w[2] + p1[3] * w[3];
      s11 += p1[0] * w[4] + p1[1] * w[5] + p1[2] * w[6] + p1[3] * w[7];
    }
#endif
    o0[c] = mf_rq_apply(s00, rq + c, lo, hi);
    if (c + 1 < cout) o0[c + 1] = mf_rq_apply(s01, rq + c + 1, lo, hi);
    if (o1) {
      o1[c] = mf_rq_apply(s10, rq + c, lo, hi);
      if (c + 1 < cout) o1[c + 1] = mf_rq_apply(s11, rq + c + 1, lo, hi);
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
  const int8_t *w;
  const int32_t *bias;
  const mf_rq *rq;
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

/* scratch: 2 * k4 bytes (k = f_h * f_w * in_c rounded up to a multiple of 4). */
static void mf_fconv_s8(const mf_fconv *p, const int8_t *in, int8_t *out, int8_t *scratch) {
  const int32_t k4 = (p->f_h * p->f_w * p->in_c + 3) & ~3, n = p->out_h * p->out_w;
  int32_t i;
  for (i = 0; i < n; i += 2) {
    const int8_t *a0 = mf_conv_patch(p, in, i / p->out_w, i % p->out_w, scratch);
    const int two = i + 1 < n;
    const int8_t *a1 = two ? mf_conv_patch(p, in, (i + 1) / p->out_w, (i + 1) % p->out_w, scratch + k4) : a0;
    mf_mm2_s8(a0, a1, p->w, k4, p->out_c, p->bias, p->rq, p->act_min, p->act_max, out + i * p->out_c,
              two ? out + (i + 1) * p->out_c : 0);
  }
}
`

export type FastKernel = 'fc' | 'conv' | 'depthwise' | 'pool' | 'mean'

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
