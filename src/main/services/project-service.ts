import { firmwareCensus } from '../storage/firmware-census'
import { promises as fs, type Dirent } from 'node:fs'
import { basename, isAbsolute, join, resolve } from 'node:path'
import type { ProjectApi, ProjectPatch, ProjectSummary, RecentProject } from '../../shared/contract/project'
import { describeError, MicroforgeError } from '../../shared/errors'
import { isPlainName } from '../../shared/project-file-schema'
import { CLASS_PALETTE, newProjectFile, PROJECT_DIRS, type ProjectFile } from '../../shared/project-schema'
import { mergeSignal, signalSpecSchema } from '../../shared/signal'
import { computeSteps } from '../../shared/steps'
import { wrapFsError, writeJsonAtomic } from '../storage/atomic-fs'
import { currentLineage, FLOAT_MODEL_PATH, isStaleFirmware, readFirmwareSources, readProfileSources, readVariantSources, signalFingerprint, staleProfiles, staleVariantNames, type Lineage } from '../storage/lineage'
import { withProjectLock } from '../storage/project-lock'
import { readWindowHeads } from '../storage/samples'
import { checkProjectForWrite, PROJECT_FILE, readProjectFile, writeProjectFile } from '../storage/project-store'
import { commitFiles, type CommitFile } from '../storage/commit-journal'

const MAX_RECENT = 12

/** Owns project folders on disk: layout, project.json, the recent list. */
export class ProjectService implements ProjectApi {
  constructor(private readonly configDir: string) {}

  async create(dir: string, name: string): Promise<ProjectSummary> {
    const abs = absolute(dir)
    try {
      await fs.access(join(abs, PROJECT_FILE))
      throw new MicroforgeError('ALREADY_EXISTS', `${abs} already holds a Microforge project.`, 'Open it instead, or choose an empty folder.')
    } catch (err) {
      if (err instanceof MicroforgeError) throw err
    }
    try {
      await fs.mkdir(abs, { recursive: true })
      for (const d of PROJECT_DIRS) await fs.mkdir(join(abs, d), { recursive: true })
    } catch (err) {
      throw wrapFsError(err, abs, 'write')
    }
    await writeProjectFile(abs, newProjectFile(name.trim()))
    return this.open(abs)
  }

  async open(dir: string): Promise<ProjectSummary> {
    const abs = absolute(dir)
    let summary = await this.summarize(abs)
    const repaired = await this.repairClasses(abs, summary)
    if ((await this.rollForwardPreprocessing(abs, summary)) || repaired) summary = await this.summarize(abs)
    await this.remember(abs, summary.project.name)
    return summary
  }

  async update(dir: string, patch: ProjectPatch): Promise<ProjectSummary> {
    const abs = absolute(dir)
    await this.mutate(abs, () => patch)
    return this.summarize(abs)
  }

  /**
   * Read-modify-write of project.json under the project lock (across processes): `change` sees
   * the current file and returns the patch to apply, or null for none. Use this, not a patch
   * computed from an earlier read, or a concurrent change is lost. `files` (project-relative)
   * commit together with project.json, in one step, and `removes` go in it (commit-journal.ts).
   */
  async mutate(dir: string, change: (project: ProjectFile) => ProjectPatch | null, files: CommitFile[] = [], removes: string[] = []): Promise<ProjectFile> {
    const abs = absolute(dir)
    return withProjectLock(abs, async () => {
      const project = await readProjectFile(abs)
      const patch = change(project)
      if (!patch) {
        if (files.length > 0 || removes.length > 0) await commitFiles(abs, files, removes)
        return project
      }
      const { signal, ...rest } = patch
      const next = { ...project, ...rest, signal: signal ? mergeSignal(project.signal, signal) : project.signal }
      const checked = signalSpecSchema.safeParse(next.signal)
      if (!checked.success) {
        throw new MicroforgeError('INVALID_ARGUMENT', `That signal spec does not hold together: ${checked.error.issues.map((i) => i.message).join('; ')}.`, 'Give one unit and one scale per axis, and distinct axis names.')
      }
      if (patch.classes) {
        const names = patch.classes.map((c) => c.name.trim())
        if (new Set(names).size !== names.length) {
          throw new MicroforgeError('INVALID_ARGUMENT', 'Two classes have the same name.', 'Give every class its own name.')
        }
      }
      if (files.length === 0 && removes.length === 0) await writeProjectFile(abs, next)
      else {
        checkProjectForWrite(next)
        await commitFiles(abs, [...files, { path: PROJECT_FILE, data: JSON.stringify(next, null, 2) + '\n' }], removes)
      }
      return next
    })
  }

