/*
 * Microforge board HAL: the few things the portable firmware main (mf_app.c) needs from a board.
 * A board port implements these with its SDK (micros(), IMU.readAcceleration(), Serial); the host
 * port (mf_hal_host.c) implements them on Linux so the same generated firmware runs on this
 * computer as a virtual board, with real timings of the real generated code (host timings).
 */
#ifndef MF_HAL_H
#define MF_HAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Sets up the clock, the sensor and the serial port. argc/argv are the host's; boards pass 0/NULL. */
void mf_hal_init(int argc, char **argv);

/* A monotonic clock in nanoseconds. Boards may return micros() * 1000; resolution is the board's. */
uint64_t mf_hal_nanos(void);

/* Starts the next sensor window and returns its number (0, 1, 2, ...); -1 when there are no more. */
int32_t mf_hal_begin_window(void);

/* One sample of the six sensor channels {aX, aY, aZ, gX, gY, gZ} in g and degrees per second. */
void mf_hal_read_sample(float sensor[6]);

/* Writes one line of text (without its line end) to the serial port. */
void mf_hal_print_line(const char *line);

/* Free RAM in bytes, or -1 when the board cannot tell. */
int64_t mf_hal_free_memory(void);

/* Called between inferences: a board returns at once, the host paces the loop. */
void mf_hal_idle(void);

/* A short description of what runs the code, printed at start ("host x86_64, gcc 12.2, -O2"). */
const char *mf_hal_description(void);

#ifdef __cplusplus
}
#endif

#endif /* MF_HAL_H */
