/**
 * Shapes the latency cost models are fitted to (and only those): small 1D models whose layers
 * sweep channels, kernel sizes and lengths, int8 PTQ. The bench models are held out, so the fit
 * is checked on shapes it never saw (test/unit/core/optimize/runtime-latency.test.ts).
 */
import { exportModel } from '../../src/main/core/export/export-model'
import type { Layer, ModelIR } from '../../src/main/core/model/model-ir'
import { mulberry32 } from '../../src/main/core/util/random'
import { conv1d, dense, depthwise, rng } from '../../test/unit/core/export/models'
import { microSpeechShaped } from '../../test/integration/helpers/shaped-models'
import type { BenchModel } from './models'

interface Sweep {
  name: string
  window: number
  axes: number
  layers: (r: () => number) => Layer[]
}

const SWEEPS: Sweep[] = [
  { name: 'sweep conv 3->12 k3, pool, fc', window: 64, axes: 3, layers: (r) => [conv1d(r, 'c', 3, 12, 3, 'relu'), { type: 'maxPool1d', name: 'p', poolSize: 2, strides: 2, padding: 'valid' }, { type: 'flatten', name: 'f' }, dense(r, 'd', 31 * 12, 4, 'softmax')] },
  { name: 'sweep conv 6->24 k7 same, avg pool', window: 48, axes: 6, layers: (r) => [conv1d(r, 'c', 6, 24, 7, 'relu', 'same'), { type: 'avgPool1d', name: 'p', poolSize: 3, strides: 3, padding: 'valid' }, { type: 'flatten', name: 'f' }, dense(r, 'd', 16 * 24, 3, 'softmax')] },
  { name: 'sweep conv 10->40 k2 stride 2, mean', window: 80, axes: 10, layers: (r) => [conv1d(r, 'c', 10, 40, 2, 'relu', 'valid', 2), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 40, 5, 'softmax')] },
  { name: 'sweep dw 12 k9 same + pw 12->20', window: 60, axes: 12, layers: (r) => [depthwise(r, 'dw', 12, 1, 9, 'relu', 'same'), conv1d(r, 'pw', 12, 20, 1, 'relu'), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 20, 2, 'softmax')] },
  { name: 'sweep dw 32 k3 + pw 32->48', window: 40, axes: 32, layers: (r) => [depthwise(r, 'dw', 32, 1, 3, 'relu6'), conv1d(r, 'pw', 32, 48, 1, 'relu'), { type: 'maxPool1d', name: 'p', poolSize: 4, strides: 4, padding: 'valid' }, { type: 'flatten', name: 'f' }, dense(r, 'd', 10 * 48, 3, 'softmax')] },
  { name: 'sweep fc 300->64->24->6', window: 50, axes: 6, layers: (r) => [{ type: 'flatten', name: 'f' }, dense(r, 'd1', 300, 64, 'relu'), dense(r, 'd2', 64, 24, 'relu'), dense(r, 'd3', 24, 6, 'softmax')] },
  { name: 'sweep fc 1200->20->10', window: 200, axes: 6, layers: (r) => [{ type: 'flatten', name: 'f' }, dense(r, 'd1', 1200, 20, 'relu'), dense(r, 'd2', 20, 10, 'softmax')] },
  { name: 'sweep dw 8 k5 + pw 8->8, dw 8 k7 same', window: 100, axes: 8, layers: (r) => [depthwise(r, 'dw1', 8, 1, 5, 'relu'), conv1d(r, 'pw', 8, 8, 1, 'relu'), depthwise(r, 'dw2', 8, 1, 7, 'relu', 'same'), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 8, 2, 'softmax')] },
  { name: 'sweep dw 24 k4 + pw 24->16, maxpool', window: 70, axes: 24, layers: (r) => [depthwise(r, 'dw', 24, 1, 4, 'relu'), conv1d(r, 'pw', 24, 16, 1, 'relu'), { type: 'maxPool1d', name: 'p', poolSize: 2, strides: 2, padding: 'valid' }, { type: 'flatten', name: 'f' }, dense(r, 'd', 35 * 16, 2, 'softmax')] },
  { name: 'sweep dw 1x6 k9 stride 1, fc', window: 120, axes: 1, layers: (r) => [depthwise(r, 'dw', 1, 6, 9, 'relu', 'valid'), { type: 'flatten', name: 'f' }, dense(r, 'd', 112 * 6, 4, 'softmax')] },
  { name: 'sweep dw 6 x2 k5 same + pw 12->16', window: 60, axes: 6, layers: (r) => [depthwise(r, 'dw', 6, 2, 5, 'relu', 'same'), conv1d(r, 'pw', 12, 16, 1, 'relu'), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 16, 2, 'softmax')] },
  { name: 'sweep dw 4 x3 k3, fc', window: 90, axes: 4, layers: (r) => [depthwise(r, 'dw', 4, 3, 3, 'relu', 'valid'), { type: 'flatten', name: 'f' }, dense(r, 'd', 88 * 12, 3, 'softmax')] },
  { name: 'sweep dw 10 k7 valid + pw 10->6, dw 6 k3 valid', window: 80, axes: 10, layers: (r) => [depthwise(r, 'dw1', 10, 1, 7, 'relu', 'valid'), conv1d(r, 'pw', 10, 6, 1, 'relu'), depthwise(r, 'dw2', 6, 1, 3, 'relu', 'valid'), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 6, 2, 'softmax')] },
  { name: 'sweep conv 4->8 k5, conv 8->16 k5', window: 90, axes: 4, layers: (r) => [conv1d(r, 'c1', 4, 8, 5, 'relu'), conv1d(r, 'c2', 8, 16, 5, 'relu'), { type: 'globalAvgPool1d', name: 'g' }, dense(r, 'd', 16, 2, 'softmax')] }
]

/** Spectrogram-shaped 2D models (depthwise with one input channel), unlike micro_speech's own shape. */
const SPECTROGRAMS = [
  { h: 32, w: 24, fh: 6, fw: 4, mult: 4, stride: 1, classes: 3 },
  { h: 40, w: 20, fh: 8, fw: 5, mult: 6, stride: 2, classes: 5 }
]

/** The 1D sweep models as ModelIRs with their calibration windows (int8 PTQ here, float32 in bench/m4/float.ts). */
export function sweepIrs(): Array<{ ir: ModelIR; calibration: Float32Array[] }> {
  return SWEEPS.map((s, i) => {
    const ir: ModelIR = { name: s.name, inputShape: [s.window, s.axes], classes: ['a', 'b'], layers: s.layers(rng(40 + i)) }
    const last = ir.layers[ir.layers.length - 1]
    if (last.type === 'dense') ir.classes = Array.from({ length: last.units }, (_, k) => `class_${k}`)
    const r = mulberry32(70 + i)
    const calibration = Array.from({ length: 12 }, () => Float32Array.from({ length: s.window * s.axes }, () => (r() * 2 - 1) * 2))
    return { ir, calibration }
  })
}

export function sweepModels(): BenchModel[] {
  const spectrograms = SPECTROGRAMS.map((shape, i) => ({ name: `sweep spectrogram ${shape.h}x${shape.w} dw ${shape.fh}x${shape.fw} x${shape.mult} stride ${shape.stride}`, tflite: microSpeechShaped(90 + i, shape) }))
  return [...spectrograms, ...sweepIrs().map(({ ir, calibration }) => ({ name: ir.name, tflite: exportModel(ir, { mode: 'int8', representativeData: calibration }).bytes }))]
}
