import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { PROJECT_FORMAT, PROJECT_FORMAT_VERSION, type ProjectFile } from '../../shared/project-schema'
import { describeProblems, projectFileV1Schema, projectFileV2Schema } from '../../shared/project-file-schema'
import { signalFromV1, signalSpecSchema } from '../../shared/signal'
import { symlinkLoop, writeJsonAtomic } from './atomic-fs'
import { settleCommit } from './commit-journal'

export const PROJECT_FILE = 'project.json'

/**
 * Reads and validates project.json. A corrupt file or one written by a newer Microforge gives a
 * clear error, and nothing here ever writes over it.
 */
export async function readProjectFile(dir: string): Promise<ProjectFile> {
  const path = join(dir, PROJECT_FILE)
  // A change to project.json and other files that a kill interrupted after its commit is finished first.
  await settleCommit(dir)
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: string }).code
    if (code === 'ENOENT') {
      throw new MicroforgeError('NOT_FOUND', `${dir} is not a Microforge project (no project.json).`, 'Pick the project folder, or create a new project there.')
    }
    if (code === 'ELOOP') throw symlinkLoop(dir)
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
  const problems = projectProblems(p)
  if (problems) {
    throw new MicroforgeError('PROJECT_CORRUPT', `${path} is damaged (bad ${problems}).`, 'Restore it from a backup; Microforge will not overwrite it.')
  }
  return p.version === 1 ? migrateV1(p) : (p as unknown as ProjectFile)
}

/** Format 1 kept sensor, windowLength and preprocessing at the top; format 2 keeps them in one signal spec. */
function migrateV1(p: Record<string, unknown>): ProjectFile {
  const { sensor, windowLength, preprocessing, ...rest } = p
  return { ...(rest as unknown as ProjectFile), version: PROJECT_FORMAT_VERSION, signal: signalFromV1({ sensor, windowLength, preprocessing }) }
}

/** Refuses to write a project.json that reading would refuse (e.g. a patch with a newline in a class name). */
export function checkProjectForWrite(project: ProjectFile): void {
  const problems = projectProblems(project as unknown as Record<string, unknown>)
  if (problems) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The change would make project.json invalid (bad ${problems}).`, 'Use plain names without line breaks, and finite numbers.')
  }
}

/**
 * What is wrong with a project object, or '' when nothing is: the structure, plain text in every
 * name (no line breaks or control characters), finite numbers, a known preprocessing method.
 */
function projectProblems(p: Record<string, unknown>): string {
  const parsed = (p.version === 1 ? projectFileV1Schema : projectFileV2Schema).safeParse(p)
  if (!parsed.success) return describeProblems(parsed.error)
  if (p.version === 1) return ''
  const signal = signalSpecSchema.safeParse(p.signal)
  return signal.success ? '' : `signal (${signal.error.issues.map((i) => [...i.path, i.message].join(': ')).join('; ')})`
}

export async function writeProjectFile(dir: string, project: ProjectFile): Promise<void> {
  checkProjectForWrite(project)
  await writeJsonAtomic(join(dir, PROJECT_FILE), project)
}
