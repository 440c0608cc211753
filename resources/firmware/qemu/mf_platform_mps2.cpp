// QEMU port of the Microforge board services (mf_platform.h) for the mps2-an386 machine
// (Cortex-M4F): runs the firmware Deploy generates, built with arm-none-eabi-gcc for Cortex-M4,
// so its stage timings come from the instructions the board's CPU would execute.
//
// Timing: QEMU is run with `-icount shift=0`, so its virtual clock advances exactly 1 ns per
// executed instruction. The CMSDK timer counts that clock at 25 MHz (one tick per 40
// instructions). mf_micros() turns ticks into nanoseconds at the target's clock assuming one cycle
// per instruction (MF_QEMU_TARGET_MHZ, default 64 for the nRF52840), and timing lines leave
// labelled "ns". This ignores flash wait states, pipeline stalls and multi-cycle instructions
// (a Cortex-M4 averages 1.1-1.5 cycles per instruction), so real boards are somewhat slower.
//
// Sensor windows: the project's dataset windows compiled in (built with -DMF_QEMU_DATASET=1 and the
// mf_qemu_windows.h Microforge writes; classification lines then end in " window:N", as on the
// host port), else the same synthetic gestures as the host port. Serial: CMSDK UART0.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mf_app.h"
#include "mf_platform.h"
#include "preprocessing.h"
#if MF_QEMU_DATASET
#include "mf_qemu_windows.h"
#endif

#ifndef MF_QEMU_TARGET_MHZ
#define MF_QEMU_TARGET_MHZ 64
#endif
#ifndef MF_QEMU_WINDOWS
#define MF_QEMU_WINDOWS 0  // 0: run until QEMU is stopped
#endif

namespace {

struct Uart {
  volatile uint32_t data, state, ctrl, intstatus, bauddiv;
};
struct Timer {
  volatile uint32_t ctrl, value, reload, intstatus;
};
Uart* const kUart0 = reinterpret_cast<Uart*>(0x40004000u);
Timer* const kTimer0 = reinterpret_cast<Timer*>(0x40000000u);
constexpr uint32_t kTimerHz = 25000000u;
constexpr uint32_t kInstructionsPerTick = 1000000000u / kTimerHz;  // icount shift=0: 1 ns per instruction

uint64_t g_ticks_high = 0;
uint32_t g_last_value = 0xFFFFFFFFu;
long g_windows_started = 0;
long g_current_window = 0;
long g_last_complete_window = -1;
int g_reads_in_window = 0;
uint32_t g_rng = 12345u;

uint64_t ticks() {
  // The timer counts down from 0xFFFFFFFF; extend it to 64 bits across wrap-arounds.
  const uint32_t v = kTimer0->value;
  if (v > g_last_value) g_ticks_high += 1ull << 32;
  g_last_value = v;
  return g_ticks_high + (0xFFFFFFFFull - v);
}

void uart_put(char c) {
  while (kUart0->state & 1u) {
  }
  kUart0->data = (uint32_t)c;
}

float noise() {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 17;
  g_rng ^= g_rng << 5;
  return (float)(g_rng % 2001u) / 1000.0f - 1.0f;
}

bool starts_with(const char* s, const char* p) { return strncmp(s, p, strlen(p)) == 0; }

// The start-up line (runtime, arena) goes out before anyone can have opened the pseudo-terminal,
// and opening a serial port flushes what is queued; so it is repeated every 50 inferences.
char g_memory_line[160];
long g_timing_lines = 0;

void put_line(const char* line, size_t n) {
  for (size_t i = 0; i < n; ++i) uart_put(line[i]);
}

}  // namespace

bool mf_sensor_begin() { return true; }

