/* `npm run bench -- m4`, C runtime: one inference of the generated model, timed per operator. */
#include <stdio.h>

#include "bench_hooks.h"
#include "mf_model.h"

int main(void) {
  int i;
  uint32_t start, end, stack;
  const unsigned char *out;
  for (i = 0; i < MF_MODEL_INPUT_COUNT; ++i) mf_model_input()[i] = (mf_model_input_t)((i * 37) % 23 - 11);
  mf_bench_timer_start();
  MF_BENCH_PAINT_STACK();
  start = mf_bench_ticks();
  mf_model_invoke();
  end = mf_bench_ticks();
  stack = mf_bench_stack_used();
  mf_bench_report(start, end);
  printf("stack %lu\n", (unsigned long)stack);
  printf("arena %lu\n", (unsigned long)MF_MODEL_ARENA_BYTES);
  out = (const unsigned char *)mf_model_output();
  printf("output");
  for (i = 0; i < (int)(sizeof(mf_model_output_t) * MF_MODEL_OUTPUT_COUNT); ++i) printf(" %d", (int)(signed char)out[i]);
  printf("\n");
  return 0;
}
