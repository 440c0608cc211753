/*
 * Microforge C runtime: int8 kernels for the models Microforge generates, in plain C99.
 * No malloc, no floating point in the int8 paths, no dependencies beyond <stdint.h>/<string.h>.
 * Every kernel reproduces the arithmetic of TensorFlow Lite Micro's reference int8 kernels so the
 * outputs match the desktop interpreter bit for bit; the generated model file (mf_model.c)
 * precomputes multipliers and shifts and calls these kernels in order.
 */
#ifndef MF_RUNTIME_H
#define MF_RUNTIME_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Shapes are always 4-D NHWC here; the generator pads lower-rank shapes with leading 1s. */
typedef struct {
  int32_t n, h, w, c;
} mf_shape4;

/* ---- fixed-point helpers (TFLM reference semantics, double rounding) ---- */
int32_t mf_saturating_rounding_doubling_high_mul(int32_t a, int32_t b);
int32_t mf_rounding_divide_by_pot(int32_t x, int exponent);
int32_t mf_multiply_by_quantized_multiplier(int32_t x, int32_t multiplier, int shift);

/* ---- kernels ---- */
typedef struct {
  int32_t batches, accum_depth, output_depth;
  int32_t input_offset;  /* -input zero point */
  int32_t filter_offset; /* -filter zero point (0 for symmetric weights) */
  int32_t output_offset; /* output zero point */
  int32_t act_min, act_max;
  /* One per output unit: per-channel weights; per-tensor weights repeat the same pair. */
  const int32_t *multipliers;
  const int32_t *shifts;
} mf_fc_params;

void mf_fully_connected_s8(const mf_fc_params *p, const int8_t *input, const int8_t *filter,
                           const int32_t *bias, int8_t *output);

typedef struct {
  mf_shape4 in, filter, out; /* filter: [out_c, fh, fw, in_c] for conv, [1, fh, fw, out_c] for depthwise */
  int32_t stride_h, stride_w, dilation_h, dilation_w, pad_h, pad_w;
  int32_t depth_multiplier; /* depthwise only */
  int32_t input_offset, output_offset;
  int32_t act_min, act_max;
  const int32_t *multipliers; /* one per output channel */
  const int32_t *shifts;
} mf_conv_params;

void mf_conv_2d_s8(const mf_conv_params *p, const int8_t *input, const int8_t *filter,
                   const int32_t *bias, int8_t *output);
void mf_depthwise_conv_2d_s8(const mf_conv_params *p, const int8_t *input, const int8_t *filter,
                             const int32_t *bias, int8_t *output);

typedef struct {
  mf_shape4 in, out;
  int32_t filter_h, filter_w, stride_h, stride_w, pad_h, pad_w;
  int32_t act_min, act_max;
} mf_pool_params;

void mf_max_pool_s8(const mf_pool_params *p, const int8_t *input, int8_t *output);
void mf_avg_pool_s8(const mf_pool_params *p, const int8_t *input, int8_t *output);

typedef struct {
  int32_t in_dims[4];
  uint8_t reduce[4]; /* 1 where the axis is reduced */
  int32_t input_zero_point, output_zero_point;
  /* As TFLM's int8 MEAN (QuantizedMeanOrSum), also when the quantization does not change: an
   * integer rescale with 1/count folded into multiplier/shift at code generation. */
  int32_t multiplier, shift;
} mf_mean_params;

void mf_mean_s8(const mf_mean_params *p, const int8_t *input, int8_t *output);

typedef struct {
  int32_t outer, depth;
  int32_t input_multiplier, input_left_shift, diff_min;
} mf_softmax_params;

void mf_softmax_s8(const mf_softmax_params *p, const int8_t *input, int8_t *output);

void mf_quantize_f32_s8(const float *input, int8_t *output, int32_t count, double scale, int32_t zero_point);
void mf_dequantize_s8_f32(const int8_t *input, float *output, int32_t count, double scale, int32_t zero_point);
void mf_requantize_s8(const int8_t *input, int8_t *output, int32_t count, int32_t input_zero_point,
                      int32_t output_zero_point, int32_t multiplier, int32_t shift);
/* RELU (TFLM's int8 ReluQuantized): requantize to the output scale, clamp to [act_min, 127] with
 * act_min = max(-128, output zero point). */
void mf_relu_s8(const int8_t *input, int8_t *output, int32_t count, int32_t input_zero_point,
                int32_t output_zero_point, int32_t multiplier, int32_t shift, int32_t act_min);
/* RELU6 (TFLM's int8 Relu6Quantized): clamp to [lower, upper] in the input's own domain; TFLM does
 * not requantize, so the output's quantization plays no part. */
void mf_clamp_s8(const int8_t *input, int8_t *output, int32_t count, int32_t lower, int32_t upper);
void mf_copy(void *dst, const void *src, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* MF_RUNTIME_H */
