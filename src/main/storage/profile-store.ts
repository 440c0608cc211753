/**
 * Saved profiling sessions on disk: <project>/profiles/<id>.json, their ids and summaries, and the
 * Optimize facts (variant index) a comparison or an estimate reads.
 */
import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { ProfileEstimate, ProfileSession, ProfileSessionSummary } from '../../shared/contract/profile'
import { MicroforgeError } from '../../shared/errors'
import type { TargetId, VariantIndex } from '../../shared/optimize'
import { applyCorrection } from '../core/cost/latency'
import { wrapFsError } from './atomic-fs'
import { readProjectFile } from './project-store'
import { readVariantIndexFile } from './variant-index'

export const PROFILE_FORMAT = 'microforge-profile'

export function newSessionId(d: Date): string {
  const stamp = d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `${stamp}-${randomBytes(3).toString('hex')}`
}

/** What a session id may be: a file name in profiles/, nothing that leaves it. */
export function isSessionId(id: string): boolean {
  return /^[\w.-]{1,100}$/.test(id) && !id.startsWith('.')
}

export function sessionPath(dir: string, id: string): string {
  if (!isSessionId(id)) throw new MicroforgeError('INVALID_ARGUMENT', `"${id}" is not a profiling session id.`, 'Pick a session from the list.')
  return join(dir, 'profiles', `${id}.json`)
}

export async function readSession(path: string): Promise<ProfileSession> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') throw new MicroforgeError('NOT_FOUND', `No saved profiling session at ${path}.`, 'Refresh the list of sessions.')
    throw wrapFsError(err, path, 'read')
  }
  let data: ProfileSession
  try {
    data = JSON.parse(text) as ProfileSession
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is not valid JSON.`, 'Delete this session and profile again.')
  }
  if (data?.format !== PROFILE_FORMAT || !Array.isArray(data.samples)) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is not a Microforge profiling session.`, 'Delete this file from the profiles folder.')
  }
  if (data.version > 1) throw new MicroforgeError('PROJECT_TOO_NEW', `${path} was saved by a newer Microforge.`, 'Update Microforge to open it.')
  return data
}

export function summaryOf(s: ProfileSession): ProfileSessionSummary {
  const { format: _f, version: _v, samples: _s, classifications: _c, counts: _n, stats: _st, hostDescription: _h, windowIds: _w, ...summary } = s
  return summary
}

/**
 * Optimize keeps its variants (sizes, accuracy, per-board latency estimates) in
 * models/variants/index.json: none before Optimize ran, PROJECT_CORRUPT when it is damaged (never
 * "no estimates" in silence).
 */
export async function readVariantIndex(dir: string): Promise<VariantIndex['variants']> {
  return (await readVariantIndexFile(dir))?.variants ?? []
}

export function modelFacts(variants: VariantIndex['variants'], name: string | undefined): { model?: { tfliteBytes?: number; accuracy?: number } } {
  const v = name ? variants.find((x) => x.name === name) : undefined
  if (!v) return {}
  return { model: { ...(typeof v.tfliteBytes === 'number' ? { tfliteBytes: v.tfliteBytes } : {}), ...(typeof v.accuracy === 'number' ? { accuracy: v.accuracy } : {}) } }
}

/** Optimize's latency estimates of the project's variants per board, µs, with the boards' corrections as they are now. */
export async function variantEstimates(dir: string): Promise<ProfileEstimate[]> {
  const out: ProfileEstimate[] = []
  const corrections = ((await readProjectFile(dir).catch(() => null))?.settings.latencyCorrections ?? {}) as Partial<Record<TargetId, number>>
  for (const v of await readVariantIndex(dir)) {
    for (const stored of Array.isArray(v.latency) ? v.latency : []) {
      if (!(stored.rawMs > 0)) continue
      const l = applyCorrection(stored, corrections[stored.target])
      out.push({ variant: v.name, title: v.title ?? v.name, target: l.target, rawUs: round3(l.rawMs * 1000), correctedUs: round3(l.ms * 1000), correction: l.correction })
    }
  }
  return out
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000
}
