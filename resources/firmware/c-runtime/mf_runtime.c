/*
 * Microforge C runtime kernels. Each function mirrors the arithmetic of the TensorFlow Lite
 * Micro reference int8 kernel of the same name (not its code): the same accumulation order is
 * irrelevant for integers, but the rounding of every fixed-point step is not, so those steps
 * follow the reference exactly. Signed overflow is avoided with unsigned wrap-around where the
 * reference relies on two's-complement wrapping.
 */
#include "mf_runtime.h"

#include <string.h>

#define MF_INT32_MIN ((int32_t)(-2147483647 - 1))
#define MF_INT32_MAX ((int32_t)2147483647)

static int32_t mf_min32(int32_t a, int32_t b) { return a < b ? a : b; }
static int32_t mf_max32(int32_t a, int32_t b) { return a > b ? a : b; }
static int32_t mf_wrap_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t mf_wrap_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static int32_t mf_wrap_shl(int32_t a, int s) { return (int32_t)((uint32_t)a << s); }

int32_t mf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  int64_t ab;
  int32_t nudge;
  if (a == b && a == MF_INT32_MIN) return MF_INT32_MAX;
  ab = (int64_t)a * (int64_t)b;
  nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  /* C division truncates toward zero, which is what the reference's rounding relies on. */
  return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

int32_t mf_rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t mf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  return mf_rounding_divide_by_pot(
      mf_saturating_rounding_doubling_high_mul(mf_wrap_shl(x, left_shift), multiplier), right_shift);
}

void mf_fully_connected_s8(const mf_fc_params *p, const int8_t *input, const int8_t *filter,
                           const int32_t *bias, int8_t *output) {
  int32_t b, o, d;
  for (b = 0; b < p->batches; ++b) {
    const int8_t *in_row = input + b * p->accum_depth;
    for (o = 0; o < p->output_depth; ++o) {
      const int8_t *w_row = filter + o * p->accum_depth;
      int32_t acc = 0;
      for (d = 0; d < p->accum_depth; ++d) {
        acc += ((int32_t)w_row[d] + p->filter_offset) * ((int32_t)in_row[d] + p->input_offset);
      }
      if (bias) acc += bias[o];
      acc = mf_multiply_by_quantized_multiplier(acc, p->multipliers[o], p->shifts[o]);
      acc += p->output_offset;
      acc = mf_max32(acc, p->act_min);
      acc = mf_min32(acc, p->act_max);
      output[b * p->output_depth + o] = (int8_t)acc;
    }
  }
}

static int32_t mf_offset4(const mf_shape4 *s, int32_t n, int32_t h, int32_t w, int32_t c) {
  return ((n * s->h + h) * s->w + w) * s->c + c;
}

void mf_conv_2d_s8(const mf_conv_params *p, const int8_t *input, const int8_t *filter,
                   const int32_t *bias, int8_t *output) {
  int32_t batch, oy, ox, oc, fy, fx, ic;
  const int32_t in_depth = p->filter.c; /* groups == 1 */
  for (batch = 0; batch < p->out.n; ++batch) {
    for (oy = 0; oy < p->out.h; ++oy) {
      const int32_t in_y0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < p->out.w; ++ox) {
        const int32_t in_x0 = ox * p->stride_w - p->pad_w;
        for (oc = 0; oc < p->out.c; ++oc) {
          int32_t acc = 0;
          for (fy = 0; fy < p->filter.h; ++fy) {
            const int32_t in_y = in_y0 + p->dilation_h * fy;
            if (in_y < 0 || in_y >= p->in.h) continue;
            for (fx = 0; fx < p->filter.w; ++fx) {
              const int32_t in_x = in_x0 + p->dilation_w * fx;
              const int8_t *in_px;
              const int8_t *w_px;
              if (in_x < 0 || in_x >= p->in.w) continue;
              in_px = input + mf_offset4(&p->in, batch, in_y, in_x, 0);
              w_px = filter + mf_offset4(&p->filter, oc, fy, fx, 0);
              for (ic = 0; ic < in_depth; ++ic) {
                acc += (int32_t)w_px[ic] * ((int32_t)in_px[ic] + p->input_offset);
              }
            }
          }
          if (bias) acc += bias[oc];
          acc = mf_multiply_by_quantized_multiplier(acc, p->multipliers[oc], p->shifts[oc]);
          acc += p->output_offset;
          acc = mf_max32(acc, p->act_min);
          acc = mf_min32(acc, p->act_max);
          output[mf_offset4(&p->out, batch, oy, ox, oc)] = (int8_t)acc;
        }
      }
    }
  }
}

