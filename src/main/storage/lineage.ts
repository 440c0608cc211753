import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { isAbsolute, join, relative, resolve, sep } from 'node:path'
import { writeFileAtomic } from './atomic-fs'
import { withProjectLock } from './project-lock'
import { errorClause, MicroforgeError } from '../../shared/errors'
import { readModelFolder } from './model-io'
import { readWindowHeads } from './samples'
import { isOptionalString, isStringOrNull, readKeyedRecord } from './record-file'
import { readVariantIndexFile } from './variant-index'

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

/** Identifies how firmware samples: rate, window, axes in order, their units and scale. */
export function signalFingerprint(s: { sampleRateHz: number | null; windowLength: number | null; axes: string[]; units: Array<string | null>; scale: number[] }): string {
  return createHash('sha256').update(JSON.stringify([s.sampleRateHz, s.windowLength, s.axes, s.units, s.scale])).digest('hex').slice(0, 16)
}

/** True when firmware built by `source` runs an earlier model, or samples by an earlier signal spec. */
export function isStaleFirmware(lineage: Lineage, source: FirmwareSource, currentSignal: string): boolean {
  if (source.sourceModel === null) return false
  return isStale(lineage, source.sourceModel) || (source.signal !== undefined && source.signal !== currentSignal)
}

