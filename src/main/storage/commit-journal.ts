import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, dirname, join, sep } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { syncDir, wrapFsError, writeJsonAtomic } from './atomic-fs'
import { fsOps, InjectedKill, writeSynced } from './fs-ops'
import { withProjectLock } from './project-lock'

/**
 * The one way a change that spans several files of a project commits (ARCHITECTURE.md, Storage):
 * a variant's .tflite and index.json, a profiling session and the board correction it adds to
 * project.json, a trained model and project.json, an import's windows, a firmware folder and its
 * source record. Every new file (or staging folder) is first written beside its target under a
 * temporary name, then a small journal naming the moves is written atomically (that rename is the
 * commit), then the moves run and the journal goes. A kill before the journal leaves only
 * temporary files (the old state); a kill after it is rolled forward by the next reader
 * (settleCommit), so nobody sees a mix. Moves run in the order given, so a reader that follows a
 * pointer file (model.json naming its weights) and comes before the roll-forward still sees one
 * whole generation: put the pointer last and the files it names before it.
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
  /** [staging folder, target folder, set-aside name] triples: the first replaces the second whole. */
  swaps?: Array<[string, string, string]>
}

/** A whole folder (already written under a hidden name) that replaces another. */
export interface FolderSwap {
  /** Both project-relative: the staging folder and the folder it replaces (or creates). */
  staging: string
  target: string
}

/** Writes `files` and deletes `removes` (project-relative) as one change. Call with the project lock held. */
export async function commitFiles(projectDir: string, files: CommitFile[], removes: string[] = []): Promise<void> {
  await commitChange(projectDir, { files, removes })
}

/**
 * One change: `files` written, `swaps` folders put in place whole, then `removes` deleted, all or
 * nothing. Call with the project lock held.
 */
export async function commitChange(projectDir: string, change: { files?: CommitFile[]; removes?: string[]; swaps?: FolderSwap[] }): Promise<void> {
  const files = change.files ?? []
  const moves: Array<[string, string]> = []
  try {
    for (const f of files) {
      const target = inside(projectDir, f.path)
      await fsOps.mkdir(dirname(target))
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${randomBytes(6).toString('hex')}.tmp`).split(sep).join('/')
      // Listed before it is written: a write that fails half-way (a full disk) is removed too.
      moves.push([tmp, f.path])
      await writeSynced(inside(projectDir, tmp), f.data)
    }
  } catch (err) {
    if (err instanceof InjectedKill) throw err
    // Nothing is committed yet: the temporary files go and the project is as it was.
    for (const [tmp] of moves) await fs.rm(inside(projectDir, tmp), { force: true }).catch(() => undefined)
    const failed = moves.at(-1)?.[1]
    throw wrapFsError(err, failed ? inside(projectDir, failed) : projectDir, 'write')
  }
  for (const d of new Set(moves.map(([tmp]) => dirname(inside(projectDir, tmp))))) await syncDir(d)
  const swaps = (change.swaps ?? []).map((w): [string, string, string] => {
    const aside = join(dirname(w.target), `.${basename(w.target)}.old-${randomBytes(6).toString('hex')}`).split(sep).join('/')
    for (const rel of [w.staging, w.target]) inside(projectDir, rel)
    return [w.staging, w.target, aside]
  })
  const journal: Journal = { version: 1, moves, removes: change.removes ?? [], ...(swaps.length ? { swaps } : {}) }
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
  for (const [stagingRel, targetRel, asideRel] of journal.swaps ?? []) {
    const staging = inside(projectDir, stagingRel)
    const target = inside(projectDir, targetRel)
    const aside = inside(projectDir, asideRel)
    // Idempotent: the old folder is set aside (not deleted) until the new one is in place.
    if (await exists(staging)) {
      if (await exists(target)) await fsOps.rename(target, aside)
      await fsOps.rename(staging, target)
    }
    await fsOps.rm(aside, { recursive: true, force: true })
    dirs.add(dirname(target))
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
  const strings = (n: number) => (m: unknown): boolean => Array.isArray(m) && m.length === n && m.every((s) => typeof s === 'string')
  const optional = (list: unknown, n: number): boolean => list === undefined || (Array.isArray(list) && list.every(strings(n)))
  if (!j || j.version !== 1 || !Array.isArray(j.moves) || !j.moves.every(strings(2)) || !optional(j.folders, 2) || !optional(j.swaps, 3) || !Array.isArray(j.removes) || !j.removes.every((s) => typeof s === 'string')) {
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
