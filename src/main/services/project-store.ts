import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { PROJECT_FORMAT, PROJECT_FORMAT_VERSION, type ProjectFile } from '../../shared/project-schema'
import { signalFromV1, signalSpecSchema } from '../../shared/signal'
import { writeJsonAtomic } from './atomic-fs'

export const PROJECT_FILE = 'project.json'

/**
 * Reads and validates project.json. A corrupt file or one written by a newer Microforge gives a
 * clear error, and nothing here ever writes over it.
 */
export async function readProjectFile(dir: string): Promise<ProjectFile> {
  const path = join(dir, PROJECT_FILE)
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT') {
      throw new MicroforgeError('NOT_FOUND', `${dir} is not a Microforge project (no project.json).`, 'Pick the project folder, or create a new project there.')
    }
    throw new MicroforgeError('IO_ERROR', `Cannot read ${path}: ${(err as Error).message}`, 'Check that the folder is readable.')
  }
  return parseProjectFile(text, path)
}

export function parseProjectFile(text: string, path = PROJECT_FILE): ProjectFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (not valid JSON).`, 'Restore it from a backup; Microforge will not overwrite it.')
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (not a project object).`, 'Restore it from a backup; Microforge will not overwrite it.')
  }
  const p = raw as Record<string, unknown>
  if (p.format !== PROJECT_FORMAT) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is not a Microforge project file.`, 'Pick the project folder that Microforge created.')
  }
  if (typeof p.version !== 'number' || !Number.isInteger(p.version) || p.version < 1) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} has no valid format version.`, 'Restore it from a backup; Microforge will not overwrite it.')
  }
  if (p.version > PROJECT_FORMAT_VERSION) {
    throw new MicroforgeError(
      'PROJECT_TOO_NEW',
      `This project was saved by a newer Microforge (format ${p.version}; this version reads up to ${PROJECT_FORMAT_VERSION}).`,
      'Update Microforge to open it. The project was not changed.'
    )
  }
  const problems: string[] = []
  if (typeof p.name !== 'string' || !p.name) problems.push('name')
  if (typeof p.createdAt !== 'string') problems.push('createdAt')
  if (!Array.isArray(p.classes) || !p.classes.every(isClassDef)) problems.push('classes')
  if (p.version === 1) {
    if (p.sensor !== null && !isSensor(p.sensor)) problems.push('sensor')
    if (p.windowLength !== null && !(Number.isInteger(p.windowLength) && (p.windowLength as number) > 0)) problems.push('windowLength')
    if (!isRecord(p.preprocessing)) problems.push('preprocessing')
  } else {
    const signal = signalSpecSchema.safeParse(p.signal)
    if (!signal.success) problems.push(`signal (${signal.error.issues.map((i) => [...i.path, i.message].join(': ')).join('; ')})`)
  }
  if (!isRecord(p.settings)) problems.push('settings')
  if (problems.length) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (bad ${problems.join(', ')}).`, 'Restore it from a backup; Microforge will not overwrite it.')
  }
  return p.version === 1 ? migrateV1(p) : (p as unknown as ProjectFile)
}

/** Format 1 kept sensor, windowLength and preprocessing at the top; format 2 keeps them in one signal spec. */
function migrateV1(p: Record<string, unknown>): ProjectFile {
  const { sensor, windowLength, preprocessing, ...rest } = p
  return { ...(rest as unknown as ProjectFile), version: PROJECT_FORMAT_VERSION, signal: signalFromV1({ sensor, windowLength, preprocessing }) }
}

export async function writeProjectFile(dir: string, project: ProjectFile): Promise<void> {
  await writeJsonAtomic(join(dir, PROJECT_FILE), project)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

function isClassDef(v: unknown): boolean {
  return isRecord(v) && typeof v.name === 'string' && typeof v.color === 'string'
}

function isSensor(v: unknown): boolean {
  return isRecord(v) && Array.isArray(v.axes) && v.axes.every((a) => typeof a === 'string')
}
