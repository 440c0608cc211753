import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../shared/errors'
import { fromModelJson, toModelJson, weightBytes, WEIGHTS_FILE, type ModelJson } from '../core/train/artifacts'
import { writeFileAtomic, writeJsonAtomic, wrapFsError } from './atomic-fs'
import { fsOps } from './fs-ops'

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
 * A model folder changes in one step: the weights and any attachments (training.json) are written
 * under names tagged with their content hash, then model.json, which names them, is replaced by
 * one rename: that rename is the commit. A kill at any instant leaves the old model.json with
 * the old files (deleted only after the commit) or the new model.json with the new ones.
 */
export async function writeModelFolder(dir: string, modelJson: ModelJson, weights: ArrayBuffer, attachments: Record<string, unknown> = {}): Promise<void> {
  try {
    await fsOps.mkdir(dir)
  } catch (err) {
    throw wrapFsError(err, dir)
  }
  const hash = createHash('sha256').update(new Uint8Array(weights))
  for (const [k, v] of Object.entries(attachments)) hash.update(k).update(JSON.stringify(v))
  const tag = hash.digest('hex').slice(0, 12)
  const weightsName = `weights-${tag}.bin`
  await writeFileAtomic(join(dir, weightsName), new Uint8Array(weights))
  const files: Record<string, string> = {}
  for (const [key, value] of Object.entries(attachments)) {
    files[key] = `${key}-${tag}.json`
    await writeJsonAtomic(join(dir, files[key]), value)
  }
  const committed: ModelJson = {
    ...modelJson,
    weightsManifest: modelJson.weightsManifest.map((g) => ({ ...g, paths: [weightsName] })),
    userDefinedMetadata: { ...(modelJson.userDefinedMetadata ?? {}), microforgeFiles: files }
  }
  await writeJsonAtomic(join(dir, 'model.json'), committed)
  // Only now may the previous generation's files go; a kill here leaves unreferenced files only.
  const keep = new Set([weightsName, ...Object.values(files)])
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!keep.has(name) && (GENERATION_FILE.test(name) || name === WEIGHTS_FILE || name === 'training.json')) await fsOps.rm(join(dir, name), { force: true })
  }
}

/** Files of one model generation: weights-<tag>.bin, training-<tag>.json. */
const GENERATION_FILE = /^[a-z]+-[0-9a-f]{12}\.(bin|json)$/

/** An attachment written with the model (e.g. 'training'), as committed by model.json; null when absent. */
export async function readModelAttachment<T>(dir: string, key: string): Promise<T | null> {
  let name = `${key}.json`
  try {
    const modelJson = JSON.parse(await fs.readFile(join(dir, 'model.json'), 'utf8')) as ModelJson
    const files = modelJson.userDefinedMetadata?.microforgeFiles as Record<string, string> | undefined
    if (files?.[key] && !files[key].includes('/') && !files[key].includes('\\')) name = files[key]
  } catch {
    // No model.json (or an earlier Microforge's): the plain file name.
  }
  try {
    return JSON.parse(await fs.readFile(join(dir, name), 'utf8')) as T
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, name)} is damaged.`, 'Train the model again.')
  }
}

export async function readModelFolder(dir: string): Promise<{ modelJson: ModelJson; weights: ArrayBuffer }> {
  let text: string
  let buf: Buffer
  try {
    text = await fs.readFile(join(dir, 'model.json'), 'utf8')
    buf = await fs.readFile(join(dir, weightsFileOf(text)))
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

/** The weights file model.json names (a plain name in this folder), else weights.bin. */
function weightsFileOf(modelJsonText: string): string {
  try {
    const name = (JSON.parse(modelJsonText) as ModelJson).weightsManifest?.[0]?.paths?.[0]
    if (typeof name === 'string' && /^[\w.-]+$/.test(name)) return name
  } catch {
    // Reported as damaged JSON below.
  }
  return WEIGHTS_FILE
}
