// Measures a model's TensorFlow Lite Micro arena on the target it is built for. One run tries one
// arena size, taken from the semihosting command line (QEMU: -append N; none: 256 KiB): it prints
// arena_used_bytes() after AllocateTensors(), then runs the model once on a fixed input and prints
// the output bytes, so a run with a small arena can be checked against one with a large arena.
//
// Why one size per run: with an arena below what the model needs, TFLM's release build does not
// always fail cleanly. AllocateTensors() at 2,048 B on the DS-CNN int8 model with float I/O and
// CMSIS-NN kernels (it needs 4,096 B) continues after an allocation that failed, then reads a
// temporary TfLiteTensor whose quantization pointer holds 0xffffff80 (BusFault at 0xffffff84, and
// the SDK start-up's fault handler then locks QEMU up). The x86-64 library writes out of bounds in
// GreedyMemoryPlanner::CalculateOffsetsIfNeeded on the DS-CNN int8 model at 4,096 B (SIGSEGV). A
// crash ends only that run, and the caller counts it as "this size does not work".
//
// Exit status: 0 success, 3 AllocateTensors() failed, 4 Invoke() failed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model_data.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {
alignas(16) uint8_t g_arena[256 * 1024];
tflite::MicroMutableOpResolver<16> g_resolver;

// Semihosting SYS_GET_CMDLINE (0x15): QEMU answers with the kernel's file name and -append's text.
size_t ArenaBytesFromCommandLine() {
  static char text[128];
  struct {
    char* buffer;
    uint32_t length;
  } block = {text, sizeof text};
  register uint32_t r0 __asm("r0") = 0x15u;
  register void* r1 __asm("r1") = &block;
  __asm volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  if (r0 != 0) return sizeof g_arena;
  const char* last = text;
  for (const char* p = text; *p; ++p) {
    if (*p == ' ') last = p + 1;
  }
  const unsigned long bytes = strtoul(last, nullptr, 10);
  return bytes > 0 && bytes <= sizeof g_arena ? bytes : sizeof g_arena;
}

// A fixed input the same in every run: int8 values across the range, floats in [-2, 2).
void FillInput(TfLiteTensor* t) {
  for (size_t i = 0; i < t->bytes; ++i) {
    const int v = static_cast<int>((i * 37u + 11u) % 256u) - 128;
    if (t->type == kTfLiteFloat32) {
      if (i % 4 == 0) t->data.f[i / 4] = static_cast<float>(v) / 64.0f;
    } else {
      t->data.uint8[i] = static_cast<uint8_t>(v);
    }
  }
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
  const size_t bytes = ArenaBytesFromCommandLine();
  tflite::MicroInterpreter interpreter(tflite::GetModel(g_model_data), g_resolver, g_arena, bytes);
  printf("arena_size: %u\n", (unsigned)bytes);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    printf("allocate: failed\n");
    return 3;
  }
  printf("arena_used_bytes: %u\n", (unsigned)interpreter.arena_used_bytes());
  for (size_t i = 0; i < interpreter.inputs_size(); ++i) FillInput(interpreter.input(i));
  if (interpreter.Invoke() != kTfLiteOk) {
    printf("invoke: failed\n");
    return 4;
  }
  for (size_t o = 0; o < interpreter.outputs_size(); ++o) {
    const TfLiteTensor* t = interpreter.output(o);
    printf("output%u:", (unsigned)o);
    for (size_t i = 0; i < t->bytes; ++i) printf(" %02x", t->data.uint8[i]);
    printf("\n");
  }
  return 0;
}
