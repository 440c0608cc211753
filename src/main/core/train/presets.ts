import type { ModelPreset, ModelSpec, PresetId } from '../../../shared/training'
import { MicroforgeError } from '../../../shared/errors'

/**
 * Starting points the user can edit. Widths follow the product's three seed lessons: the Arduino
 * workshop dense net, the 1D CNN of the quantization lesson, and a depthwise-separable CNN that
 * trades a few points of accuracy for far fewer MACs on small boards.
 */
export const PRESETS: ModelPreset[] = [
  {
    id: 'dense',
    title: 'Dense (Arduino workshop)',
    description: 'Flatten, Dense 50 relu, Dense 15 relu, softmax. Smallest code, no convolutions.',
    spec: {
      preset: 'dense',
      layers: [
        { type: 'flatten' },
        { type: 'dense', units: 50, activation: 'relu' },
        { type: 'dense', units: 15, activation: 'relu' }
      ]
    },
    recommended: { epochs: 60, learningRate: 0.002, batchSize: 16 }
  },
  {
    id: 'cnn1d',
    title: '1D CNN',
    description: 'Conv1D 16x5, MaxPool 2, Conv1D 32x3, MaxPool 2, Flatten, Dense 32, Dropout 0.3, softmax.',
    spec: {
      preset: 'cnn1d',
      layers: [
        { type: 'conv1d', filters: 16, kernelSize: 5, activation: 'relu' },
        { type: 'maxPool1d', poolSize: 2 },
        { type: 'conv1d', filters: 32, kernelSize: 3, activation: 'relu' },
        { type: 'maxPool1d', poolSize: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 32, activation: 'relu' },
        { type: 'dropout', rate: 0.3 }
      ]
    },
    recommended: { epochs: 60, learningRate: 0.002, batchSize: 32 }
  },
  {
    id: 'dscnn',
    title: 'Depthwise-separable CNN',
    description: 'Conv1D 8x3, two depthwise + pointwise blocks (16, 24), global average pooling, softmax. About a third of the 1D CNN\'s MACs.',
    spec: {
      preset: 'dscnn',
      layers: [
        { type: 'conv1d', filters: 8, kernelSize: 3, activation: 'relu' },
        { type: 'depthwiseConv1d', kernelSize: 5, activation: 'relu' },
        { type: 'conv1d', filters: 16, kernelSize: 1, activation: 'relu' },
        { type: 'maxPool1d', poolSize: 2 },
        { type: 'depthwiseConv1d', kernelSize: 3, activation: 'relu' },
        { type: 'conv1d', filters: 24, kernelSize: 1, activation: 'relu' },
        { type: 'globalAvgPool1d' }
      ]
    },
    recommended: { epochs: 100, learningRate: 0.005, batchSize: 16 }
  }
]

export function findPreset(id: PresetId): ModelPreset {
  const p = PRESETS.find((x) => x.id === id)
  if (!p) throw new MicroforgeError('INVALID_ARGUMENT', `There is no model preset "${id}".`, `Choose one of: ${PRESETS.map((x) => x.id).join(', ')}.`)
  return structuredClone(p)
}

export function presetSpec(id: PresetId): ModelSpec {
  return findPreset(id).spec
}
