import { join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import type { VariantIndex } from '../../shared/optimize'
import { settleCommit } from './commit-journal'
import { isObject, readRecord } from './record-file'

export const VARIANT_INDEX = join('models', 'variants', 'index.json')

/** The way out of a damaged variant index, the same wherever it is read. */
export const VARIANT_INDEX_HINT = 'Delete models/variants/index.json and run the optimizations again; the .tflite files are still there.'

/**
 * models/variants/index.json, the one reader of it (Optimize, Deploy, Profile, the project
 * summary): null when Optimize has not written one; PROJECT_CORRUPT with its way out when it is
 * damaged (not JSON, not an object, a version this Microforge does not read, no list of variants,
 * a variant without a name), never "no variants", which would make every variant of an earlier
 * model look current. A change a kill left half-committed is finished first, so no reader sees a
 * mix of two generations.
 */
export async function readVariantIndexFile(dir: string): Promise<VariantIndex | null> {
  await settleCommit(dir)
  const path = join(dir, VARIANT_INDEX)
  const index = await readRecord(path, VARIANT_INDEX_HINT)
  if (index === null) return null
  const damaged = (why: string): MicroforgeError => new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (${why}).`, VARIANT_INDEX_HINT)
  if (index.version !== 1) throw damaged(typeof index.version === 'number' ? `version ${index.version}; this Microforge reads version 1` : 'no version')
  if (!Array.isArray(index.variants)) throw damaged('no list of variants')
  if (!index.variants.every((v) => isObject(v) && typeof v.name === 'string')) throw damaged('a variant without a name')
  if (index.sweeps !== undefined && !Array.isArray(index.sweeps)) throw damaged('the sweeps are not a list')
  return { floatAccuracy: null, sweeps: [], ...index } as unknown as VariantIndex
}
