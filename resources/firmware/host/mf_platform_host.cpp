// Host port of the Microforge board services (mf_platform.h): runs the firmware Deploy generates
// (mf_app.cpp, mf_infer_c.cpp, the C-runtime model) on this computer as a virtual board.
//
// Sensor windows come from a text file (one sample per line: aX aY aZ gX gY gZ, a blank line
// between windows; Microforge writes it from the project's dataset) or, without one, from a small
// synthetic generator. The serial console is stdout; socat relays it to a pseudo-terminal.
//
// Two things differ from a board, on purpose (except in capture mode, which runs in real time):
// - mf_micros() counts nanoseconds. A desktop CPU runs a small model's stages in well under a
//   microsecond, which a microsecond clock would print as 0; so timing lines leave here labelled
//   "ns" instead of "us". The numbers are real timings of the generated code on this computer:
//   host timings, not a board's. The sample clock runs 1000x faster for the same reason: the
//   virtual board does not wait real time between samples (--rate paces whole windows instead).
// - Classification lines get " window:N" appended: the dataset window they classified, so the
//   app can check them against the desktop interpreter window by window.
//
// Options: --windows FILE  --count N (exit after N windows)  --rate R (windows per second, 0 = no
// pacing)  --start-delay-ms M (wait before the first line, as a board waits for `while (!Serial)`).
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vector>

#include "mf_app.h"
#include "mf_config.h"
#include "mf_platform.h"
#include "preprocessing.h"

namespace {

struct Sample {
  float v[6];
};

std::vector<Sample> g_samples;
std::vector<size_t> g_window_start;  // first sample of each window; one extra entry at the end
long g_count_limit = 0;
double g_rate = 20.0;
long g_windows_started = 0;
long g_current_window = -1;
long g_last_complete_window = -1;
int g_reads_in_window = 0;
size_t g_cursor = 0;
unsigned g_rng = 12345u;
unsigned long long g_last_paced = 0;

unsigned long long now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

void sleep_ns(unsigned long long ns) {
  timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
  nanosleep(&ts, nullptr);
}

void die(const char* what) {
  fprintf(stderr, "virtual board: %s\n", what);
  exit(2);
}

void load_windows(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) die(strerror(errno));
  char line[1024];
  bool in_window = false;
  while (fgets(line, sizeof line, f)) {
    char* p = line;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '\n' || *p == '\r' || *p == 0) {
      in_window = false;
      continue;
    }
    if (!in_window) {
      g_window_start.push_back(g_samples.size());
      in_window = true;
    }
    Sample s = {{0, 0, 0, 0, 0, 0}};
    for (int c = 0; c < 6; c++) {
      char* end;
      double v = strtod(p, &end);
      if (end == p) break;
      s.v[c] = (float)v;
      p = end;
      while (*p == ' ' || *p == '\t' || *p == ',') p++;
    }
    g_samples.push_back(s);
  }
  fclose(f);
  if (g_window_start.empty()) die("the windows file has no samples");
  g_window_start.push_back(g_samples.size());
}

float noise() {
  // xorshift32: deterministic noise for the synthetic windows.
  g_rng ^= g_rng << 13;
  g_rng ^= g_rng >> 17;
  g_rng ^= g_rng << 5;
  return (float)(g_rng % 2001u) / 1000.0f - 1.0f;
}

void synthetic_sample(float out[6]) {
  // Three gesture-like shapes (wave, punch, flex), one per window in turn.
  float t = (float)g_reads_in_window * 0.02f;
  int kind = (int)(g_current_window % 3);
  float ax = kind == 0 ? sinf(t * 12.0f) : kind == 1 ? (t < 0.3f ? 3.0f * t / 0.3f : 0.2f) : 0.3f * sinf(t * 3.0f);
  float ay = kind == 2 ? 0.8f * sinf(t * 3.0f) : 0.1f;
  float g[3] = {kind == 0 ? 200.0f * cosf(t * 12.0f) : 5.0f, kind == 1 ? 150.0f : 0.0f, kind == 2 ? 120.0f * cosf(t * 3.0f) : 0.0f};
  out[0] = ax + 0.05f * noise();
  out[1] = ay + 0.05f * noise();
  out[2] = 1.0f + 0.05f * noise();
  for (int c = 0; c < 3; c++) out[3 + c] = g[c] + 4.0f * noise();
}