void mf_depthwise_conv_2d_s8(const mf_conv_params *p, const int8_t *input, const int8_t *filter,
                             const int32_t *bias, int8_t *output) {
  int32_t batch, oy, ox, ic, m, fy, fx;
  for (batch = 0; batch < p->out.n; ++batch) {
    for (oy = 0; oy < p->out.h; ++oy) {
      const int32_t in_y0 = oy * p->stride_h - p->pad_h;
      for (ox = 0; ox < p->out.w; ++ox) {
        const int32_t in_x0 = ox * p->stride_w - p->pad_w;
        for (ic = 0; ic < p->in.c; ++ic) {
          for (m = 0; m < p->depth_multiplier; ++m) {
            const int32_t oc = m + ic * p->depth_multiplier;
            int32_t acc = 0;
            for (fy = 0; fy < p->filter.h; ++fy) {
              const int32_t in_y = in_y0 + p->dilation_h * fy;
              if (in_y < 0 || in_y >= p->in.h) continue;
              for (fx = 0; fx < p->filter.w; ++fx) {
                const int32_t in_x = in_x0 + p->dilation_w * fx;
                if (in_x < 0 || in_x >= p->in.w) continue;
                acc += (int32_t)filter[mf_offset4(&p->filter, 0, fy, fx, oc)] *
                       ((int32_t)input[mf_offset4(&p->in, batch, in_y, in_x, ic)] + p->input_offset);
              }
            }
            if (bias) acc += bias[oc];
            acc = mf_multiply_by_quantized_multiplier(acc, p->multipliers[oc], p->shifts[oc]);
            acc += p->output_offset;
            acc = mf_max32(acc, p->act_min);
            acc = mf_min32(acc, p->act_max);
            output[mf_offset4(&p->out, batch, oy, ox, oc)] = (int8_t)acc;
          }
        }
      }
    }
  }
}

static void mf_pool(const mf_pool_params *p, const int8_t *input, int8_t *output, int is_max) {
  int32_t batch, oy, ox, ch, fy, fx;
  for (batch = 0; batch < p->out.n; ++batch) {
    for (oy = 0; oy < p->out.h; ++oy) {
      for (ox = 0; ox < p->out.w; ++ox) {
        const int32_t in_y0 = oy * p->stride_h - p->pad_h;
        const int32_t in_x0 = ox * p->stride_w - p->pad_w;
        /* The window is clipped to the input: padding never counts, as in the reference. */
        const int32_t fy_start = mf_max32(0, -in_y0);
        const int32_t fy_end = mf_min32(p->filter_h, p->in.h - in_y0);
        const int32_t fx_start = mf_max32(0, -in_x0);
        const int32_t fx_end = mf_min32(p->filter_w, p->in.w - in_x0);
        for (ch = 0; ch < p->out.c; ++ch) {
          int32_t acc = is_max ? -128 : 0;
          int32_t count = 0;
          for (fy = fy_start; fy < fy_end; ++fy) {
            for (fx = fx_start; fx < fx_end; ++fx) {
              const int32_t v = input[mf_offset4(&p->in, batch, in_y0 + fy, in_x0 + fx, ch)];
              if (is_max) {
                acc = mf_max32(acc, v);
              } else {
                acc += v;
              }
              ++count;
            }
          }
          if (!is_max) {
            if (count == 0) {
              acc = 0;
            } else {
              acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
            }
          }
          acc = mf_max32(acc, p->act_min);
          acc = mf_min32(acc, p->act_max);
          output[mf_offset4(&p->out, batch, oy, ox, ch)] = (int8_t)acc;
        }
      }
    }
  }
}

void mf_max_pool_s8(const mf_pool_params *p, const int8_t *input, int8_t *output) { mf_pool(p, input, output, 1); }
void mf_avg_pool_s8(const mf_pool_params *p, const int8_t *input, int8_t *output) { mf_pool(p, input, output, 0); }

