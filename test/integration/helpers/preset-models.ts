/**
 * The three model presets as ModelIRs with seeded random Glorot weights (no training), at any
 * window length: the shapes, and so the kernels and instruction counts, of what the app trains.
 */
import type { Activation, Layer, ModelIR } from '../../../src/main/core/model/model-ir'
import { pruneStructured } from '../../../src/main/core/optimize/structured-pruning'
import { presetSpec } from '../../../src/main/core/train/presets'
import { resolveLayers } from '../../../src/main/core/train/summary'
import type { PresetId } from '../../../src/shared/training'
import { conv1d, dense, depthwise, rng } from '../../unit/core/export/models'

export function presetIr(id: PresetId, window = 30, axes = 6, classes = 2, seed = 3): ModelIR {
  const r = rng(seed)
  let steps = window
  let channels = axes
  let flat = 0
  const layers: Layer[] = []
  for (const l of resolveLayers(presetSpec(id), classes)) {
    switch (l.type) {
      case 'conv1d': {
        const padding = l.padding ?? 'valid'
        const strides = l.strides ?? 1
        layers.push(conv1d(r, l.name, channels, l.filters, l.kernelSize, l.activation as Activation, padding, strides))
        steps = padding === 'same' ? Math.ceil(steps / strides) : Math.floor((steps - l.kernelSize) / strides) + 1
        channels = l.filters
        break
      }
      case 'depthwiseConv1d': {
        const padding = l.padding ?? 'valid'
        layers.push(depthwise(r, l.name, channels, l.depthMultiplier ?? 1, l.kernelSize, l.activation as Activation, padding))
        steps = padding === 'same' ? steps : steps - l.kernelSize + 1
        channels *= l.depthMultiplier ?? 1
        break
      }
      case 'maxPool1d':
      case 'avgPool1d':
        layers.push({ type: l.type, name: l.name, poolSize: l.poolSize, strides: l.poolSize, padding: 'valid' })
        steps = Math.floor(steps / l.poolSize)
        break
      case 'globalAvgPool1d':
        layers.push({ type: 'globalAvgPool1d', name: l.name })
        steps = 1
        flat = channels
        break
      case 'flatten':
        layers.push({ type: 'flatten', name: l.name })
        flat = steps * channels
        break
      case 'dense': {
        const inUnits = flat || steps * channels
        layers.push(dense(r, l.name, inUnits, l.units, l.activation as Activation))
        flat = l.units
        break
      }
      case 'dropout':
        layers.push({ type: 'dropout', name: l.name, rate: l.rate })
        break
    }
  }
  return { name: `${id}-preset`, inputShape: [window, axes], classes: Array.from({ length: classes }, (_, i) => `class_${i}`), layers }
}

export const dscnnPreset = (): ModelIR => presetIr('dscnn')

/** The preset with half of every prunable layer's filters and neurons removed. */
export function prunedPresetIr(id: PresetId, window = 30, axes = 6, classes = 2, seed = 3): ModelIR {
  return pruneStructured(presetIr(id, window, axes, classes, seed), { fraction: 0.5 }).model
}