  /**
   * Windows whose class project.json does not list (left by a crash, or by a Microforge before the
   * cross-process lock) get their class back, so training sees as many classes as outputs.
   */
  private async repairClasses(dir: string, summary: ProjectSummary): Promise<boolean> {
    const missing = (s: ProjectSummary['project']): string[] => Object.keys(summary.samplesPerClass).filter((l) => isPlainName(l) && !s.classes.some((c) => c.name === l))
    if (missing(summary.project).length === 0) return false
    try {
      await this.mutate(dir, (p) => {
        const add = missing(p)
        if (add.length === 0) return null
        const classes = [...p.classes]
        for (const name of add) classes.push({ name, color: CLASS_PALETTE[classes.length % CLASS_PALETTE.length] })
        return { classes }
      })
      return true
    } catch {
      // A read-only project still opens; the counts per class show the windows.
      return false
    }
  }

  /**
   * model.json is the commit record of a training run; project.json's recipe is written after it.
   * A kill between the two left the previous recipe beside the new model: take the model's.
   */
  private async rollForwardPreprocessing(dir: string, summary: ProjectSummary): Promise<boolean> {
    let recipe: unknown
    try {
      const modelJson = JSON.parse(await fs.readFile(join(dir, FLOAT_MODEL_PATH, 'model.json'), 'utf8')) as { userDefinedMetadata?: { preprocessing?: unknown } }
      recipe = modelJson.userDefinedMetadata?.preprocessing
    } catch {
      return false
    }
    if (!recipe || typeof recipe !== 'object' || JSON.stringify(recipe) === JSON.stringify(summary.project.signal.preprocessing)) return false
    try {
      await this.mutate(dir, () => ({ signal: { preprocessing: { ...(recipe as Record<string, unknown>) } } }))
      return true
    } catch {
      return false
    }
  }

  async recent(): Promise<RecentProject[]> {
    const list = await this.readRecent()
    return Promise.all(
      list.map(async (r) => ({ ...r, available: await fs.access(join(r.dir, PROJECT_FILE)).then(() => true, () => false) }))
    )
  }

  async forget(dir: string): Promise<void> {
    const abs = absolute(dir)
    const list = (await this.readRecent()).filter((r) => r.dir !== abs)
    await this.writeRecent(list)
  }

