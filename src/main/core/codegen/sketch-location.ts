import { basename, join } from 'node:path'
import type { ProjectKind } from '../../../shared/boards'
import { sanitizeName } from './firmware'

/**
 * Where a firmware project goes and what it is called. The Arduino IDE opens a sketch only from a
 * folder of the same name, so an Arduino `--out ./gesture` names the sketch gesture.ino, and an
 * explicit name that differs from the folder's puts the sketch folder inside it.
 */
export function sketchLocation(kind: ProjectKind, defaultName: string, opts: { name?: string; out?: string; zip?: boolean }): { name: string; out: string | null } {
  const requested = opts.name === undefined ? null : sanitizeName(opts.name)
  if (!opts.out || opts.zip || kind !== 'arduino') return { name: requested ?? sanitizeName(defaultName), out: opts.out ?? null }
  const folder = basename(opts.out)
  const name = requested ?? sanitizeName(folder)
  // A folder name that is not a valid sketch name (my-sketch) gets the sketch folder inside it.
  return name === folder ? { name, out: opts.out } : { name, out: join(opts.out, name) }
}
