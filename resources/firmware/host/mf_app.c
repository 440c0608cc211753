/*
 * Portable firmware main for Microforge's C runtime: reads a window of sensor samples through the
 * HAL, applies the project's preprocessing (preprocessing.h), runs the generated model (mf_model.h)
 * and prints, per window:
 *   profile mode:  sensor:12.345 preprocess:3.210 inference:812.000 output:0.410 us
 *                  window:3 label:wave index:0 scores:-128,127,-128
 *   classify mode: window:3 label:wave index:0 scores:-128,127,-128
 * and `arena_used:<bytes>` (with `free_heap:<bytes>` when the board knows it) at start and every
 * 100 windows, so a serial monitor opened late still sees the memory figures.
 * Build with -DMF_MODE_CLASSIFY for classify mode; profile is the default.
 */
#include <stdio.h>
#include <stdint.h>
#include <math.h>
#include "mf_hal.h"
#include "mf_model.h"
#include "mf_runtime.h"
#include "preprocessing.h"

#if MF_MODEL_INPUT_COUNT != MF_INPUT_VALUES
#error "The model's input size does not match the preprocessing window (MF_WINDOW_LENGTH x MF_AXIS_COUNT)."
#endif

static float g_raw[MF_WINDOW_LENGTH][6];
static float g_features[MF_INPUT_VALUES];

/* Prints nanoseconds as microseconds with three decimals, so sub-microsecond stages stay visible. */
static int format_us(char *out, size_t size, const char *key, uint64_t ns) {
  return snprintf(out, size, "%s:%lu.%03lu", key, (unsigned long)(ns / 1000u), (unsigned long)(ns % 1000u));
}

static void print_memory(char *line, size_t size) {
  int64_t free_mem = mf_hal_free_memory();
  if (free_mem >= 0) snprintf(line, size, "arena_used:%lu free_heap:%lld", (unsigned long)MF_MODEL_ARENA_BYTES, (long long)free_mem);
  else snprintf(line, size, "arena_used:%lu", (unsigned long)MF_MODEL_ARENA_BYTES);
  mf_hal_print_line(line);
}

int main(int argc, char **argv) {
  char line[512];
  mf_hal_init(argc, argv);
  snprintf(line, sizeof line, "Microforge %s firmware: %d classes, window %d x %d, on %s",
#ifdef MF_MODE_CLASSIFY
           "classify",
#else
           "profile",
#endif
           MF_CLASS_COUNT, MF_WINDOW_LENGTH, MF_AXIS_COUNT, mf_hal_description());
  mf_hal_print_line(line);

  for (long done = 0;; done++) {
    if (done % 100 == 0) print_memory(line, sizeof line);
    int32_t window = mf_hal_begin_window();
    if (window < 0) break;

    uint64_t t0 = mf_hal_nanos();
    for (int t = 0; t < MF_WINDOW_LENGTH; t++) mf_hal_read_sample(g_raw[t]);
    uint64_t t1 = mf_hal_nanos();

    for (int t = 0; t < MF_WINDOW_LENGTH; t++)
      for (int a = 0; a < MF_AXIS_COUNT; a++) g_features[t * MF_AXIS_COUNT + a] = mf_preprocess(g_raw[t], a);
#if MF_MODEL_INPUT_IS_FLOAT
    for (int i = 0; i < MF_INPUT_VALUES; i++) mf_model_input()[i] = g_features[i];
#else
    mf_quantize_f32_s8(g_features, mf_model_input(), MF_INPUT_VALUES, MF_MODEL_INPUT_SCALE, MF_MODEL_INPUT_ZERO_POINT);
#endif
    uint64_t t2 = mf_hal_nanos();

    mf_model_invoke();
    uint64_t t3 = mf_hal_nanos();

    const mf_model_output_t *out = mf_model_output();
    int best = 0;
    for (int c = 1; c < MF_MODEL_OUTPUT_COUNT; c++)
      if (out[c] > out[best]) best = c;
    uint64_t t4 = mf_hal_nanos();

#ifndef MF_MODE_CLASSIFY
    {
      int n = 0;
      n += format_us(line + n, sizeof line - n, "sensor", t1 - t0);
      n += format_us(line + n, sizeof line - n, " preprocess", t2 - t1);
      n += format_us(line + n, sizeof line - n, " inference", t3 - t2);
      n += format_us(line + n, sizeof line - n, " output", t4 - t3);
      snprintf(line + n, sizeof line - n, " us");
      mf_hal_print_line(line);
    }
#else
    (void)t0; (void)t1; (void)t2; (void)t3; (void)t4;
#endif
    {
      int n = snprintf(line, sizeof line, "window:%ld label:%s index:%d scores:", (long)window,
                       best < MF_CLASS_COUNT ? kMfClassNames[best] : "?", best);
      for (int c = 0; c < MF_MODEL_OUTPUT_COUNT && n < (int)sizeof line - 16; c++) {
#if MF_MODEL_OUTPUT_IS_FLOAT
        n += snprintf(line + n, sizeof line - n, c ? ",%.6g" : "%.6g", (double)out[c]);
#else
        n += snprintf(line + n, sizeof line - n, c ? ",%d" : "%d", (int)out[c]);
#endif
      }
      mf_hal_print_line(line);
    }
    mf_hal_idle();
  }
  return 0;
}