/** Identifies a dataset: which windows, with which label and split. */
export function dataFingerprint(windows: Array<{ id: string; label: string; split: string }>): string {
  const h = createHash('sha256')
  for (const w of [...windows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) h.update(`${w.id}\u0000${w.label}\u0000${w.split}\n`)
  return h.digest('hex').slice(0, 16)
}

/**
 * What a user is told when the float model's files cannot be read. A damaged model is not "no
 * model": every step says so, and nothing made from the model before counts as current.
 */
export function damagedModelProblem(err: unknown): string {
  const reason = errorClause(err)
  return `The trained model's files are damaged: ${reason}. Train again to replace it.`
}

export interface Lineage {
  /** The current float model's fingerprint, null when none is trained or it cannot be read. */
  model: string | null
  /** The data changed (windows added, removed, relabelled, moved between splits) since that model was trained. */
  dataChanged: boolean
  /** Why the float model's files cannot be read (damagedModelProblem), null when they can or there is none. */
  modelProblem: string | null
}

export async function currentLineage(dir: string, windows?: Array<{ id: string; label: string; split: string }>): Promise<Lineage> {
  let model: string | null = null
  let trainedOn: string | null = null
  try {
    const { modelJson, weights } = await readModelFolder(join(dir, FLOAT_MODEL_PATH))
    model = modelFingerprint(modelJson, weights)
    const meta = (modelJson as { userDefinedMetadata?: { dataFingerprint?: unknown } }).userDefinedMetadata
    trainedOn = typeof meta?.dataFingerprint === 'string' ? meta.dataFingerprint : null
  } catch (err) {
    if (err instanceof MicroforgeError && err.code === 'NOT_FOUND') return { model: null, dataChanged: false, modelProblem: null }
    return { model: null, dataChanged: false, modelProblem: damagedModelProblem(err) }
  }
  // Models trained before Microforge recorded their data count as matching it.
  if (trainedOn === null) return { model, dataChanged: false, modelProblem: null }
  return { model, dataChanged: dataFingerprint(windows ?? (await readWindowHeads(dir)).heads) !== trainedOn, modelProblem: null }
}

/** What each generated firmware project was built from: firmware/.sources.json (a dot file: not a project). */
export interface FirmwareSource {
  variant: string | null
  sourceModel: string | null
  /** The signal spec it samples by (signalFingerprint): a firmware built before the rate, window, axes or units changed is stale. */
  signal?: string
  mode: string
  createdAt: string
}

export const FIRMWARE_SOURCES = join('firmware', '.sources.json')

/** What Deploy recorded per firmware folder; {} when nothing was recorded; PROJECT_CORRUPT when the record is damaged. */
export async function readFirmwareSources(dir: string): Promise<Record<string, FirmwareSource>> {
  const hint = 'Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.'
  return readKeyedRecord<FirmwareSource>(join(dir, FIRMWARE_SOURCES), hint, 'a firmware record', (e) => isStringOrNull(e.sourceModel) && (e.variant === undefined || isStringOrNull(e.variant)) && isOptionalString(e.signal) && isOptionalString(e.mode) && isOptionalString(e.createdAt))
}

/**
 * True when something made from sourceModel is not of the current model (or the data changed
 * since), or the current model cannot be read, so nothing can be shown to be of it. null: runs no model.
 */
export function isStale(lineage: Lineage, sourceModel: string | null | undefined): boolean {
  if (sourceModel === null) return false
  if (lineage.modelProblem !== null) return true
  if (lineage.model === null) return false
  return lineage.dataChanged || sourceModel !== lineage.model
}

/** A variant made from an earlier model, or any variant once the data changed or the model is damaged; one recorded before Microforge kept its source counts as current. */
export function isStaleVariant(lineage: Lineage, sourceModel: unknown): boolean {
  if (lineage.modelProblem !== null) return true
  if (lineage.model === null) return false
  return lineage.dataChanged || (typeof sourceModel === 'string' && sourceModel !== lineage.model)
}

/**
 * Each variant's name and the float model it was made from, as models/variants/index.json records
 * them (readVariantIndexFile); null when there is no index; PROJECT_CORRUPT when it is damaged.
 */
export async function readVariantSources(dir: string): Promise<Array<{ name?: unknown; sourceModel?: unknown }> | null> {
  return (await readVariantIndexFile(dir))?.variants ?? null
}

/** Names of the stale variants in models/variants/index.json (isStaleVariant); PROJECT_CORRUPT when the index is damaged. */
export async function staleVariantNames(dir: string, lineage: Lineage): Promise<Set<string>> {
  const out = new Set<string>()
  if (lineage.model === null && lineage.modelProblem === null) return out
  for (const v of (await readVariantSources(dir)) ?? []) {
    if (v && typeof v.name === 'string' && isStaleVariant(lineage, v.sourceModel)) out.add(v.name)
  }
  return out
}

/**
 * What Deploy needs of the variant index per .tflite: which are stale, which the index lists (made
 * by Optimize, so Optimize rebuilds them), and, when the index is damaged, its PROJECT_CORRUPT
 * error: then every variant counts as stale when there is a model (none can be shown to be of it)
 * and as listed (none can be shown not to be), and the error says why.
 */
export async function variantLineage(dir: string, lineage: Lineage): Promise<{ stale: (name: string) => boolean; listed: (name: string) => boolean; problem: MicroforgeError | null }> {
  let sources: Array<{ name?: unknown; sourceModel?: unknown }>
  try {
    sources = (await readVariantSources(dir)) ?? []
  } catch (err) {
    if (!(err instanceof MicroforgeError) || err.code !== 'PROJECT_CORRUPT') throw err
    const anyStale = lineage.model !== null || lineage.modelProblem !== null
    return { stale: () => anyStale, listed: () => true, problem: err }
  }
  const listed = new Set(sources.map((v) => v.name))
  const stale = lineage.model === null && lineage.modelProblem === null ? new Set<unknown>() : new Set(sources.filter((v) => isStaleVariant(lineage, v.sourceModel)).map((v) => v.name))
  return { stale: (name) => stale.has(name), listed: (name) => listed.has(name), problem: null }
}

/** What each saved profiling session measured: profiles/.sources.json, keyed by session id. */
export interface ProfileSource {
  variant: string | null
  /** The float model the profiled firmware's variant was made from; 'earlier-model' when built stale. */
  sourceModel: string | null
  createdAt: string
}

const PROFILE_SOURCES = join('profiles', '.sources.json')

/** What each saved session measured; {} when nothing was recorded; PROJECT_CORRUPT when the record is damaged. */
export async function readProfileSources(dir: string): Promise<Record<string, ProfileSource>> {
  const hint = 'Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.'
  return readKeyedRecord<ProfileSource>(join(dir, PROFILE_SOURCES), hint, 'a profiling session record', (e) => isStringOrNull(e.sourceModel) && (e.variant === undefined || isStringOrNull(e.variant)) && isOptionalString(e.createdAt))
}

/**
 * The model a profiling session measured: the source Deploy recorded for its firmware folder, else
 * the source Optimize recorded for its variant, else the current model (a board profiled now runs
 * what was just deployed, as far as anything can tell).
 */
export async function profiledModel(dir: string, lineage: Lineage, opts: { firmwareDir?: string; variant?: string }): Promise<string | null> {
  if (opts.firmwareDir) {
    const rel = relative(join(dir, 'firmware'), resolve(opts.firmwareDir))
    const folder = rel.split(sep)[0]
    const rec = rel && !rel.startsWith('..') && !isAbsolute(rel) ? (await readFirmwareSources(dir))[folder] : undefined
    if (rec) return rec.sourceModel
  }
  if (opts.variant) {
    // No variant index: the current model.
    const v = ((await readVariantSources(dir)) ?? []).find((x) => x && x.name === opts.variant)
    if (v && typeof v.sourceModel === 'string') return v.sourceModel
  }
  return lineage.model
}

/** Adds (or with null removes) one session's record, under the project lock (two sessions ending together both land). */
export function recordProfileSource(dir: string, id: string, source: ProfileSource | null): Promise<void> {
  return withProjectLock(dir, async () => {
    const sources = await readProfileSources(dir)
    if (source) sources[id] = source
    else if (id in sources) delete sources[id]
    else return
    await writeFileAtomic(join(dir, PROFILE_SOURCES), JSON.stringify(sources, null, 2))
  })
}

/**
 * Ids of saved sessions that measured an earlier model. A session saved before Microforge recorded
 * profile sources counts as stale when it is older than the current float model.
 */
export async function staleProfiles(dir: string, lineage: Lineage): Promise<Set<string>> {
  const out = new Set<string>()
  if (lineage.model === null && lineage.modelProblem === null) return out
  let names: string[]
  const folder = join(dir, 'profiles')
  try {
    names = (await fs.readdir(folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.'))
  } catch (err) {
    // No folder: nothing profiled yet. Any other failure hides sessions that may be stale: said, not taken for none.
    const code = (err as { code?: string }).code
    if (code === 'ENOENT') return out
    if (code === 'ENOTDIR') throw new MicroforgeError('PROJECT_CORRUPT', `${folder} is not a folder.`, 'Move or rename that file: saved profiling sessions are kept in a folder of that name.')
    throw new MicroforgeError('IO_ERROR', `Cannot read the folder ${folder}: ${(err as Error)?.message ?? String(err)}`, 'Check that you may read it (its permissions), then open the project again.')
  }
  const sources = await readProfileSources(dir)
  let trainedAt: number | null = null
  for (const n of names) {
    const id = n.slice(0, -5)
    const rec = Object.prototype.hasOwnProperty.call(sources, id) ? sources[id] : undefined
    if (rec) {
      if (isStale(lineage, rec.sourceModel)) out.add(id)
      continue
    }
    trainedAt ??= await fs.stat(join(dir, FLOAT_MODEL_PATH, 'model.json')).then((s) => s.mtimeMs, () => 0)
    const savedAt = await fs.stat(join(dir, 'profiles', n)).then((s) => s.mtimeMs, () => Infinity)
    if (lineage.modelProblem !== null || lineage.dataChanged || savedAt < trainedAt) out.add(id)
  }
  return out
}
