import type { VariantKind } from '../../../shared/optimize'

/** Labels and one-line explanations for the Optimize step's techniques. */
export const VARIANT_INFO: Record<VariantKind, { title: string; about: string; training: boolean }> = {
  float32: { title: 'Float32 (baseline)', about: 'The trained model as is: the accuracy every variant is compared with.', training: false },
  ptq: { title: 'Int8 PTQ, per-channel', about: 'Post-training quantization with a representative dataset. Start here.', training: false },
  'ptq-per-tensor': { title: 'Int8 PTQ, per-tensor', about: 'One weight scale per layer: simpler kernels, sometimes less accurate.', training: false },
  dynamic: { title: 'Dynamic range', about: 'Int8 weights, float activations. Smaller file, but TFLite Micro cannot run it.', training: false },
  fp16: { title: 'Float16 weights', about: 'Half-size weights, float compute. TFLite Micro cannot run it.', training: false },
  qat: { title: 'Quantization-aware training', about: 'Fine-tunes with simulated int8 so the model learns to live with rounding.', training: true },
  prune: { title: 'Magnitude pruning', about: 'Zeroes the smallest weights while fine-tuning; pays off after compression (OTA).', training: true },
  'prune-structured': { title: 'Structured pruning', about: 'Removes whole filters and neurons: fewer MACs, smaller file and arena.', training: true },
  distill: { title: 'Distillation', about: 'A smaller student learns from the trained model (teacher).', training: true },
  'student-scratch': { title: 'Student from scratch', about: 'The same student trained without a teacher, for comparison.', training: true },
  cluster: { title: 'Weight clustering', about: 'Each layer keeps only k distinct weights; compresses well.', training: true }
}
