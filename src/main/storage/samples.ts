/**
 * The one reader of a project's windows (samples/<id>.json, format in src/shared/dataset.ts) and
 * its one policy for a damaged file: it is never skipped in silence. Steps that use the data
 * (train, optimize, search, export, the virtual board) refuse with every damaged file named; the
 * dataset list carries the damaged files with their reason so Capture shows them with a way out.
 */
import { closeSync, openSync, promises as fs, readFileSync, readSync } from 'node:fs'
import { join } from 'node:path'
import type { DamagedWindow } from '../../shared/contract/dataset'
import { SAMPLE_FORMAT_VERSION, type SampleFile } from '../../shared/dataset'
import { MicroforgeError } from '../../shared/errors'
import { jsonFileNames, wrapFsError } from './atomic-fs'

export const SAMPLES_DIR = 'samples'

export interface WindowFiles {
  windows: SampleFile[]
  damaged: DamagedWindow[]
}

/** Every window file in name order, and those that cannot be read, each with the reason. */
export async function readWindowFiles(projectDir: string): Promise<WindowFiles> {
  const dir = join(projectDir, SAMPLES_DIR)
  const names = await jsonFileNames(dir)
  const out: WindowFiles = { windows: [], damaged: [] }
  for (const name of names) {
    let text: string
    try {
      text = await fs.readFile(join(dir, name), 'utf8')
    } catch (err) {
      // Deleted between readdir and read (a delete, an undo): not damaged, just gone.
      if ((err as { code?: string }).code === 'ENOENT') continue
      out.damaged.push({ file: `${SAMPLES_DIR}/${name}`, reason: wrapFsError(err, join(dir, name), 'read').message })
      continue
    }
    try {
      out.windows.push(parseSampleFile(text, name))
    } catch (err) {
      out.damaged.push({ file: `${SAMPLES_DIR}/${name}`, reason: (err as Error).message })
    }
  }
  return out
}

export interface WindowHead {
  id: string
  label: string
  split: 'train' | 'test'
}

/**
 * id, label and split of every window, without keeping values, and the files whose head is
 * damaged, with the reason readWindowFiles gives. Only the head of each file is read (Microforge
 * writes the head fields before the values): reading and parsing every file whole, one after
 * another, took 23.5 s for 100,000 windows. Damage past the head is found by readWindowFiles.
 */
export async function readWindowHeads(projectDir: string): Promise<{ heads: WindowHead[]; damaged: DamagedWindow[] }> {
  const dir = join(projectDir, SAMPLES_DIR)
  const names = await jsonFileNames(dir)
  const out: { heads: WindowHead[]; damaged: DamagedWindow[] } = { heads: [], damaged: [] }
  const buf = Buffer.alloc(HEAD_BYTES)
  for (let i = 0; i < names.length; i++) {
    try {
      const head = readHead(join(dir, names[i]), names[i], buf)
      if (head) out.heads.push(head)
    } catch (err) {
      out.damaged.push({ file: `${SAMPLES_DIR}/${names[i]}`, reason: (err as Error).message })
    }
    // Synchronous reads of a few hundred small files, then a turn for everything else.
    if (i % 256 === 255) await new Promise((r) => setImmediate(r))
  }
  return out
}

const HEAD_BYTES = 2048

/** One file's head fields; null when the file is gone (deleted since the listing); throws what parseSampleFile throws when damaged. */
function readHead(path: string, name: string, buf: Buffer): WindowHead | null {
  let text: string
  try {
    const fd = openSync(path, 'r')
    try {
      text = buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0)).toString('utf8')
    } finally {
      closeSync(fd)
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return null
    throw wrapFsError(err, path, 'read')
  }
  const id = name.slice(0, -'.json'.length)
  // The fields before "values", closed as an object; anything else (another writer's order, a
  // long head, a damaged file) is read whole and checked as readWindowFiles checks it.
  const cut = /,\s*"values"\s*:/.exec(text)
  if (cut) {
    try {
      const head = JSON.parse(text.slice(0, cut.index) + '}') as { label?: unknown; split?: unknown }
      if (typeof head.label === 'string' && (head.split === 'train' || head.split === 'test')) return { id, label: head.label, split: head.split }
    } catch {
      // Read whole below.
    }
  }
  const w = parseSampleFile(readFileSync(path, 'utf8'), name)
  return { id, label: w.label, split: w.split }
}

/** Every window of the project, or PROJECT_CORRUPT naming each damaged file: nothing trains on a dataset with holes. */
export async function readSamples(projectDir: string): Promise<SampleFile[]> {
  const { windows, damaged } = await readWindowFiles(projectDir)
  if (damaged.length) throw damagedWindowsError(damaged)
  return windows
}

export function damagedWindowsError(damaged: DamagedWindow[]): MicroforgeError {
  const shown = damaged.slice(0, 3).map((d) => `${d.file} (${d.reason})`)
  const more = damaged.length > 3 ? ` and ${damaged.length - 3} more` : ''
  return new MicroforgeError(
    'PROJECT_CORRUPT',
    `${damaged.length} window file${damaged.length === 1 ? ' is' : 's are'} damaged: ${shown.join('; ')}${more}.`,
    'Delete the damaged windows in the Capture step (or restore them from a backup), then try again.'
  )
}

/** One window file, checked: the format, the fields, one number per axis in every row. */
export function parseSampleFile(text: string, name: string): SampleFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `Window file ${name} is damaged (not valid JSON).`, 'Delete it; the other windows are fine.')
  }
  const w = raw as Partial<SampleFile>
  const ok =
    !!w &&
    w.format === 'microforge-sample' &&
    typeof w.id === 'string' &&
    typeof w.label === 'string' &&
    (w.split === 'train' || w.split === 'test') &&
    Array.isArray(w.axes) &&
    Array.isArray(w.values) &&
    w.values.every((r) => Array.isArray(r) && r.length === (w.axes as string[]).length && r.every((v) => typeof v === 'number'))
  if (!ok) throw new MicroforgeError('PROJECT_CORRUPT', `Window file ${name} is damaged.`, 'Delete it; the other windows are fine.')
  if ((w.version ?? 0) > SAMPLE_FORMAT_VERSION) throw new MicroforgeError('PROJECT_TOO_NEW', `Window file ${name} was saved by a newer Microforge.`, 'Update Microforge.')
  return w as SampleFile
}
