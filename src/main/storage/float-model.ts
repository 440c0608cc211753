import { join } from 'node:path'
import type { SampleFile } from '../../shared/dataset'
import { MicroforgeError } from '../../shared/errors'
import type { Preprocessing, TrainResult } from '../../shared/training'
import type { ModelJson } from '../core/train/artifacts'
import { FLOAT_MODEL_PATH } from './lineage'
import { readAttachmentOf, readModelFolder } from './model-io'
import { readSamples } from './samples'

export interface FloatModelWindows {
  modelJson: ModelJson
  weights: ArrayBuffer
  classes: string[]
  preprocessing: Preprocessing
  /** The project's windows of the model's classes. */
  windows: SampleFile[]
  /** Those it is tested on: the ones marked test, or (when training drew the split) the ids training recorded; may be empty. */
  test: SampleFile[]
  /** What training recorded with the model (training.json), null for a model saved without it. */
  training: TrainResult | null
}

/**
 * The trained float model, its recipe, what training recorded, and the windows it was trained and
 * tested on (Optimize and Evaluate read the same), with model.json read once. A damaged
 * training.json is an error, not a model without a record: its test ids decide the test windows.
 */
export async function readFloatModelWindows(dir: string): Promise<FloatModelWindows> {
  const folder = join(dir, FLOAT_MODEL_PATH)
  const { modelJson, weights } = await readModelFolder(folder)
  const training = await readAttachmentOf<TrainResult>(folder, modelJson, 'training')
  const meta = modelJson.userDefinedMetadata as { classes?: string[]; preprocessing?: Preprocessing } | undefined
  if (!meta?.preprocessing || !meta.classes) throw new MicroforgeError('PROJECT_CORRUPT', 'models/float/model.json has no preprocessing recipe.', 'Train the model again.')
  const classes = meta.classes
  const windows = (await readSamples(dir)).filter((s) => classes.includes(s.label))
  let test = windows.filter((s) => s.split === 'test')
  if (test.length === 0 && training?.testIds) test = windows.filter((s) => training.testIds.includes(s.id))
  return { modelJson, weights, classes, preprocessing: meta.preprocessing, windows, test, training }
}
