/*
 * Timing and stack measurement for `npm run bench -- m4`, shared by the C-runtime and TFLM mains.
 * QEMU runs with `-icount shift=0`: its virtual clock advances exactly 1 ns per executed guest
 * instruction, and the CMSDK timer 0 of mps2-an386 counts that clock at 25 MHz, so one timer tick
 * is 40 executed instructions. Readings are in ticks; the host multiplies by 40.
 */
#ifndef MF_BENCH_HOOKS_H
#define MF_BENCH_HOOKS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MF_BENCH_MAX_OPS 64

typedef struct {
  volatile uint32_t ctrl, value, reload, intstatus;
} mf_bench_timer;

#define MF_BENCH_TIMER ((mf_bench_timer *)0x40000000u)

static inline void mf_bench_timer_start(void) {
  MF_BENCH_TIMER->ctrl = 0;
  MF_BENCH_TIMER->reload = 0xFFFFFFFFu;
  MF_BENCH_TIMER->value = 0xFFFFFFFFu;
  MF_BENCH_TIMER->ctrl = 1u;
}

static inline uint32_t mf_bench_ticks(void) { return 0xFFFFFFFFu - MF_BENCH_TIMER->value; }

/* Operator boundaries: mf_bench_mark(i) before operator i. */
extern uint32_t mf_bench_op_ticks[MF_BENCH_MAX_OPS];
extern int mf_bench_op_count;
void mf_bench_mark(int index);

/* Fills the stack below the caller's stack pointer with a pattern, without a call of its own (the
 * callee's frames will sit exactly there); mf_bench_stack_used() finds how deep it was used. */
#define MF_BENCH_STACK_PAINT 0xA5A5A5A5u
#define MF_BENCH_STACK_WORDS (24u * 1024u)
extern uint32_t *mf_bench_paint_top;
#define MF_BENCH_PAINT_STACK()                                                   \
  do {                                                                           \
    uint32_t *mf_sp_, mf_i_;                                                     \
    __asm__ volatile("mov %0, sp" : "=r"(mf_sp_));                               \
    mf_bench_paint_top = mf_sp_ - 1;                                             \
    for (mf_i_ = 0; mf_i_ < MF_BENCH_STACK_WORDS; ++mf_i_)                       \
      ((volatile uint32_t *)mf_bench_paint_top)[-(int32_t)mf_i_] = MF_BENCH_STACK_PAINT; \
  } while (0)
uint32_t mf_bench_stack_used(void);

/* Prints the measurement block: ops, total, stack, then the caller adds its own lines. */
void mf_bench_report(uint32_t start, uint32_t end);

#ifdef __cplusplus
}
#endif

#endif