  /** Reads the project and counts what each step has produced. */
  async summarize(dir: string): Promise<ProjectSummary> {
    const project = await readProjectFile(dir)
    const { heads, damaged: damagedWindows } = await readWindowHeads(dir)
    const split: Record<string, { train: number; test: number }> = {}
    for (const h of heads) (split[h.label] ??= { train: 0, test: 0 })[h.split === 'test' ? 'test' : 'train']++
    const samplesPerClass = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, v.train + v.test]))
    const sampleCount = Object.values(samplesPerClass).reduce((a, b) => a + b, 0)
    const hasFloatModel = await exists(join(dir, FLOAT_MODEL_PATH, 'model.json'))
    const lineage = await currentLineage(dir, heads)
    const variantCount = await countEntries(join(dir, 'models', 'variants'), (e) => e.name.endsWith('.tflite'))
    // A firmware project is a folder, or the .zip Deploy saves when asked to; capture firmware runs no model.
    const firmware = await firmwareCensus(join(dir, 'firmware'))
    const firmwareCount = firmware.total
    const profileCount = await countEntries(join(dir, 'profiles'), (e) => e.name.endsWith('.json'))
    const { stale, problems: recordProblems } = await staleness(dir, lineage, project.signal)
    const steps = computeSteps({
      dataChangedSinceTraining: stale.dataChanged,
      staleVariantCount: stale.variants,
      staleModelFirmwareCount: stale.firmware,
      staleProfileCount: stale.profiles,
      sensorKnown: project.signal.axes.length > 0,
      rateKnown: project.signal.sampleRateHz !== null,
      sampleCount,
      damagedWindowCount: damagedWindows.length,
      classesWithSamples: Object.values(samplesPerClass).filter((n) => n > 0).length,
      hasFloatModel,
      floatModelProblem: lineage.modelProblem,
      variantCount,
      firmwareCount,
      modelFirmwareCount: firmware.withModel,
      profileCount
    })
    const { sampleRateHz, windowLength, axes } = project.signal
    return { dir, project, signal: { sampleRateHz, windowLength, axes }, split, samplesPerClass, sampleCount, damagedWindows, hasFloatModel, floatModelProblem: lineage.modelProblem, recordProblems, variantCount, firmwareCount, profileCount, stale, steps }
  }


  private recentPath(): string {
    return join(this.configDir, 'recent.json')
  }

  private async readRecent(): Promise<Omit<RecentProject, 'available'>[]> {
    try {
      const raw = JSON.parse(await fs.readFile(this.recentPath(), 'utf8')) as unknown
      if (!Array.isArray(raw)) return []
      return raw.filter((r): r is Omit<RecentProject, 'available'> => !!r && typeof r.dir === 'string' && typeof r.name === 'string')
    } catch {
      // A missing or damaged recent list only costs the list, never a project.
      return []
    }
  }

  private async writeRecent(list: Omit<RecentProject, 'available'>[]): Promise<void> {
    await fs.mkdir(this.configDir, { recursive: true })
    await writeJsonAtomic(this.recentPath(), list)
  }

  private async remember(dir: string, name: string): Promise<void> {
    const list = (await this.readRecent()).filter((r) => r.dir !== dir)
    list.unshift({ dir, name, openedAt: new Date().toISOString() })
    await this.writeRecent(list.slice(0, MAX_RECENT))
  }
}

function absolute(dir: string): string {
  const trimmed = dir.trim()
  if (!trimmed) throw new MicroforgeError('INVALID_ARGUMENT', 'No folder given.', 'Type or pick a folder for the project.')
  return isAbsolute(trimmed) ? resolve(trimmed) : resolve(process.cwd(), trimmed)
}

async function exists(path: string): Promise<boolean> {
  return fs.access(path).then(() => true, () => false)
}

async function countEntries(dir: string, keep: (entry: Dirent) => boolean): Promise<number> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true })
    return entries.filter((e) => !e.name.startsWith('.') && keep(e)).length
  } catch {
    return 0
  }
}

/**
 * What was made from an earlier model, or from the current one before its data changed. A record
 * it reads that is damaged or cannot be read (the variant index, firmware/ or profiles/.sources.json,
 * the profiles folder) counts nothing and is reported in `problems` with its message and next step:
 * the project still opens.
 */
async function staleness(dir: string, lineage: Lineage, spec: ProjectFile['signal']): Promise<{ stale: ProjectSummary['stale']; problems: string[] }> {
  const problems: string[] = []
  const count = async (read: () => Promise<number>): Promise<number> => {
    try {
      return await read()
    } catch (err) {
      if (!(err instanceof MicroforgeError) || (err.code !== 'PROJECT_CORRUPT' && err.code !== 'IO_ERROR')) throw err
      problems.push(describeError(err.toData()))
      return 0
    }
  }
  if (lineage.model === null && lineage.modelProblem === null) {
    // Nothing is stale without a model, but a damaged record is still damaged.
    for (const read of [readVariantSources, readFirmwareSources, readProfileSources]) await count(async () => (await read(dir), 0))
    return { stale: { dataChanged: false, variants: 0, firmware: 0, profiles: 0 }, problems }
  }
  const variants = await count(async () => (await staleVariantNames(dir, lineage)).size)
  const signal = signalFingerprint(spec)
  const firmware = await count(async () => Object.values(await readFirmwareSources(dir)).filter((f) => isStaleFirmware(lineage, f, signal)).length)
  const profiles = await count(async () => (await staleProfiles(dir, lineage)).size)
  return { stale: { dataChanged: lineage.dataChanged, variants, firmware, profiles }, problems }
}

export function defaultProjectName(dir: string): string {
  return basename(resolve(dir)) || 'My project'
}