bool starts_with(const char* s, const char* prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

void pace() {
  if (g_rate <= 0) return;
  const unsigned long long period = (unsigned long long)(1e9 / g_rate);
  const unsigned long long now = now_ns();
  if (now - g_last_paced < period) sleep_ns(period - (now - g_last_paced));
  g_last_paced = now_ns();
}

}  // namespace

bool mf_sensor_begin() { return true; }

bool mf_sensor_read(float out[6]) {
  if (g_reads_in_window == 0) {
    if (g_count_limit > 0 && g_windows_started >= g_count_limit) {
      fflush(stdout);
      exit(0);
    }
    g_current_window = g_window_start.empty() ? g_windows_started : g_windows_started % (long)(g_window_start.size() - 1);
    g_cursor = g_window_start.empty() ? 0 : g_window_start[g_current_window];
    g_windows_started++;
  }
  if (g_window_start.empty()) {
    synthetic_sample(out);
  } else {
    // A dataset window shorter than the model's repeats its last sample.
    const size_t end = g_window_start[g_current_window + 1];
    memcpy(out, g_samples[g_cursor < end ? g_cursor : end - 1].v, sizeof(float) * 6);
    g_cursor++;
  }
  if (++g_reads_in_window == MF_WINDOW_LENGTH) {
    g_reads_in_window = 0;
    g_last_complete_window = g_current_window;
  }
  return true;
}

unsigned long mf_micros() {
#if MF_MODE_CAPTURE
  // Capture firmware streams samples for the app to record: it must keep the real sample rate, so
  // its clock is real microseconds. Each reading yields the CPU for 0.2 ms so the firmware's wait
  // for the next sample slot does not spin a core; the slots are absolute, so nothing drifts.
  sleep_ns(200000ull);
  return (unsigned long)(now_ns() / 1000ull);
#else
  return (unsigned long)now_ns();
#endif
}

void mf_print_line(const char* line) {
  const size_t n = strlen(line);
  const bool timing = starts_with(line, "sensor:") && n >= 3 && strcmp(line + n - 3, " us") == 0;
  const bool label = starts_with(line, "label:");
  if (timing) {
    fwrite(line, 1, n - 3, stdout);
    fputs(" ns", stdout);
  } else {
    fputs(line, stdout);
  }
  if (label) fprintf(stdout, " window:%ld", g_last_complete_window);
  fputs("\r\n", stdout);
  fflush(stdout);
  if (timing || label) pace();
}

long mf_free_memory() {
  // A computer's free memory says nothing about a microcontroller's.
  return -1;
}

int main(int argc, char** argv) {
  long start_delay_ms = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--windows") && i + 1 < argc) load_windows(argv[++i]);
    else if (!strcmp(argv[i], "--count") && i + 1 < argc) g_count_limit = strtol(argv[++i], nullptr, 10);
    else if (!strcmp(argv[i], "--rate") && i + 1 < argc) g_rate = strtod(argv[++i], nullptr);
    else if (!strcmp(argv[i], "--start-delay-ms") && i + 1 < argc) start_delay_ms = strtol(argv[++i], nullptr, 10);
  }
  if (start_delay_ms > 0) sleep_ns((unsigned long long)start_delay_ms * 1000000ull);
#if defined(__x86_64__)
  const char* arch = "x86_64";
#elif defined(__aarch64__)
  const char* arch = "aarch64";
#else
  const char* arch = "this CPU";
#endif
  char banner[256];
  snprintf(banner, sizeof banner, "Microforge virtual board: the generated firmware on %s, g++ %s %s (host timings, clock in ns)", arch, __VERSION__, MF_HOST_OPT);
  mf_print_line(banner);
  g_last_paced = now_ns();
  mf_app_setup();
  for (;;) mf_app_loop();
}
