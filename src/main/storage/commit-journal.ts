import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { syncDir, wrapFsError, writeJsonAtomic } from './atomic-fs'
import { fsOps, InjectedKill, writeSynced } from './fs-ops'
import { withProjectLock } from './project-lock'

/**
 * A change that spans several files of a project (a variant's .tflite and index.json, a profiling
 * session and the board correction it adds to project.json) commits in one step: every new file is
 * first written beside its target under a temporary name, then a small journal naming the moves is
 * written atomically (that rename is the commit), then the moves run and the journal goes. A kill
 * before the journal leaves only temporary files (the old state); a kill after it is rolled forward
 * by the next reader (settleCommit), so nobody sees a mix.
 */
export const JOURNAL_FILE = '.microforge-commit.json'

export interface CommitFile {
  /** Path inside the project folder, '/'-separated. */
  path: string
  data: string | Uint8Array
}

interface Journal {
  version: 1
  /** [temporary, target] pairs, project-relative. */
  moves: Array<[string, string]>
  /** Project-relative files to delete once the new ones are in place. */
  removes: string[]
  /** [staging folder, target folder] pairs: every file of the first moves into the second, then it goes. */
  folders?: Array<[string, string]>
}

/** Writes `files` and deletes `removes` (project-relative) as one change. Call with the project lock held. */
export async function commitFiles(projectDir: string, files: CommitFile[], removes: string[] = []): Promise<void> {
  const moves: Array<[string, string]> = []
  try {
    for (const f of files) {
      const target = inside(projectDir, f.path)
      await fsOps.mkdir(dirname(target))
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${randomBytes(6).toString('hex')}.tmp`).split(sep).join('/')
      await writeSynced(inside(projectDir, tmp), f.data)
      moves.push([tmp, f.path])
    }
  } catch (err) {
    if (err instanceof InjectedKill) throw err
    // Nothing is committed yet: the temporary files go and the project is as it was.
    for (const [tmp] of moves) await fs.rm(inside(projectDir, tmp), { force: true }).catch(() => undefined)
    throw wrapFsError(err, files[moves.length]?.path ? inside(projectDir, files[moves.length].path) : projectDir)
  }
  for (const d of new Set(moves.map(([tmp]) => dirname(inside(projectDir, tmp))))) await syncDir(d)
  const journal: Journal = { version: 1, moves, removes }
  await writeJsonAtomic(join(projectDir, JOURNAL_FILE), journal)
  await apply(projectDir, journal)
}

/**
 * Makes the files of a staging folder (already written and synced, e.g. by writeBatch) part of
 * `targetRel` in one step. Call with the project lock held.
 */
export async function commitFolder(projectDir: string, stagingRel: string, targetRel: string): Promise<void> {
  const journal: Journal = { version: 1, moves: [], removes: [], folders: [[stagingRel, targetRel]] }
  await writeJsonAtomic(join(projectDir, JOURNAL_FILE), journal)
  await apply(projectDir, journal)
}

/**
 * Finishes a change a kill interrupted after its commit (idempotent: a move already made is
 * skipped). Readers call it before they read; it costs one failed stat when nothing is pending.
 */
export async function settleCommit(projectDir: string): Promise<void> {
  if (!(await exists(join(projectDir, JOURNAL_FILE)))) return
  await withProjectLock(projectDir, async () => {
    const journal = await readJournal(projectDir)
    if (journal) await apply(projectDir, journal)
  })
}

async function apply(projectDir: string, journal: Journal): Promise<void> {
  const dirs = new Set<string>()
  for (const [tmp, target] of journal.moves) {
    const from = inside(projectDir, tmp)
    if (!(await exists(from))) continue
    await fsOps.rename(from, inside(projectDir, target))
    dirs.add(dirname(inside(projectDir, target)))
  }
  for (const [stagingRel, targetRel] of journal.folders ?? []) {
    const staging = inside(projectDir, stagingRel)
    const target = inside(projectDir, targetRel)
    const names = await fs.readdir(staging).catch(() => [] as string[])
    for (let i = 0; i < names.length; i++) {
      await fsOps.renameNow(join(staging, names[i]), join(target, names[i]))
      if (i % 256 === 255) await new Promise((r) => setImmediate(r))
    }
    await fsOps.rm(staging, { recursive: true, force: true })
    dirs.add(target)
  }
  for (const r of journal.removes) await fsOps.rm(inside(projectDir, r), { force: true })
  for (const d of dirs) await syncDir(d)
  await fsOps.rm(join(projectDir, JOURNAL_FILE), { force: true })
}

async function readJournal(projectDir: string): Promise<Journal | null> {
  let text: string
  try {
    text = await fs.readFile(join(projectDir, JOURNAL_FILE), 'utf8')
  } catch {
    return null
  }
  const j = (() => {
    try {
      return JSON.parse(text) as Partial<Journal>
    } catch {
      return null
    }
  })()
  const pair = (m: unknown): m is [string, string] => Array.isArray(m) && m.length === 2 && m.every((s) => typeof s === 'string')
  if (!j || j.version !== 1 || !Array.isArray(j.moves) || !j.moves.every(pair) || !(j.folders === undefined || (Array.isArray(j.folders) && j.folders.every(pair))) || !Array.isArray(j.removes) || !j.removes.every((s) => typeof s === 'string')) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(projectDir, JOURNAL_FILE)} is damaged.`, 'Delete that file; the last optimization or profiling session may have to be run again.')
  }
  return j as Journal
}

/** A project-relative path from a journal, refused if it would leave the project. */
function inside(projectDir: string, rel: string): string {
  const parts = rel.split('/')
  if (rel === '' || rel.startsWith('/') || rel.includes('\\') || parts.some((p) => p === '..' || p === '' || p === '.')) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${join(projectDir, JOURNAL_FILE)} names a file outside the project (${rel}).`, 'Delete that file.')
  }
  return join(projectDir, ...parts)
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(
    () => true,
    () => false
  )
}
