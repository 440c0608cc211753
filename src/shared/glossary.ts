/**
 * Every term and unit that appears in a table header or chart, in a sentence a hobbyist can read.
 * The views show these on hover (components/Term.vue); docs/glossary.md is the same list, and a
 * unit test keeps the two in step.
 */
export const GLOSSARY = {
  accuracy: { term: 'Accuracy', text: 'Share of the test windows (never seen in training) the model classifies correctly.' },
  arena: { term: 'Arena', text: 'The block of RAM TensorFlow Lite Micro reserves for intermediate results while the model runs. It must fit in the board’s RAM next to your sketch.' },
  baseline: { term: 'Baseline', text: 'Accuracy on the same test windows with no training at all: each window gets the class of its nearest training window (nearest neighbour). A trained model below it is not working yet; Train says why and offers a fix.' },
  budget: { term: 'Budget', text: 'The flash, RAM, latency and accuracy limits a variant must meet to be recommended for your board.' },
  cRuntime: { term: 'C runtime', text: 'Microforge’s own int8 runtime: plain C generated for your model’s exact shapes, with no interpreter. Same outputs as TensorFlow Lite Micro, bit for bit.' },
  tflmReference: { term: 'TFLM reference', text: 'TensorFlow Lite Micro with its reference kernels: portable C++ that runs on any board, the slowest of the three.' },
  cmsisNn: { term: 'CMSIS-NN', text: 'Arm’s optimized kernels for Cortex-M chips, which TensorFlow Lite Micro uses on Cortex-M4/M7 boards (Nano 33 BLE, STM32). Same outputs as the reference kernels.' },
  delta: { term: 'Δ vs float32', text: 'How many percentage points (pt) of accuracy a variant gains or loses against the float32 model it was made from.' },
  estLatency: { term: 'Est. latency', text: 'Estimated time for one inference on the chosen board, int8 with the Microforge C runtime, float with TFLM (hover for the other runtimes): per-operator instruction counts measured on an emulated Cortex-M4F, at the board’s clock; for ESP32 and RP2040 a projection. A profile on a real board corrects it.' },
  flash: { term: 'Flash', text: 'Program memory of the board: the firmware and the model’s weights live there.' },
  float32: { term: 'float32', text: 'Numbers stored as 32-bit floating point, as the model was trained. Accurate, but 4 times the size of int8 and slow on small chips.' },
  format: { term: 'Format', text: 'How the model’s numbers are stored: int8 (8-bit integers), float16 or float32.' },
  gzip: { term: 'gzip', text: 'Size of the .tflite file after gzip compression: what an over-the-air update would send. Pruned and clustered models compress better.' },
  host: { term: 'Host', text: 'Time measured on this computer. It shows how models compare with each other, not how fast your board is.' },
  inference: { term: 'Inference', text: 'One run of the model on one window of sensor data, giving one prediction.' },
  int8: { term: 'int8', text: '8-bit integers: a quantized model stores weights and activations this way, 4 times smaller than float32 and fast on microcontrollers.' },
  job: { term: 'Job', text: 'How long creating this variant took on this computer (quantization, fine-tuning and measuring).' },
  macs: { term: 'MACs', text: 'Multiply-accumulate operations per inference: the model’s arithmetic work. Fewer MACs means a faster inference.' },
  median: { term: 'Median', text: 'The middle value: half of the inferences were faster, half slower. Unlike the mean, one slow outlier does not move it.' },
  p95: { term: 'p95', text: '95th percentile: 95 % of the inferences were at least this fast.' },
  params: { term: 'Params', text: 'Number of weights and biases in the model.' },
  precision: { term: 'Precision', text: 'Of the windows the model called this class, the share that really were.' },
  qat: { term: 'QAT', text: 'Quantization-aware training: fine-tuning with simulated int8 rounding so the model loses less accuracy when quantized.' },
  ptq: { term: 'PTQ', text: 'Post-training quantization: converting a trained model to int8 using a few example windows, without retraining.' },
  recall: { term: 'Recall', text: 'Of the windows that really were this class, the share the model found.' },
  relu6: { term: 'relu6', text: 'An activation function: negative values become 0 and values above 6 become 6. It keeps numbers in a range int8 represents well.' },
  sparsity: { term: 'Sparsity', text: 'Share of weights that are exactly zero after pruning.' },
  tflite: { term: '.tflite', text: 'The model file TensorFlow Lite (Micro) reads; its size is roughly the flash the model needs.' },
  uncorrected: { term: 'uncorrected', text: 'The latency model’s raw estimate, before the correction factor learned from profiling a real board is applied.' },
  windowOffset: { term: 'Window offset removed', text: 'Preprocessing that subtracts each window’s own average per axis (how the sensor was held, gravity, a gyro’s bias) before scaling by the spread. Chosen automatically when the grip varies between recordings more than the motions do.' },
  window: { term: 'Window', text: 'A fixed number of consecutive sensor samples the model classifies at once, for example 1 s at 50 Hz = 50 samples.' },
  zscore: { term: 'z-score', text: 'Normalization: each axis has its mean subtracted and is divided by its standard deviation, so all axes have a similar range.' },
  sampleRate: { term: 'Hz', text: 'Samples per second the sensor delivers.' },
  kb: { term: 'KB', text: 'Kilobyte: 1024 bytes.' },
  us: { term: 'µs, ms, s', text: 'Microseconds (millionths of a second), milliseconds (thousandths of a second) and seconds.' },
  epoch: { term: 'Epoch', text: 'One pass of training over every training window. Training curves are drawn per epoch.' },
  loss: { term: 'Loss', text: 'How wrong the model’s predictions are (cross-entropy): lower is better. Training lowers it on the training windows; the validation loss shows whether that carries over to windows it does not train on.' },
  validation: { term: 'Validation', text: 'Windows held back from training (a share of the training split) and checked after every epoch: they show when the model stops improving and keep it from only memorising the training windows.' },
  accelG: { term: 'g', text: 'Acceleration in units of gravity: 1 g = 9.81 m/s². A board lying still reads about 1 g on the axis that points up.' },
  gyroDps: { term: '°/s', text: 'Rotation speed in degrees per second, from the gyroscope. These axes use the chart’s right-hand scale.' },
  sample: { term: 'Sample', text: 'One reading of every sensor axis at one moment; a window is a run of consecutive samples.' }
} as const satisfies Record<string, { term: string; text: string }>

export type GlossaryKey = keyof typeof GLOSSARY

/** The hover text for a term: its explanation. */
export function explain(key: GlossaryKey): string {
  return GLOSSARY[key].text
}

/** docs/glossary.md, generated from the list above. */
export function glossaryMarkdown(): string {
  const rows = Object.values(GLOSSARY)
    .slice()
    .sort((a, b) => a.term.localeCompare(b.term, 'en', { sensitivity: 'base' }))
    .map((g) => `- **${g.term}**: ${g.text}`)
  return ['# Glossary', '', 'The words and units Microforge shows in tables and charts. Hover a column title in the app to see the same text.', '', ...rows, ''].join('\n')
}
