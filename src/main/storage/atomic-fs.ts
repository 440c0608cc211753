import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { dirname, basename, join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { fsOps, InjectedKill, writeSynced } from './fs-ops'

/**
 * Writes a file so that a crash, a kill -9 or a full disk leaves either the old file or the new
 * one, never a torn one: temporary file in the same folder, fsync, rename, fsync of the folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeSynced(tmp, data)
    await fsOps.rename(tmp, path)
  } catch (err) {
    if (err instanceof InjectedKill) throw err
    await fsOps.rm(tmp, { force: true }).catch(() => undefined)
    throw wrapFsError(err, path, 'write')
  }
  await syncDir(dir)
}

export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n')
}

export async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; some platforms (Windows) do not allow it.
  let h: fs.FileHandle | undefined
  try {
    h = await fs.open(dir, 'r')
    await h.sync()
  } catch {
    /* best effort */
  } finally {
    await h?.close().catch(() => undefined)
  }
}

/** Maps Node fs errors to errors a user can act on; `op` is what was being done to `path` (a permission error names it). */
export function wrapFsError(err: unknown, path: string, op: 'read' | 'write'): Error {
  if (err instanceof MicroforgeError || err instanceof InjectedKill) return err
  const code = (err as { code?: string })?.code
  if (code === 'ENOSPC') return new MicroforgeError('DISK_FULL', `The disk is full; could not save ${basename(path)}.`, 'Free some space and try again. Everything saved before is still on disk.')
  if (op === 'read' && (code === 'EACCES' || code === 'EPERM')) return new MicroforgeError('IO_ERROR', `Cannot read ${path} (permission denied).`, 'Give your user read access to it and its folder, or choose another folder.')
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return new MicroforgeError('IO_ERROR', `Cannot write to ${dirname(path)} (permission denied).`, 'Choose a folder you can write to.')
  if (code === 'ELOOP') return symlinkLoop(path)
  if (code === 'ENOENT') return new MicroforgeError('NOT_FOUND', `${path} does not exist.`, 'Check the path, or create the project again.')
  return new MicroforgeError('IO_ERROR', `Could not ${op} ${path}: ${(err as Error)?.message ?? String(err)}`)
}

/** The names of the .json files in dir, in name order; none when dir does not exist. Dot files (a trash, a side record) are skipped. */
export async function jsonFileNames(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return []
    throw wrapFsError(err, dir, 'read')
  }
}

/** A path through a symbolic link that leads back to itself: said as such, whatever the call was. */
export function symlinkLoop(path: string): MicroforgeError {
  return new MicroforgeError('IO_ERROR', `${path} cannot be reached: a symbolic link on the way points back to itself (a link loop).`, 'Fix or remove that link, or choose another folder.')
}
