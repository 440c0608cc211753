/* Minimal Cortex-M4 start-up for QEMU's mps2-an386: vector table, .data/.bss set-up, FPU on,
 * C++ constructors, main(). Faults stop the CPU in a loop the host notices as silence. */
#include <stdint.h>

extern uint32_t __data_load, __data_start, __data_end, __bss_start, __bss_end, __stack_top;
extern void __libc_init_array(void);
extern int main(void);

void Reset_Handler(void);
static void Fault_Handler(void) {
  for (;;) {
  }
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(&__stack_top), Reset_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, Fault_Handler, 0, 0, 0, 0,
    Fault_Handler, Fault_Handler, 0, Fault_Handler, Fault_Handler};

void Reset_Handler(void) {
  /* Full access to CP10/CP11 (the FPU) before any float instruction. */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm volatile("dsb\n isb");
  uint32_t *src = &__data_load;
  for (uint32_t *dst = &__data_start; dst < &__data_end;) *dst++ = *src++;
  for (uint32_t *dst = &__bss_start; dst < &__bss_end;) *dst++ = 0;
  __libc_init_array();
  main();
  for (;;) {
  }
}

/* newlib hooks the firmware never really uses (no files, no processes). */
void _init(void) {}
void _fini(void) {}
/* Static C++ objects with destructors (TensorFlow Lite Micro firmware) register them against this
 * handle; under -nostartfiles nothing else defines it. */
void *__dso_handle = 0;