bool mf_sensor_read(float out[6]) {
  if (g_reads_in_window == 0) {
    if (MF_QEMU_WINDOWS > 0 && g_windows_started >= MF_QEMU_WINDOWS) {
      // Semihosting would need -semihosting; a clean stop is simply silence.
      for (;;) {
      }
    }
    g_current_window = g_windows_started++;
  }
#if MF_QEMU_DATASET
  // A dataset window shorter than the model's repeats its last sample.
  const long w = g_current_window % MF_QEMU_WINDOW_COUNT;
  const unsigned long end = kMfQemuWindowStart[w + 1];
  unsigned long i = kMfQemuWindowStart[w] + (unsigned long)g_reads_in_window;
  if (i >= end) i = end - 1;
  memcpy(out, &kMfQemuSamples[i * 6], sizeof(float) * 6);
  if (++g_reads_in_window == MF_WINDOW_LENGTH) {
    g_reads_in_window = 0;
    g_last_complete_window = w;
  }
  return true;
#endif
  const float t = (float)g_reads_in_window * 0.02f;
  const int kind = (int)(g_current_window % 3);
  out[0] = (kind == 0 ? sinf(t * 12.0f) : kind == 1 ? (t < 0.3f ? 3.0f * t / 0.3f : 0.2f) : 0.3f * sinf(t * 3.0f)) + 0.05f * noise();
  out[1] = (kind == 2 ? 0.8f * sinf(t * 3.0f) : 0.1f) + 0.05f * noise();
  out[2] = 1.0f + 0.05f * noise();
  out[3] = (kind == 0 ? 200.0f * cosf(t * 12.0f) : 5.0f) + 4.0f * noise();
  out[4] = (kind == 1 ? 150.0f : 0.0f) + 4.0f * noise();
  out[5] = (kind == 2 ? 120.0f * cosf(t * 3.0f) : 0.0f) + 4.0f * noise();
  if (++g_reads_in_window == MF_WINDOW_LENGTH) g_reads_in_window = 0;
  return true;
}

unsigned long mf_micros() {
  // Nanoseconds at the target clock, one cycle per instruction (see the top of this file).
  return (unsigned long)(ticks() * kInstructionsPerTick * 1000u / MF_QEMU_TARGET_MHZ);
}

void mf_print_line(const char* line) {
  const size_t n = strlen(line);
  const bool timing = starts_with(line, "sensor:") && n >= 3 && strcmp(line + n - 3, " us") == 0;
  if (starts_with(line, "runtime:")) snprintf(g_memory_line, sizeof g_memory_line, "%s", line);
  put_line(line, timing ? n - 3 : n);
  if (timing) put_line(" ns", 3);
#if MF_QEMU_DATASET
  if (starts_with(line, "label:")) {
    char tag[24];
    snprintf(tag, sizeof tag, " window:%ld", g_last_complete_window);
    put_line(tag, strlen(tag));
  }
#endif
  put_line("\r\n", 2);
  if (timing && ++g_timing_lines % 50 == 0 && g_memory_line[0]) {
    put_line(g_memory_line, strlen(g_memory_line));
    put_line("\r\n", 2);
  }
}

long mf_free_memory() { return -1; }

int main() {
  kUart0->bauddiv = 16;
  kUart0->ctrl = 1;  // TX enable
  kTimer0->reload = 0xFFFFFFFFu;
  kTimer0->value = 0xFFFFFFFFu;
  kTimer0->ctrl = 1;  // enable, PCLK
  // Self-check of the clock: 4000 NOPs should read as about 4000 instructions (plus the reads).
  const uint64_t c0 = ticks();
  __asm volatile(".rept 4000\n nop\n .endr");
  const uint64_t c1 = ticks();
  char banner[160];
  snprintf(banner, sizeof banner, "calibration: 4000 nops measured as %lu instructions", (unsigned long)((c1 - c0) * kInstructionsPerTick));
  mf_print_line(banner);
  snprintf(banner, sizeof banner, "Microforge on QEMU mps2-an386 (Cortex-M4F): instruction-count timing at %d MHz, 1 cycle per instruction", MF_QEMU_TARGET_MHZ);
  mf_print_line(banner);
  mf_app_setup();
  for (;;) mf_app_loop();
}
