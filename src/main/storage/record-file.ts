import { promises as fs } from 'node:fs'
import { MicroforgeError } from '../../shared/errors'
import { wrapFsError } from './atomic-fs'

/**
 * A JSON object kept beside the project's files (a record of where things came from): null when
 * there is none, PROJECT_CORRUPT with `hint` (the way out) when it cannot be read, never {} for a
 * damaged file, which would make everything it records look current.
 */
export async function readRecord(path: string, hint: string): Promise<Record<string, unknown> | null> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null
    throw wrapFsError(err, path, 'read')
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (not valid JSON).`, hint)
  }
  if (!isObject(parsed)) throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (not an object).`, hint)
  return parsed
}

/**
 * A record keyed by folder or session id whose every entry must pass `valid`: one that does not
 * (null, a number, a source that is not a string) is PROJECT_CORRUPT naming the entry, never a
 * TypeError in whoever reads it next.
 */
export async function readKeyedRecord<T>(path: string, hint: string, what: string, valid: (entry: Record<string, unknown>) => boolean): Promise<Record<string, T>> {
  const record = (await readRecord(path, hint)) ?? {}
  for (const [key, entry] of Object.entries(record)) {
    if (!isObject(entry) || !valid(entry)) {
      const name = key.length > 60 ? `${key.slice(0, 60)}…` : key
      throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (the entry "${name}" is not ${what}).`, hint)
    }
  }
  return record as Record<string, T>
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** A string or null (a field a record always has). */
export function isStringOrNull(x: unknown): boolean {
  return x === null || typeof x === 'string'
}

/** A string, or absent (a field older records lack). */
export function isOptionalString(x: unknown): boolean {
  return x === undefined || typeof x === 'string'
}
