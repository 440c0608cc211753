import type { SampleWindow } from '../../../shared/dataset'
import { MicroforgeError } from '../../../shared/errors'
import type { Preprocessing, PreprocessingChoice } from '../../../shared/training'
import { applyPreprocessing } from './preprocess'
import { choosePreprocessing } from './preprocess-auto'
import { stratifiedSplit } from './rng'
import type { WindowSet } from './train-loop'

export interface PreparedData {
  classes: string[]
  preprocessing: Preprocessing
  inputShape: [number, number]
  train: WindowSet
  val: WindowSet | null
  test: WindowSet
  /** True when the samples had no test split and one was drawn here (stratified, seeded). */
  testDrawn: boolean
}

/**
 * From sample windows to model-ready sets. The test split is the one stored with each sample;
 * if none is marked 'test', 20% per class is held out (stratified, seeded). Validation is drawn
 * the same way from the training windows. Preprocessing is chosen and fitted on the training part only.
 */
export function prepareData(
  samples: SampleWindow[],
  projectClasses: string[],
  choice: PreprocessingChoice,
  defaultLength: number | null,
  validationSplit: number,
  seed: number
): PreparedData {
  const labels = [...new Set(samples.map((s) => s.label))]
  const classes = [...projectClasses.filter((c) => labels.includes(c)), ...labels.filter((l) => !projectClasses.includes(l)).sort()]
  if (classes.length < 2) {
    throw new MicroforgeError('INVALID_ARGUMENT', `Training needs windows of at least two classes; this project has ${classes.length}.`, 'Record or import windows for another gesture.')
  }
  const axes = samples[0].axes
  const other = samples.find((s) => s.axes.join() !== axes.join())
  if (other) throw new MicroforgeError('INVALID_ARGUMENT', `Window ${other.id} has axes ${other.axes.join(', ')}, others have ${axes.join(', ')}.`, 'Delete or re-import the windows that differ.')

  let trainPool = samples.filter((s) => s.split !== 'test')
  let test = samples.filter((s) => s.split === 'test')
  const testDrawn = test.length === 0
  if (testDrawn) {
    const { keep, held } = stratifiedSplit(samples.map((s) => s.label), 0.2, seed)
    trainPool = keep.map((i) => samples[i])
    test = held.map((i) => samples[i])
  }
  const { keep, held } = validationSplit > 0 ? stratifiedSplit(trainPool.map((s) => s.label), validationSplit, seed + 1) : { keep: trainPool.map((_, i) => i), held: [] }
  const train = keep.map((i) => trainPool[i])
  const val = held.map((i) => trainPool[i])
  for (const c of classes) {
    if (!train.some((s) => s.label === c)) throw new MicroforgeError('INVALID_ARGUMENT', `No training windows of class "${c}" are left after the split.`, `Record more "${c}" windows (at least 3).`)
  }
  const lengths = samples.map((s) => s.values.length)
  const length = choice.windowLength ?? defaultLength ?? Math.max(...lengths)
  const preprocessing = choosePreprocessing(choice, axes, train.map((s) => s.values), train.map((s) => classes.indexOf(s.label)), length)
  const toSet = (list: SampleWindow[]): WindowSet => ({
    x: applyPreprocessing(preprocessing, axes, list.map((s) => s.values)),
    y: list.map((s) => classes.indexOf(s.label)),
    ids: list.map((s) => s.id)
  })
  return {
    classes,
    preprocessing,
    inputShape: [preprocessing.windowLength, preprocessing.axes.length],
    train: toSet(train),
    val: val.length ? toSet(val) : null,
    test: toSet(test),
    testDrawn
  }
}
