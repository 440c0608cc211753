import type { BoardInfo } from '../../../shared/boards'
import type { CandidateResult, SearchCandidate } from '../../../shared/search'
import type { LayerSpec, ModelSpec, PresetId, PreprocessingMethod } from '../../../shared/training'
import { findPreset } from './presets'
import { summarizeSpec } from './summary'

/**
 * The candidates in the order they are tried, most promising first, so a short budget still covers
 * each preset with its defaults before any variation. fitted: the method 'auto' chose; other: the
 * alternative worth one try.
 */
export function searchCandidates(fitted: PreprocessingMethod, other: PreprocessingMethod): SearchCandidate[] {
  const out: SearchCandidate[] = []
  const add = (preset: PresetId, width: number, lrFactor: number, preprocessing: PreprocessingMethod): void => {
    const rec = findPreset(preset).recommended
    const learningRate = Math.round(rec.learningRate * lrFactor * 1e6) / 1e6
    out.push({ id: `${preset}-w${width}-lr${learningRate}-${preprocessing}`, preset, width, learningRate, epochs: rec.epochs, batchSize: rec.batchSize, preprocessing })
  }
  for (const p of ['cnn1d', 'dscnn', 'dense'] as PresetId[]) add(p, 1, 1, fitted)
  add('cnn1d', 1, 1, other)
  add('cnn1d', 2, 1, fitted)
  add('cnn1d', 1, 0.5, fitted)
  add('dscnn', 2, 1, fitted)
  add('cnn1d', 0.5, 1, fitted)
  add('dense', 1, 0.5, fitted)
  add('dscnn', 1, 2, fitted)
  add('cnn1d', 1, 2, fitted)
  add('dscnn', 1, 1, other)
  add('dense', 2, 1, fitted)
  add('dscnn', 0.5, 1, fitted)
  return out
}

/** The preset with every hidden width (filters, units) times factor, at least 4. */
export function scaledSpec(preset: PresetId, factor: number): ModelSpec {
  const spec = findPreset(preset).spec
  const scale = (n: number): number => Math.max(4, Math.round(n * factor))
  return {
    preset,
    layers: spec.layers.map((l): LayerSpec => (l.type === 'conv1d' ? { ...l, filters: scale(l.filters) } : l.type === 'dense' ? { ...l, units: scale(l.units) } : l))
  }
}

/**
 * int8 cost estimates from the spec: one byte per weight plus four per bias-sized vector in flash
 * (the TFLite/C-runtime overhead is the same for every candidate and left out), and the largest
 * input + output activation pair in RAM (what an arena planner needs at least).
 */
export function int8Costs(spec: ModelSpec, inputShape: [number, number], classes: number): { params: number; macs: number; flashBytes: number; ramBytes: number } {
  const s = summarizeSpec(spec, inputShape, classes)
  let prev = inputShape[0] * inputShape[1]
  let ram = 0
  for (const l of s.layers) {
    const out = l.outputShape.reduce((a, b) => a * b, 1)
    ram = Math.max(ram, prev + out)
    prev = out
  }
  return { params: s.totalParams, macs: s.totalMacs, flashBytes: s.totalParams + 3 * s.layers.reduce((n, l) => n + (l.params ? l.outputShape[l.outputShape.length - 1] : 0), 0), ramBytes: ram }
}

/** Whether the candidate's int8 model fits what the board leaves after its framework. */
export function fitOnBoard(c: Pick<CandidateResult, 'flashBytes' | 'ramBytes'>, board: BoardInfo): string | null {
  const flash = board.flashBytes - board.frameworkFlashBytes
  const ram = board.ramBytes - board.frameworkRamBytes
  if (c.flashBytes > flash) return `needs ${Math.ceil(c.flashBytes / 1024)} KB flash, ${board.name} leaves ${Math.floor(flash / 1024)} KB`
  if (c.ramBytes > ram) return `needs ${Math.ceil(c.ramBytes / 1024)} KB RAM, ${board.name} leaves ${Math.floor(ram / 1024)} KB`
  return null
}

/**
 * Best first: candidates that learnt and fit the board; among them the re-checked leaders (the
 * same number of folds each) by their pooled accuracy, then the rest by validation accuracy; within
 * half a validation window of each other, the lower validation loss, then the faster model wins.
 * Test accuracy never enters.
 */
export function rankCandidates(list: CandidateResult[], valWindows: number): CandidateResult[] {
  const usable = (c: CandidateResult): number => (c.collapsed ? 2 : c.fits ? 0 : 1)
  const score = (c: CandidateResult): { accuracy: number; loss: number; windows: number } => c.recheck ?? { accuracy: c.valAccuracy, loss: c.valLoss, windows: valWindows }
  return [...list].sort((a, b) => {
    if (usable(a) !== usable(b)) return usable(a) - usable(b)
    if (!a.recheck !== !b.recheck) return a.recheck ? -1 : 1
    const sa = score(a)
    const sb = score(b)
    const tie = sa.windows > 0 ? 0.5 / sa.windows : 0
    if (Math.abs(sa.accuracy - sb.accuracy) > tie) return sb.accuracy - sa.accuracy
    if (Math.abs(sa.loss - sb.loss) > 1e-3) return sa.loss - sb.loss
    return a.latencyMs - b.latencyMs
  })
}