void mf_mean_s8(const mf_mean_params *p, const int8_t *input, int8_t *output) {
  int32_t o[4], r[4], lim_o[4], lim_r[4];
  int32_t count = 1, k, out_index = 0;
  for (k = 0; k < 4; ++k) {
    lim_o[k] = p->reduce[k] ? 1 : p->in_dims[k];
    lim_r[k] = p->reduce[k] ? p->in_dims[k] : 1;
    count *= lim_r[k];
  }
  for (o[0] = 0; o[0] < lim_o[0]; ++o[0])
    for (o[1] = 0; o[1] < lim_o[1]; ++o[1])
      for (o[2] = 0; o[2] < lim_o[2]; ++o[2])
        for (o[3] = 0; o[3] < lim_o[3]; ++o[3]) {
          int32_t sum = 0, result;
          for (r[0] = 0; r[0] < lim_r[0]; ++r[0])
            for (r[1] = 0; r[1] < lim_r[1]; ++r[1])
              for (r[2] = 0; r[2] < lim_r[2]; ++r[2])
                for (r[3] = 0; r[3] < lim_r[3]; ++r[3]) {
                  const int32_t i0 = o[0] + r[0], i1 = o[1] + r[1], i2 = o[2] + r[2], i3 = o[3] + r[3];
                  sum += input[((i0 * p->in_dims[1] + i1) * p->in_dims[2] + i2) * p->in_dims[3] + i3];
                }
          if (count == 0) {
            result = 0; /* TFLM leaves the zeroed outputs alone */
          } else {
            result = mf_multiply_by_quantized_multiplier(sum - p->input_zero_point * count, p->multiplier, p->shift) +
                     p->output_zero_point;
            result = mf_min32(mf_max32(result, -128), 127);
          }
          output[out_index++] = (int8_t)result;
        }
}

/* ---- gemmlowp-style fixed point used by the reference int8 softmax ---- */

/* Multiplication by 2^exponent, saturating (exponent > 0) or rounding (exponent < 0). */
static int32_t mf_sat_round_mul_pot(int32_t x, int exponent) {
  if (exponent > 0) {
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) return MF_INT32_MAX;
    if (x < -threshold) return MF_INT32_MIN;
    return mf_wrap_shl(x, exponent);
  }
  if (exponent < 0) return mf_rounding_divide_by_pot(x, -exponent);
  return x;
}

#define MF_FX_MUL(a, b) mf_saturating_rounding_doubling_high_mul((a), (b))

