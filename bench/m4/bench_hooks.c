/* See bench_hooks.h. Prints on UART0 through newlib's printf (startup_mps2.c's _write). */
#include "bench_hooks.h"

#include <stdio.h>

uint32_t mf_bench_op_ticks[MF_BENCH_MAX_OPS];
int mf_bench_op_count;

void mf_bench_mark(int index) {
  const uint32_t t = mf_bench_ticks();
  if (index < MF_BENCH_MAX_OPS) mf_bench_op_ticks[index] = t;
  if (index + 1 > mf_bench_op_count) mf_bench_op_count = index + 1;
}

uint32_t *mf_bench_paint_top;

uint32_t mf_bench_stack_used(void) {
  uint32_t i = MF_BENCH_STACK_WORDS;
  while (i > 0 && *(mf_bench_paint_top - i + 1) == MF_BENCH_STACK_PAINT) --i;
  return i * 4u;
}

void mf_bench_report(uint32_t start, uint32_t end) {
  int i;
  for (i = 0; i < mf_bench_op_count; ++i) {
    const uint32_t from = mf_bench_op_ticks[i];
    const uint32_t to = i + 1 < mf_bench_op_count ? mf_bench_op_ticks[i + 1] : end;
    printf("op %d %lu\n", i, (unsigned long)(to - from));
  }
  printf("total %lu\n", (unsigned long)(end - start));
}
