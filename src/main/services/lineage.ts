import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { readModelFolder } from './model-io'

/**
 * Which model and which data everything downstream was made from. A variant, a firmware project
 * or a profile of an earlier model, or of a model trained before the data changed, is stale:
 * every step says so instead of offering it as current.
 */
export const FLOAT_MODEL_PATH = join('models', 'float')

/** Identifies a trained float model: a hash of model.json and its weights. */
export function modelFingerprint(modelJson: unknown, weights: ArrayBuffer): string {
  return createHash('sha256').update(JSON.stringify(modelJson)).update(new Uint8Array(weights)).digest('hex').slice(0, 16)
}

/** Identifies a dataset: which windows, with which label and split. */
export function dataFingerprint(windows: Array<{ id: string; label: string; split: string }>): string {
  const h = createHash('sha256')
  for (const w of [...windows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) h.update(`${w.id}\u0000${w.label}\u0000${w.split}\n`)
  return h.digest('hex').slice(0, 16)
}

export interface Lineage {
  /** The current float model's fingerprint, null when none is trained (or it cannot be read). */
  model: string | null
  /** The data changed (windows added, removed, relabelled, moved between splits) since that model was trained. */
  dataChanged: boolean
}

export async function currentLineage(dir: string, windows?: Array<{ id: string; label: string; split: string }>): Promise<Lineage> {
  let model: string | null = null
  let trainedOn: string | null = null
  try {
    const { modelJson, weights } = await readModelFolder(join(dir, FLOAT_MODEL_PATH))
    model = modelFingerprint(modelJson, weights)
    const meta = (modelJson as { userDefinedMetadata?: { dataFingerprint?: unknown } }).userDefinedMetadata
    trainedOn = typeof meta?.dataFingerprint === 'string' ? meta.dataFingerprint : null
  } catch {
    return { model: null, dataChanged: false }
  }
  // Models trained before Microforge recorded their data count as matching it.
  if (trainedOn === null) return { model, dataChanged: false }
  return { model, dataChanged: dataFingerprint(windows ?? (await sampleHeads(dir))) !== trainedOn }
}

/** id, label and split of every window, without keeping values. */
export async function sampleHeads(dir: string): Promise<Array<{ id: string; label: string; split: string }>> {
  const samples = join(dir, 'samples')
  let names: string[]
  try {
    names = (await fs.readdir(samples)).filter((n) => n.endsWith('.json') && !n.startsWith('.'))
  } catch {
    return []
  }
  const out: Array<{ id: string; label: string; split: string }> = []
  for (const name of names) {
    try {
      const { label, split } = JSON.parse(await fs.readFile(join(samples, name), 'utf8')) as { label?: unknown; split?: unknown }
      if (typeof label === 'string') out.push({ id: name.slice(0, -5), label, split: split === 'test' ? 'test' : 'train' })
    } catch {
      // A damaged window is reported by the dataset view.
    }
  }
  return out
}

/** What each generated firmware project was built from: firmware/.sources.json (a dot file: not a project). */
export interface FirmwareSource {
  variant: string | null
  sourceModel: string | null
  mode: string
  createdAt: string
}

export async function readFirmwareSources(dir: string): Promise<Record<string, FirmwareSource>> {
  try {
    return JSON.parse(await fs.readFile(join(dir, 'firmware', '.sources.json'), 'utf8')) as Record<string, FirmwareSource>
  } catch {
    return {}
  }
}
