import { existsSync, promises as fs } from 'node:fs'
import { basename, dirname, join, relative, sep } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { wrapFsError } from './atomic-fs'
import { commitChange, settleCommit, type CommitFile } from './commit-journal'
import { fsOps, InjectedKill } from './fs-ops'
import { readFirmwareSources, type FirmwareSource } from './lineage'
import { withProjectLock } from './project-lock'

/** A firmware project to write: its files (a folder) or one zip's bytes. */
export type FirmwareOutput = { kind: 'folder'; entries: Map<string, Uint8Array> } | { kind: 'zip'; bytes: Uint8Array }

/** Whether out is inside the project's firmware/ folder (where firmware/.sources.json records what it was built from). */
export function inProjectFirmware(projectDir: string, out: string): boolean {
  return out.startsWith(join(projectDir, 'firmware') + sep)
}

/**
 * Writes a firmware project at `out` through the commit journal, under the lock of the folder it
 * belongs to (the project, or the folder it is written into when outside the project). A folder
 * is written under a hidden name beside its place and swapped in whole; in the project's
 * firmware/ folder, what it was built from (firmware/.sources.json, for stale marks) commits in
 * the same step. A kill or a full disk leaves the earlier firmware (if any) or the new one.
 */
export async function writeFirmware(projectDir: string, out: string, output: FirmwareOutput, overwrite: boolean, source: FirmwareSource): Promise<void> {
  const firmwareDir = join(projectDir, 'firmware')
  const inProject = inProjectFirmware(projectDir, out)
  const root = inProject ? projectDir : dirname(out)
  const rel = (p: string): string => relative(root, p).split(sep).join('/')
  // Outside the project the folder it goes into may not exist yet: the lock lives there, so make it first.
  if (!inProject) await fsOps.mkdir(root).catch((err) => Promise.reject(wrapFsError(err, root, 'write')))
  await withProjectLock(root, async () => {
    await settleCommit(root)
    await recoverFolder(out)
    if (existsSync(out) && !overwrite) {
      throw new MicroforgeError('ALREADY_EXISTS', `${output.kind === 'zip' ? out : `The folder ${out}`} already exists.`, 'Choose another name, or allow overwriting (--force in the CLI).')
    }
    const files: CommitFile[] = []
    if (inProject) {
      const sources = await readFirmwareSources(projectDir)
      sources[relative(firmwareDir, out).split(sep)[0]] = source
      files.push({ path: 'firmware/.sources.json', data: JSON.stringify(sources, null, 2) })
    }
    if (output.kind === 'zip') {
      await fsOps.mkdir(dirname(out)).catch((err) => Promise.reject(wrapFsError(err, dirname(out), 'write')))
      await commitChange(root, { files: [{ path: rel(out), data: output.bytes }, ...files] })
      return
    }
    // Hidden name: a folder being written never counts as firmware.
    const staging = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${Date.now()}`)
    try {
      for (const [p, bytes] of output.entries) {
        const file = join(staging, ...p.split('/'))
        await fsOps.mkdir(dirname(file))
        await fsOps.writeFile(file, bytes)
      }
      await commitChange(root, { files, swaps: [{ staging: rel(staging), target: rel(out) }] })
    } catch (err) {
      if (err instanceof InjectedKill) throw err
      // The cleanup's own failure (the same unwritable or looping path) must not hide the first error.
      await fs.rm(staging, { recursive: true, force: true }).catch(() => undefined)
      throw wrapFsError(err, out, 'write')
    }
  })
}

/**
 * Removes what killed writes left beside `out`: staging folders, and temporary files of
 * firmware/.sources.json. A folder set aside by an earlier Microforge's swap (`.old-<pid>-<ms>`,
 * before the journal) goes back when the new one never arrived.
 */
async function recoverFolder(out: string): Promise<void> {
  const parent = dirname(out)
  const prefix = `.${basename(out)}.`
  const all = await fs.readdir(parent).catch(() => [] as string[])
  const names = all.filter((n) => n.startsWith(prefix) && /\.(tmp|old)-\d+-\d+$/.test(n))
  const olds = names.filter((n) => n.includes('.old-')).sort()
  if (!existsSync(out) && olds.length > 0) await fsOps.rename(join(parent, olds[olds.length - 1]), out)
  const strayTemps = all.filter((n) => /^\..+\.[0-9a-f]{12}\.tmp$/.test(n))
  for (const n of [...names, ...strayTemps]) if (existsSync(join(parent, n))) await fsOps.rm(join(parent, n), { recursive: true, force: true })
}
