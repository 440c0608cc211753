// One interface over both runtimes (TensorFlow Lite Micro, or Microforge's own C runtime), so the
// app code and the timings it prints are the same whichever runtime the project was generated for.
#ifndef MF_INFER_H_
#define MF_INFER_H_

#include <stddef.h>

bool mf_infer_begin();
// MF_INPUT_VALUES normalized values, time-major; quantizes when the model's input is int8.
void mf_infer_set_input(const float* normalized);
bool mf_infer_invoke();
// MF_CLASS_COUNT scores as probabilities (dequantized when the model's output is int8).
void mf_infer_get_scores(float* scores);
size_t mf_infer_arena_used();
size_t mf_infer_arena_size();
const char* mf_infer_runtime_name();

#endif  // MF_INFER_H_
