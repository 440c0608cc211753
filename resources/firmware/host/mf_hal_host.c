/*
 * Host port of the Microforge board HAL: runs the generated firmware on this computer as a
 * virtual board. Sensor windows come from a text file (one sample per line: aX aY aZ gX gY gZ,
 * a blank line between windows; written by Microforge from the project's dataset) or, without
 * one, from a small synthetic generator. Serial output is stdout (socat relays it to a
 * pseudo-terminal). Timings are this computer's, which is why the banner says "host".
 *
 * Options: --windows FILE  --count N (stop after N windows, 0 = run until killed)
 *          --rate R (windows per second, 0 = as fast as possible)
 *          --start-delay-ms M (wait before the first line: a serial reader flushes its input when it
 *          opens the port, so lines printed before that are lost, as with a real board that does
 *          not wait for `while (!Serial)`)
 */
#define _POSIX_C_SOURCE 200809L
#include "mf_hal.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef MF_HOST_OPT
#define MF_HOST_OPT "-O2"
#endif

typedef struct {
  float values[6];
} sample6;

static sample6 *g_samples;
static int32_t *g_window_start; /* index of each window's first sample; one extra entry at the end */
static int32_t g_window_count;
static long g_count_limit;
static double g_rate = 20.0;
static long g_windows_done;
static int32_t g_current = -1;
static int32_t g_cursor;
static uint32_t g_rng = 12345u;
static uint64_t g_last_idle;
static char g_description[160];

static void die(const char *what) {
  fprintf(stderr, "virtual board: %s\n", what);
  exit(2);
}

static void load_windows(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) die(strerror(errno));
  size_t cap_s = 1024, cap_w = 64, n_s = 0, n_w = 0;
  g_samples = malloc(cap_s * sizeof *g_samples);
  g_window_start = malloc(cap_w * sizeof *g_window_start);
  if (!g_samples || !g_window_start) die("out of memory");
  char line[1024];
  int in_window = 0;
  while (fgets(line, sizeof line, f)) {
    char *p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\n' || *p == '\r' || *p == 0) {
      in_window = 0;
      continue;
    }
    if (!in_window) {
      if (n_w + 2 > cap_w) {
        cap_w *= 2;
        g_window_start = realloc(g_window_start, cap_w * sizeof *g_window_start);
        if (!g_window_start) die("out of memory");
      }
      g_window_start[n_w++] = (int32_t)n_s;
      in_window = 1;
    }
    if (n_s + 1 > cap_s) {
      cap_s *= 2;
      g_samples = realloc(g_samples, cap_s * sizeof *g_samples);
      if (!g_samples) die("out of memory");
    }
    sample6 s = {{0, 0, 0, 0, 0, 0}};
    for (int c = 0; c < 6; c++) {
      char *end;
      double v = strtod(p, &end);
      if (end == p) break;
      s.values[c] = (float)v;
      p = end;
      while (*p == ' ' || *p == '\t' || *p == ',') p++;
    }
    g_samples[n_s++] = s;
  }
  fclose(f);
  if (n_w == 0) die("the windows file has no samples");
  g_window_start[n_w] = (int32_t)n_s;
  g_window_count = (int32_t)n_w;
}

void mf_hal_init(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--windows") && i + 1 < argc) load_windows(argv[++i]);
    else if (!strcmp(argv[i], "--count") && i + 1 < argc) g_count_limit = strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--rate") && i + 1 < argc) g_rate = strtod(argv[++i], NULL);
    else if (!strcmp(argv[i], "--start-delay-ms") && i + 1 < argc) {
      long ms = strtol(argv[++i], NULL, 10);
      struct timespec ts = {(time_t)(ms / 1000), (ms % 1000) * 1000000L};
      if (ms > 0) nanosleep(&ts, NULL);
    }
  }
#if defined(__x86_64__)
  const char *arch = "x86_64";
#elif defined(__aarch64__)
  const char *arch = "aarch64";
#else
  const char *arch = "unknown CPU";
#endif
#ifdef __VERSION__
  snprintf(g_description, sizeof g_description, "host %s, gcc %s, %s (host timings)", arch, __VERSION__, MF_HOST_OPT);
#else
  snprintf(g_description, sizeof g_description, "host %s, %s (host timings)", arch, MF_HOST_OPT);
#endif
  g_last_idle = mf_hal_nanos();
}

uint64_t mf_hal_nanos(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int32_t mf_hal_begin_window(void) {
  if (g_count_limit > 0 && g_windows_done >= g_count_limit) return -1;
  g_windows_done++;
  if (g_window_count > 0) {
    g_current = (int32_t)((g_windows_done - 1) % g_window_count);
    g_cursor = g_window_start[g_current];
  } else {
    g_current = (int32_t)(g_windows_done - 1);
    g_cursor = 0;
  }
  return g_current;
}

/* xorshift32: deterministic noise for the synthetic windows. */
static float noise(void) {
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 17;
  g_rng ^= g_rng << 5;
  return (float)(g_rng % 2001u) / 1000.0f - 1.0f;
}

void mf_hal_read_sample(float sensor[6]) {
  if (g_window_count > 0) {
    /* A window shorter than the model's repeats its last sample (the firmware decides the length). */
    int32_t end = g_window_start[g_current + 1];
    int32_t i = g_cursor < end ? g_cursor : end - 1;
    memcpy(sensor, g_samples[i].values, sizeof g_samples[i].values);
    g_cursor++;
    return;
  }
  /* Three gesture-like shapes (wave, punch, flex), one per window in turn. */
  float t = (float)g_cursor++ * 0.02f;
  int kind = g_current % 3;
  float ax = kind == 0 ? sinf(t * 12.0f) : kind == 1 ? (t < 0.3f ? 3.0f * t / 0.3f : 0.2f) : 0.3f * sinf(t * 3.0f);
  float ay = kind == 2 ? 0.8f * sinf(t * 3.0f) : 0.1f;
  float az = 1.0f;
  float g[3] = {kind == 0 ? 200.0f * cosf(t * 12.0f) : 5.0f, kind == 1 ? 150.0f : 0.0f, kind == 2 ? 120.0f * cosf(t * 3.0f) : 0.0f};
  sensor[0] = ax + 0.05f * noise();
  sensor[1] = ay + 0.05f * noise();
  sensor[2] = az + 0.05f * noise();
  for (int c = 0; c < 3; c++) sensor[3 + c] = g[c] + 4.0f * noise();
}

void mf_hal_print_line(const char *line) {
  /* \r\n as Serial.println() writes it; flushed so each line reaches the pty at once. */
  fputs(line, stdout);
  fputs("\r\n", stdout);
  fflush(stdout);
}

int64_t mf_hal_free_memory(void) {
  /* A computer's free memory says nothing about a microcontroller's; report none. */
  return -1;
}

void mf_hal_idle(void) {
  if (g_rate <= 0) return;
  uint64_t period = (uint64_t)(1e9 / g_rate);
  uint64_t now = mf_hal_nanos();
  if (now - g_last_idle < period) {
    uint64_t wait = period - (now - g_last_idle);
    struct timespec ts = {(time_t)(wait / 1000000000u), (long)(wait % 1000000000u)};
    nanosleep(&ts, NULL);
  }
  g_last_idle = mf_hal_nanos();
}

const char *mf_hal_description(void) { return g_description; }
