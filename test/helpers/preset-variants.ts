/**
 * The three model presets (dense, cnn1d, dscnn) with seeded starting weights, exported as the
 * variants the Optimize step makes for a board: int8 PTQ per-channel, int8 per-tensor, int8 with
 * float input/output, structured-pruned int8 and float32. No dataset needed: calibration runs on
 * seeded random windows with the spread of normalized IMU data, and sensor windows are synthetic.
 */
import '@tensorflow/tfjs'
import { exportModel } from '../../src/main/core/export/export-model'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { pruneStructured } from '../../src/main/core/optimize/structured-pruning'
import { mulberry32 } from '../../src/main/core/util/random'
import { buildModel } from '../../src/main/core/train/build-model'
import { layersModelToIR } from '../../src/main/core/train/model-ir-convert'
import { presetSpec } from '../../src/main/core/train/presets'
import type { PresetId } from '../../src/shared/training'

export const WINDOW = 30
export const AXES = ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
export const CLASSES = ['punch', 'flex']
/** Fixed-range scaling the firmware's preprocessing.h applies: g and deg/s to [-1, 1]. */
export const RANGES = { min: [-4, -4, -4, -2000, -2000, -2000], max: [4, 4, 4, 2000, 2000, 2000] }

export interface ModelVariant {
  label: string
  bytes: Uint8Array
}

export function presetModel(id: PresetId, seed = 11): ModelIR {
  const tfModel = buildModel(presetSpec(id), [WINDOW, AXES.length], CLASSES.length, seed)
  const ir = layersModelToIR(tfModel, CLASSES, id)
  tfModel.dispose()
  return ir
}

/** Normalized windows in [-1, 1]-ish, as the preprocessing feeds them, for calibration. */
export function calibrationWindows(count: number, seed: number): Float32Array[] {
  const r = mulberry32(seed)
  return Array.from({ length: count }, () => Float32Array.from({ length: WINDOW * AXES.length }, () => (r() + r() + r() - 1.5) * 0.5))
}

/**
 * Raw sensor windows (WINDOW samples x aX aY aZ in g, gX gY gZ in deg/s): smooth gestures of
 * random strength plus noise, a few beyond the scaling range so clamping is exercised too.
 */
export function sensorWindows(count: number, seed: number): number[][][] {
  const r = mulberry32(seed)
  return Array.from({ length: count }, (_, w) => {
    const amp = [r() * 3, r() * 3, r() * 2, r() * 900, r() * 900, r() * 900].map((a) => (w % 10 === 9 ? a * 2.5 : a))
    const freq = AXES.map(() => 2 + r() * 10)
    const phase = AXES.map(() => r() * 6.28)
    return Array.from({ length: WINDOW }, (_, t) => AXES.map((_, a) => (a === 2 ? 1 : 0) + amp[a] * Math.sin((t / 100) * freq[a] + phase[a]) + (r() - 0.5) * (a < 3 ? 0.05 : 5)))
  })
}

export function presetVariants(id: PresetId): ModelVariant[] {
  const model = presetModel(id)
  const rep = calibrationWindows(64, 5)
  const int8 = (m: ModelIR, extra: Parameters<typeof exportModel>[1] = { mode: 'int8' }): Uint8Array => exportModel(m, { ...extra, mode: 'int8', representativeData: rep }).bytes
  const pruned = pruneStructured(model, { fraction: 0.5 }).model
  return [
    { label: `${id}_int8`, bytes: int8(model) },
    { label: `${id}_int8_per_tensor`, bytes: int8(model, { mode: 'int8', perChannel: false }) },
    { label: `${id}_int8_float_io`, bytes: int8(model, { mode: 'int8', inputOutputType: 'float32' }) },
    { label: `${id}_int8_pruned50`, bytes: int8(pruned) },
    { label: `${id}_float32`, bytes: exportModel(model, { mode: 'float32' }).bytes }
  ]
}
