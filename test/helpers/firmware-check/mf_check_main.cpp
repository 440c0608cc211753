// Runs a generated firmware's own preprocessing and inference glue (preprocessing.h, mf_infer.h and
// whichever mf_infer_*.cpp the firmware has: TensorFlow Lite Micro or the C runtime) on fixed raw
// sensor windows, and prints every score's float bits, so two runtimes can be compared exactly.
// Builds for the host and, with the TFLM SDK's start-up, for the Cortex-M4F in QEMU.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mf_check_windows.h"
#include "mf_infer.h"
#include "mf_platform.h"
#include "preprocessing.h"

// mf_infer_tflm.cpp reports set-up errors through the board services; only printing is needed.
void mf_print_line(const char* line) { printf("%s\n", line); }

int main() {
  if (!mf_infer_begin()) {
    printf("error: mf_infer_begin failed\n");
    return 2;
  }
  printf("arena_used:%lu arena_size:%lu runtime:%s\n", (unsigned long)mf_infer_arena_used(), (unsigned long)mf_infer_arena_size(),
         mf_infer_runtime_name());
  static float window[MF_INPUT_VALUES];
  static float scores[MF_CLASS_COUNT];
  for (int w = 0; w < MF_CHECK_WINDOW_COUNT; ++w) {
    const float* samples = kMfCheckWindows + (size_t)w * MF_WINDOW_LENGTH * 6;
    for (int t = 0; t < MF_WINDOW_LENGTH; ++t) {
      for (int a = 0; a < MF_AXIS_COUNT; ++a) window[t * MF_AXIS_COUNT + a] = mf_preprocess(samples + t * 6, a);
    }
    mf_infer_set_input(window);
    if (!mf_infer_invoke()) {
      printf("error: invoke failed at window %d\n", w);
      return 3;
    }
    mf_infer_get_scores(scores);
    printf("w%d", w);
    for (int c = 0; c < MF_CLASS_COUNT; ++c) {
      uint32_t bits;
      memcpy(&bits, &scores[c], sizeof bits);
      printf(" %08lx", (unsigned long)bits);
    }
    printf("\n");
  }
  return 0;
}
