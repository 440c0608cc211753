import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../shared/errors'
import { fromModelJson, toModelJson, weightBytes, WEIGHTS_FILE, type ModelJson } from '../core/train/artifacts'
import { writeFileAtomic, writeJsonAtomic, wrapFsError } from './atomic-fs'

/**
 * A tfjs IOHandler for a model folder (model.json + weights.bin): what tfjs's file:// handler does,
 * which needs tfjs-node, with atomic writes. Use with model.save(modelFolderIO(dir)) and
 * tf.loadLayersModel(modelFolderIO(dir)).
 */
export function modelFolderIO(dir: string, metadata?: Record<string, unknown>): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      await writeModelFolder(dir, toModelJson(artifacts, metadata ?? (artifacts.userDefinedMetadata as Record<string, unknown> | undefined)), weightBytes(artifacts))
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightBytes(artifacts).byteLength } }
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const { modelJson, weights } = await readModelFolder(dir)
      return fromModelJson(modelJson, weights)
    }
  }
}

/**
 * Writes weights first, then model.json: a crash between the two leaves the previous model.json,
 * never a model.json whose weights file is missing.
 */
export async function writeModelFolder(dir: string, modelJson: ModelJson, weights: ArrayBuffer): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true })
  } catch (err) {
    throw wrapFsError(err, dir)
  }
  await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weights))
  await writeJsonAtomic(join(dir, 'model.json'), modelJson)
}

export async function readModelFolder(dir: string): Promise<{ modelJson: ModelJson; weights: ArrayBuffer }> {
  let text: string
  let buf: Buffer
  try {
    text = await fs.readFile(join(dir, 'model.json'), 'utf8')
    buf = await fs.readFile(join(dir, WEIGHTS_FILE))
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new MicroforgeError('NOT_FOUND', `There is no trained model in ${dir}.`, 'Train a model in the Train step first.')
    throw wrapFsError(err, dir)
  }
  let modelJson: ModelJson
  try {
    modelJson = JSON.parse(text) as ModelJson
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, 'model.json')} is damaged (not valid JSON).`, 'Train the model again.')
  }
  const expected = (modelJson.weightsManifest ?? []).flatMap((g) => g.weights).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1) * 4, 0)
  if (buf.byteLength !== expected) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, WEIGHTS_FILE)} has ${buf.byteLength} bytes; model.json expects ${expected}.`, 'Train the model again.')
  }
  return { modelJson, weights: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer }
}
