import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join, sep } from 'node:path'
import type * as tf from '@tensorflow/tfjs'
import { MicroforgeError } from '../../shared/errors'
import { fromModelJson, toModelJson, weightBytes, WEIGHTS_FILE, type ModelJson } from '../core/train/artifacts'
import { wrapFsError } from './atomic-fs'
import { commitChange, settleCommit, type CommitFile } from './commit-journal'
import { withProjectLock } from './project-lock'

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
 * A model folder changes through the commit journal, as one generation: the weights and any
 * attachments (training.json) under names tagged with their content hash, then model.json, which
 * names them; the previous generation's files are removed after. A reader that goes by model.json
 * therefore finds the old generation whole or the new one whole, even before a killed commit is
 * rolled forward. Writes a standalone folder (its own journal and lock); a project's model commits
 * with project.json instead (modelFolderChange + ProjectService.mutate).
 */
export async function writeModelFolder(dir: string, modelJson: ModelJson, weights: ArrayBuffer, attachments: Record<string, unknown> = {}): Promise<void> {
  await fs.mkdir(dir, { recursive: true }).catch((err) => Promise.reject(wrapFsError(err, dir, 'write')))
  await withProjectLock(dir, async () => {
    await settleCommit(dir)
    await commitChange(dir, await modelFolderChange(dir, '', modelJson, weights, attachments))
  })
}

/** The files (and old files to remove) that make `relDir` under `root` the given model, for one commit. */
export async function modelFolderChange(root: string, relDir: string, modelJson: ModelJson, weights: ArrayBuffer, attachments: Record<string, unknown> = {}): Promise<{ files: CommitFile[]; removes: string[] }> {
  const rel = (name: string): string => (relDir ? `${relDir.split(sep).join('/')}/${name}` : name)
  const hash = createHash('sha256').update(new Uint8Array(weights))
  for (const [k, v] of Object.entries(attachments)) hash.update(k).update(JSON.stringify(v))
  const tag = hash.digest('hex').slice(0, 12)
  const weightsName = `weights-${tag}.bin`
  const files: CommitFile[] = [{ path: rel(weightsName), data: new Uint8Array(weights) }]
  const named: Record<string, string> = {}
  for (const [key, value] of Object.entries(attachments)) {
    named[key] = `${key}-${tag}.json`
    files.push({ path: rel(named[key]), data: JSON.stringify(value, null, 2) + '\n' })
  }
  const committed: ModelJson = {
    ...modelJson,
    weightsManifest: modelJson.weightsManifest.map((g) => ({ ...g, paths: [weightsName] })),
    userDefinedMetadata: { ...(modelJson.userDefinedMetadata ?? {}), microforgeFiles: named }
  }
  // Last: the files it names are in place before it is.
  files.push({ path: rel('model.json'), data: JSON.stringify(committed, null, 2) + '\n' })
  const keep = new Set([weightsName, ...Object.values(named)])
  const existing = await fs.readdir(join(root, ...(relDir ? [relDir] : []))).catch(() => [] as string[])
  const removes = existing.filter((name) => !keep.has(name) && (GENERATION_FILE.test(name) || name === WEIGHTS_FILE || name === 'training.json')).map(rel)
  return { files, removes }
}

/** Files of one model generation: weights-<tag>.bin, training-<tag>.json. */
const GENERATION_FILE = /^[a-z]+-[0-9a-f]{12}\.(bin|json)$/

/** An attachment written with the model (e.g. 'training'), as committed by model.json; null when absent. */
export async function readModelAttachment<T>(dir: string, key: string): Promise<T | null> {
  let modelJson: ModelJson | null = null
  try {
    modelJson = JSON.parse(await fs.readFile(join(dir, 'model.json'), 'utf8')) as ModelJson
  } catch {
    // No model.json (or an earlier Microforge's): the plain file name.
  }
  return readAttachmentOf<T>(dir, modelJson, key)
}

/** An attachment of the model folder whose model.json has been read already (null: none or unreadable, so the plain file name). */
export async function readAttachmentOf<T>(dir: string, modelJson: ModelJson | null, key: string): Promise<T | null> {
  let name = `${key}.json`
  const files = modelJson?.userDefinedMetadata?.microforgeFiles as Record<string, string> | undefined
  if (files?.[key] && !files[key].includes('/') && !files[key].includes('\\')) name = files[key]
  try {
    return JSON.parse(await fs.readFile(join(dir, name), 'utf8')) as T
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, name)} is damaged.`, 'Train the model again.')
  }
}

export async function readModelFolder(dir: string): Promise<{ modelJson: ModelJson; weights: ArrayBuffer }> {
  let text: string
  try {
    text = await fs.readFile(join(dir, 'model.json'), 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new MicroforgeError('NOT_FOUND', `There is no trained model in ${dir}.`, 'Train a model in the Train step first.')
    throw wrapFsError(err, dir, 'read')
  }
  let modelJson: ModelJson
  try {
    modelJson = JSON.parse(text) as ModelJson
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, 'model.json')} is damaged (not valid JSON).`, 'Train the model again.')
  }
  if (!modelJson || typeof modelJson !== 'object' || !Array.isArray(modelJson.weightsManifest)) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(dir, 'model.json')} is damaged (no weights manifest).`, 'Train the model again.')
  }
  // model.json is the commit record: a weights file it names that is gone is a damaged model, not no model.
  const weightsPath = join(dir, weightsFileOf(modelJson))
  let buf: Buffer
  try {
    buf = await fs.readFile(weightsPath)
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new MicroforgeError('PROJECT_CORRUPT', `${weightsPath}, which model.json names, is missing.`, 'Train the model again.')
    throw wrapFsError(err, weightsPath, 'read')
  }
  const expected = modelJson.weightsManifest.flatMap((g) => g.weights).reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1) * 4, 0)
  if (buf.byteLength !== expected) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${weightsPath} has ${buf.byteLength} bytes; model.json expects ${expected}.`, 'Train the model again.')
  }
  return { modelJson, weights: buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer }
}

/** The weights file model.json names (a plain name in this folder), else weights.bin. */
function weightsFileOf(modelJson: ModelJson): string {
  const name = modelJson.weightsManifest?.[0]?.paths?.[0]
  return typeof name === 'string' && /^[\w.-]+$/.test(name) ? name : WEIGHTS_FILE
}
