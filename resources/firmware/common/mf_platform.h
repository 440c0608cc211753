// Board services the Microforge app needs; each project provides them for its board.
#ifndef MF_PLATFORM_H_
#define MF_PLATFORM_H_

// Starts the motion sensor; false when it does not answer (wiring, address, library).
bool mf_sensor_begin();
// Latest reading: aX, aY, aZ in g and gX, gY, gZ in degrees per second.
bool mf_sensor_read(float out[6]);
unsigned long mf_micros();
// Prints one line followed by a newline on the serial console.
void mf_print_line(const char* line);
// Free heap bytes, or -1 when the core cannot tell.
long mf_free_memory();

#endif  // MF_PLATFORM_H_
