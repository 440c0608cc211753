import type { Preprocessing, PreprocessingCandidate, PreprocessingChoice, PreprocessingMethod } from '../../../shared/training'
import { leaveOneOutAccuracy } from './neighbours'
import { applyPreprocessing, fitPreprocessing } from './preprocess'

/** Methods 'auto' compares. Fixed ranges are left out: they keep a held sensor's 1 g offset and squash small motions. */
const AUTO_METHODS: PreprocessingMethod[] = ['zscore', 'window-offset']
/** Leave-one-out on more windows than this adds time, not information: a spread subset is scored. */
const MAX_SCORED = 300
/** window-offset must win by more than this to replace z-score (it throws away the window's mean). */
const MARGIN = 0.02

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`
}

/** Every k-th window so each class and each recording stay represented. */
function spread(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i)
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max))
}

/**
 * Resolves the user's choice into a recipe. An explicit method is fitted as asked. 'auto' (the
 * default) fits each candidate on the training windows and keeps the one under which the most
 * training windows have a nearest neighbour of their own class: per-axis z-score unless removing
 * each window's offset separates the classes clearly better (orientation or sensor offset that
 * varies between recordings). The reason, with the scores, is stored for the user to read.
 */
export function choosePreprocessing(choice: PreprocessingChoice, sampleAxes: string[], trainWindows: number[][][], trainLabels: number[], defaultLength: number): Preprocessing {
  if (choice.method && choice.method !== 'auto') {
    const p = fitPreprocessing(choice, sampleAxes, trainWindows, defaultLength)
    return { ...p, chosen: { by: 'user', reason: `You chose ${choice.method}.` } }
  }
  const pick = spread(trainWindows.length, MAX_SCORED)
  const windows = pick.map((i) => trainWindows[i])
  const labels = pick.map((i) => trainLabels[i])
  const fitted = AUTO_METHODS.map((method) => fitPreprocessing({ ...choice, method }, sampleAxes, trainWindows, defaultLength))
  const candidates: PreprocessingCandidate[] = fitted.map((p) => {
    const dim = p.windowLength * p.axes.length
    return { method: p.method, score: leaveOneOutAccuracy(applyPreprocessing(p, sampleAxes, windows), labels, dim) }
  })
  const [z, w] = candidates
  const useWindow = w.score > z.score + MARGIN
  const p = useWindow ? fitted[1] : fitted[0]
  const scores = `nearest-neighbour agreement on ${labels.length} training windows: z-score ${pct(z.score)}, offset removed per window ${pct(w.score)}`
  const reason = useWindow
    ? `Each window's own offset was removed, then each axis scaled by its spread: the recordings' offsets (how the sensor was held) vary more than the motions (${scores}).`
    : `Each axis was centred and scaled by the training windows' mean and spread, so small motions on a large offset (gravity) are not lost (${scores}).`
  return { ...p, chosen: { by: 'auto', reason, candidates } }
}