/* exp(x) for x in [-1/4, 0), Q0.31 in and out. */
static int32_t mf_exp_quarter(int32_t a) {
  const int32_t constant_term = 1895147668;  /* exp(-1/8) */
  const int32_t constant_1_over_3 = 715827883;
  const int32_t x = mf_wrap_add(a, 1 << 28); /* Taylor expansion around -1/8 */
  const int32_t x2 = MF_FX_MUL(x, x);
  const int32_t x3 = MF_FX_MUL(x2, x);
  const int32_t x4 = MF_FX_MUL(x2, x2);
  const int32_t x4_over_4 = mf_sat_round_mul_pot(x4, -2);
  const int32_t poly = mf_sat_round_mul_pot(
      mf_wrap_add(MF_FX_MUL(mf_wrap_add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return mf_wrap_add(constant_term, MF_FX_MUL(constant_term, mf_wrap_add(x, poly)));
}

/* exp(a) for a <= 0 given in Q5.26; result in Q0.31. */
static int32_t mf_exp_on_negative_values_q5(int32_t a) {
  static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
  const int32_t fractional_bits = 26;
  const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = mf_wrap_sub(a & mask, one_quarter);
  int32_t result = mf_exp_quarter(mf_sat_round_mul_pot(a_mod_quarter_minus_one_quarter, 5));
  const int32_t remainder = mf_wrap_sub(a_mod_quarter_minus_one_quarter, a);
  int e;
  for (e = -2; e <= 4; ++e) {
    if (remainder & ((int32_t)1 << (fractional_bits + e))) result = MF_FX_MUL(result, multipliers[e + 2]);
  }
  return a == 0 ? MF_INT32_MAX : result;
}

static int32_t mf_rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = (int64_t)a + (int64_t)b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return (int32_t)((sum + sign) / 2);
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out (Newton-Raphson as in gemmlowp). */
static int32_t mf_one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = mf_rounding_half_sum(a, MF_INT32_MAX);
  const int32_t c48_over_17 = 1515870810;      /* Q2.29 */
  const int32_t neg_c32_over_17 = -1010580540; /* Q2.29 */
  const int32_t one_q2 = (int32_t)1 << 29;
  int32_t x = mf_wrap_add(c48_over_17, MF_FX_MUL(half_denominator, neg_c32_over_17));
  int i;
  for (i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = MF_FX_MUL(half_denominator, x);
    const int32_t one_minus = mf_wrap_sub(one_q2, half_denominator_times_x);
    x = mf_wrap_add(x, mf_sat_round_mul_pot(MF_FX_MUL(x, one_minus), 2));
  }
  return mf_sat_round_mul_pot(x, 1);
}

static int mf_clz32(uint32_t x) {
  int n = 0;
  if (x == 0) return 32;
  while ((x & 0x80000000u) == 0) {
    x <<= 1;
    ++n;
  }
  return n;
}

void mf_softmax_s8(const mf_softmax_params *p, const int8_t *input, int8_t *output) {
  const int accumulation_integer_bits = 12;
  int32_t i, c;
  for (i = 0; i < p->outer; ++i) {
    const int8_t *in = input + i * p->depth;
    int8_t *out = output + i * p->depth;
    int32_t max_in_row = -128;
    int32_t sum_of_exps = 0;
    int headroom_plus_one, num_bits_over_unit;
    int32_t shifted_scale;
    for (c = 0; c < p->depth; ++c) max_in_row = mf_max32(max_in_row, in[c]);
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = (int32_t)in[c] - max_in_row;
      if (diff >= p->diff_min) {
        const int32_t rescaled = MF_FX_MUL(mf_wrap_shl(diff, p->input_left_shift), p->input_multiplier);
        sum_of_exps = mf_wrap_add(sum_of_exps,
                                  mf_sat_round_mul_pot(mf_exp_on_negative_values_q5(rescaled), -accumulation_integer_bits));
      }
    }
    headroom_plus_one = mf_clz32((uint32_t)sum_of_exps);
    num_bits_over_unit = accumulation_integer_bits - headroom_plus_one;
    shifted_scale = mf_one_over_one_plus_x((int32_t)(((uint32_t)sum_of_exps << headroom_plus_one) - 0x80000000u));
    for (c = 0; c < p->depth; ++c) {
      const int32_t diff = (int32_t)in[c] - max_in_row;
      if (diff >= p->diff_min) {
        const int32_t rescaled = MF_FX_MUL(mf_wrap_shl(diff, p->input_left_shift), p->input_multiplier);
        const int32_t exp_in_0 = mf_exp_on_negative_values_q5(rescaled);
        const int32_t unsat =
            mf_rounding_divide_by_pot(MF_FX_MUL(shifted_scale, exp_in_0), num_bits_over_unit + 31 - 8);
        out[c] = (int8_t)mf_min32(mf_max32(unsat - 128, -128), 127);
      } else {
        out[c] = -128;
      }
    }
  }
}

/*
 * TFLM's QUANTIZE divides in float32 (the value by the float scale), then rounds half away from
 * zero. A double quotient rounds to another integer when it lies within a float ulp of a half
 * (measured against TFLM's host build: test/tflm/float-io-boundary); on a Cortex-M4F a double
 * division is also a software routine.
 */
void mf_quantize_f32_s8(const float *input, int8_t *output, int32_t count, double scale, int32_t zero_point) {
  const float s = (float)scale;
  int32_t i;
  for (i = 0; i < count; ++i) {
    float v = input[i] / s;
    int32_t r;
    float frac;
    /* Clamp first so the cast below is defined; anything this large saturates anyway. */
    if (v > 1e6f) v = 1e6f;
    if (v < -1e6f) v = -1e6f;
    /* round() semantics (half away from zero) without libm: below 2^23 the fraction is exact in float. */
    r = (int32_t)v;
    frac = v - (float)r;
    if (frac >= 0.5f) ++r;
    if (frac <= -0.5f) --r;
    output[i] = (int8_t)mf_min32(mf_max32(r + zero_point, -128), 127);
  }
}

void mf_dequantize_s8_f32(const int8_t *input, float *output, int32_t count, double scale, int32_t zero_point) {
  int32_t i;
  for (i = 0; i < count; ++i) output[i] = (float)(scale * (double)((int32_t)input[i] - zero_point));
}

void mf_requantize_s8(const int8_t *input, int8_t *output, int32_t count, int32_t input_zero_point,
                      int32_t output_zero_point, int32_t multiplier, int32_t shift) {
  int32_t i;
  for (i = 0; i < count; ++i) {
    const int32_t v = mf_multiply_by_quantized_multiplier((int32_t)input[i] - input_zero_point, multiplier, shift) +
                      output_zero_point;
    output[i] = (int8_t)mf_min32(mf_max32(v, -128), 127);
  }
}

void mf_relu_s8(const int8_t *input, int8_t *output, int32_t count, int32_t input_zero_point,
                int32_t output_zero_point, int32_t multiplier, int32_t shift, int32_t act_min) {
  int32_t i;
  for (i = 0; i < count; ++i) {
    const int32_t v = output_zero_point +
                      mf_multiply_by_quantized_multiplier((int32_t)input[i] - input_zero_point, multiplier, shift);
    output[i] = (int8_t)mf_min32(mf_max32(v, act_min), 127);
  }
}

void mf_clamp_s8(const int8_t *input, int8_t *output, int32_t count, int32_t lower, int32_t upper) {
  int32_t i;
  for (i = 0; i < count; ++i) output[i] = (int8_t)mf_min32(mf_max32(input[i], lower), upper);
}

void mf_copy(void *dst, const void *src, size_t bytes) {
  if (dst != src) memmove(dst, src, bytes);
}
