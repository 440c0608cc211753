/* The bench's empty image: the same start-up, printf and timer code with no model, for flash deltas. */
#include <stdio.h>

#include "bench_hooks.h"

/* Also calibrates one mf_bench_mark() call: 4000 of them in a row, in ticks (40 instructions each). */
int main(void) {
  int i;
  uint32_t start, end;
  mf_bench_timer_start();
  MF_BENCH_PAINT_STACK();
  start = mf_bench_ticks();
  for (i = 0; i < 4000; ++i) mf_bench_mark(0);
  end = mf_bench_ticks();
  printf("marks4000 %lu\n", (unsigned long)(end - start));
  printf("stack %lu\n", (unsigned long)mf_bench_stack_used());
  return 0;
}
