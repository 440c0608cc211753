// `npm run bench -- m4`, TensorFlow Lite Micro (reference or CMSIS-NN kernels, release build): one
// inference of the model in model_data.cc with the resolver in model_ops.h, timed per operator.
// Release archives compile TFLM's profiler hooks out, so the resolver hands the interpreter copies
// of the registrations whose invoke first marks the operator's start, then calls the kernel.
#include <cstdint>
#include <cstdio>

#include "bench_hooks.h"
#include "model_ops.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_op_resolver.h"
#include "tensorflow/lite/schema/schema_generated.h"

extern const unsigned char g_model_data[];

namespace {
constexpr size_t kArenaBytes = 256 * 1024;
alignas(16) uint8_t g_arena[kArenaBytes];

using InvokeFn = TfLiteStatus (*)(TfLiteContext*, TfLiteNode*);
InvokeFn g_invoke[kModelOpCount];
int g_next_op = 0;

template <int N>
TfLiteStatus MarkedInvoke(TfLiteContext* context, TfLiteNode* node) {
  mf_bench_mark(g_next_op++);
  return g_invoke[N](context, node);
}

template <int... N>
struct Trampolines {
  static constexpr InvokeFn kAll[sizeof...(N)] = {&MarkedInvoke<N>...};
};

template <int K, int... N>
struct MakeTrampolines : MakeTrampolines<K - 1, K - 1, N...> {};
template <int... N>
struct MakeTrampolines<0, N...> : Trampolines<N...> {};

class MarkingResolver : public tflite::MicroOpResolver {
 public:
  explicit MarkingResolver(const ModelOpResolver& inner) : inner_(inner) {}
  const TFLMRegistration* FindOp(tflite::BuiltinOperator op) const override { return Wrap(inner_.FindOp(op)); }
  const TFLMRegistration* FindOp(const char* op) const override { return Wrap(inner_.FindOp(op)); }
  tflite::TfLiteBridgeBuiltinParseFunction GetOpDataParser(tflite::BuiltinOperator op) const override { return inner_.GetOpDataParser(op); }

 private:
  const TFLMRegistration* Wrap(const TFLMRegistration* r) const {
    if (r == nullptr) return nullptr;
    for (int i = 0; i < used_; ++i) {
      if (original_[i] == r) return &wrapped_[i];
    }
    if (used_ == kModelOpCount) return r;
    original_[used_] = r;
    wrapped_[used_] = *r;
    g_invoke[used_] = r->invoke;
    wrapped_[used_].invoke = MakeTrampolines<kModelOpCount>::kAll[used_];
    return &wrapped_[used_++];
  }
  const ModelOpResolver& inner_;
  mutable const TFLMRegistration* original_[kModelOpCount] = {};
  mutable TFLMRegistration wrapped_[kModelOpCount] = {};
  mutable int used_ = 0;
};
}  // namespace

int main() {
  const tflite::Model* model = tflite::GetModel(g_model_data);
  ModelOpResolver resolver;
  if (RegisterModelOps(resolver) != kTfLiteOk) return 1;
  static MarkingResolver marking(resolver);
  static tflite::MicroInterpreter interpreter(model, marking, g_arena, kArenaBytes);
  if (interpreter.AllocateTensors() != kTfLiteOk) {
    printf("AllocateTensors failed\n");
    return 2;
  }
  TfLiteTensor* in = interpreter.input(0);
  // The same input values as c_main.c; float32 models get them divided by 8 (exact in float).
  if (in->type == kTfLiteFloat32) {
    for (size_t i = 0; i < in->bytes / sizeof(float); ++i) in->data.f[i] = static_cast<float>((static_cast<int>(i) * 37) % 23 - 11) / 8.0f;
  } else {
    for (size_t i = 0; i < in->bytes; ++i) in->data.int8[i] = static_cast<int8_t>((static_cast<int>(i) * 37) % 23 - 11);
  }
  mf_bench_timer_start();
  MF_BENCH_PAINT_STACK();
  const uint32_t start = mf_bench_ticks();
  if (interpreter.Invoke() != kTfLiteOk) return 3;
  const uint32_t end = mf_bench_ticks();
  const uint32_t stack = mf_bench_stack_used();
  mf_bench_report(start, end);
  printf("stack %lu\n", static_cast<unsigned long>(stack));
  printf("arena %lu\n", static_cast<unsigned long>(interpreter.arena_used_bytes()));
  const TfLiteTensor* out = interpreter.output(0);
  // Raw bytes (float32 outputs too: the host reassembles them, no float printf needed).
  printf("output");
  for (size_t i = 0; i < out->bytes; ++i) printf(" %d", static_cast<int>(out->data.int8[i]));
  printf("\n");
  return 0;
}
