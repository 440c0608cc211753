/**
 * The one reader of a project's windows (samples/<id>.json, format in src/shared/dataset.ts) and
 * its one policy for a damaged file: it is never skipped in silence. Steps that use the data
 * (train, optimize, search, export, the virtual board) refuse with every damaged file named; the
 * dataset list carries the damaged files with their reason so Capture shows them with a way out.
 */
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import type { DamagedWindow } from '../../shared/contract/dataset'
import { SAMPLE_FORMAT_VERSION, type SampleFile } from '../../shared/dataset'
import { MicroforgeError } from '../../shared/errors'
import { wrapFsError } from './atomic-fs'

export const SAMPLES_DIR = 'samples'

export interface WindowFiles {
  windows: SampleFile[]
  damaged: DamagedWindow[]
}

/** Every window file in name order, and those that cannot be read, each with the reason. Dot files (the trash) are not windows. */
export async function readWindowFiles(projectDir: string): Promise<WindowFiles> {
  const dir = join(projectDir, SAMPLES_DIR)
  let names: string[]
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { windows: [], damaged: [] }
    throw wrapFsError(err, dir)
  }
  const out: WindowFiles = { windows: [], damaged: [] }
  for (const name of names) {
    let text: string
    try {
      text = await fs.readFile(join(dir, name), 'utf8')
    } catch (err) {
      // Deleted between readdir and read (a delete, an undo): not damaged, just gone.
      if ((err as { code?: string }).code === 'ENOENT') continue
      out.damaged.push({ file: `${SAMPLES_DIR}/${name}`, reason: wrapFsError(err, join(dir, name)).message })
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
