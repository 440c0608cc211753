// Measures a model's TensorFlow Lite Micro arena on the target it is built for: arena_used_bytes()
// after AllocateTensors(), and the smallest arena AllocateTensors() succeeds with (a binary search
// in 16-byte steps over fresh interpreters on the same buffer). The resolver is not in the arena, so
// one that registers every operator Microforge's models use serves every model.
#include <stdio.h>

#include <new>

#include "model_data.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {
alignas(16) uint8_t g_arena[256 * 1024];
alignas(16) uint8_t g_interpreter[sizeof(tflite::MicroInterpreter)];
tflite::MicroMutableOpResolver<16> g_resolver;

bool Allocate(const tflite::Model* model, size_t bytes, size_t* used) {
  auto* interpreter = new (g_interpreter) tflite::MicroInterpreter(model, g_resolver, g_arena, bytes);
  if (interpreter->AllocateTensors() != kTfLiteOk) return false;
  *used = interpreter->arena_used_bytes();
  return true;
}
}  // namespace

int main() {
  g_resolver.AddConv2D();
  g_resolver.AddDepthwiseConv2D();
  g_resolver.AddFullyConnected();
  g_resolver.AddMaxPool2D();
  g_resolver.AddAveragePool2D();
  g_resolver.AddMean();
  g_resolver.AddSoftmax();
  g_resolver.AddReshape();
  g_resolver.AddExpandDims();
  g_resolver.AddSqueeze();
  g_resolver.AddQuantize();
  g_resolver.AddDequantize();
  g_resolver.AddRelu();
  g_resolver.AddRelu6();
  const tflite::Model* model = tflite::GetModel(g_model_data);
  size_t used = 0;
  if (!Allocate(model, sizeof g_arena, &used)) {
    printf("error: AllocateTensors failed with %u bytes\n", (unsigned)sizeof g_arena);
    return 2;
  }
  size_t fails = 0, works = sizeof g_arena;
  while (works - fails > 16) {
    const size_t mid = ((fails + works) / 2) & ~static_cast<size_t>(15);
    size_t ignored;
    if (Allocate(model, mid > fails ? mid : fails + 16, &ignored)) works = mid > fails ? mid : fails + 16;
    else fails = mid > fails ? mid : fails + 16;
  }
  printf("arena_used_bytes: %u\nsmallest_arena: %u\n", (unsigned)used, (unsigned)works);
  return 0;
}
