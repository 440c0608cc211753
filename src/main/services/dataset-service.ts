import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import type { DatasetApi, ExportResult, ImportOptions, ImportPreview, ImportResult, WindowSummary } from '../../shared/contract/dataset'
import type { ProjectPatch } from '../../shared/contract/project'
import type { SampleWindow } from '../../shared/dataset'
import { MicroforgeError } from '../../shared/errors'
import { CLASS_PALETTE, type ProjectFile } from '../../shared/project-schema'
import { type SignalPatch, type SignalSpec } from '../../shared/signal'
import { checkRecordings, conformRecording, conformReport, windowCount, type ConformOptions } from '../core/dataset/conform'
import { exportCsv, exportNpyTree } from '../core/dataset/dataset-export'
import { splitForNext, stratifiedSplit } from '../core/dataset/split'
import type { ServiceEvents } from './event-bus'
import { wrapFsError, writeFileAtomic } from '../storage/atomic-fs'
import { planSpec, preview, scanImport } from './dataset-import'
import { readRecordings } from './import-readers'
import { commitFolder, settleCommit } from '../storage/commit-journal'
import { InjectedKill } from '../storage/fs-ops'
import { sampleText, stageWindows } from '../storage/import-staging'
import { withProjectLock } from '../storage/project-lock'
import { readProjectFile } from '../storage/project-store'
import { parseSampleFile, readSamples, readWindowFiles } from '../storage/samples'

/** What the dataset needs from the project service: one atomic project.json update. */
export interface ProjectUpdater {
  update(dir: string, patch: ProjectPatch): Promise<unknown>
  /** Read-modify-write under the project lock (ProjectService.mutate). */
  mutate(dir: string, change: (project: ProjectFile) => ProjectPatch | null): Promise<ProjectFile>
}

const TRASH = '.trash'
const DEFAULT_SEED = 1234
const DEFAULT_TEST_FRACTION = 0.2

/** A window about to be saved; the service gives it an id, a split and a date. */
export interface NewWindow {
  label: string
  axes: string[]
  rateHz: number | null
  values: number[][]
  source: string
  /** A fixed split, or the project's test share and seed to pick one from the new id. */
  split?: 'train' | 'test' | { testFraction: number; seed: number }
}

/**
 * The windows of a project: samples/<id>.json, one file per window, every write atomic, so a crash
 * or an unplugged board never costs more than the window being recorded. Deleting moves files to
 * samples/.trash/<token>/ so that undo is a rename back.
 */
export class DatasetService implements DatasetApi {
  private seq = 0
  /** Windows per class and split, kept while windows are recorded so each new one is split in proportion. */
  private counts = new Map<string, Map<string, { train: number; test: number }>>()

  constructor(
    private readonly projects: ProjectUpdater,
    private readonly bus?: ServiceEvents
  ) {}

  /** The readable windows, oldest first; damaged files are in the project summary (readWindowFiles). */
  async list(project: string): Promise<WindowSummary[]> {
    // An import a kill interrupted after its commit is finished first.
    await settleCommit(project)
    const { windows, damaged } = await readWindowFiles(project)
    const good: WindowSummary[] = windows.map((w) => ({ id: w.id, label: w.label, split: w.split, samples: w.values.length, axes: w.axes, rateHz: w.rateHz, source: w.source, createdAt: w.createdAt }))
    // A damaged file is listed with its reason (Capture shows it with Delete), never left out in silence.
    const bad: WindowSummary[] = damaged.map((d) => ({ id: d.file.replace(/^samples\//, '').replace(/\.json$/, ''), label: '', split: 'train', samples: 0, axes: [], rateHz: null, source: d.file, createdAt: '', damaged: d.reason }))
    return [...good.sort(byCreation), ...bad]
  }

  async get(project: string, id: string): Promise<SampleWindow> {
    const path = windowPath(project, id)
    let text: string
    try {
      text = await fs.readFile(path, 'utf8')
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') throw new MicroforgeError('NOT_FOUND', `Window ${id} is not in this project.`, 'Reload the window list.')
      throw wrapFsError(err, path, 'read')
    }
    const { format: _f, version: _v, ...w } = parseSampleFile(text, basename(path))
    return w
  }

  /** Saves one new window atomically and returns it. Used by recording and import. */
  async saveWindow(project: string, w: NewWindow, emit = true): Promise<SampleWindow> {
    const id = this.newId()
    const counts = await this.classCounts(project)
    const c = counts.get(w.label) ?? { train: 0, test: 0 }
    const split = typeof w.split === 'object' ? splitForNext(c, w.split.testFraction) : (w.split ?? 'train')
    const window: SampleWindow = {
      id,
      label: w.label,
      split,
      axes: w.axes,
      rateHz: w.rateHz,
      values: w.values,
      source: w.source,
      createdAt: new Date().toISOString()
    }
    // Under the project lock like every other change: another process's import or delete waits.
    await withProjectLock(project, async () => {
      await fs.mkdir(samplesDir(project), { recursive: true }).catch((err) => {
        throw wrapFsError(err, samplesDir(project), 'write')
      })
      await writeSample(project, window)
    })
    c[split]++
    counts.set(w.label, c)
    if (emit) this.changed(project, 'recorded')
    return window
  }

  async relabel(project: string, ids: string[], label: string): Promise<void> {
    const name = label.trim()
    await withProjectLock(project, async () => {
      // The class first: a kill half-way leaves windows whose class is listed.
      await this.ensureClasses(project, [name])
      for (const id of ids) {
        const w = await this.get(project, id)
        if (w.label !== name) await writeSample(project, { ...w, label: name })
      }
    })
    this.changed(project, 'relabelled')
  }

  async delete(project: string, ids: string[]): Promise<{ undoToken: string }> {
    const undoToken = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`
    const trash = join(samplesDir(project), TRASH, undoToken)
    await withProjectLock(project, async () => {
      await fs.mkdir(trash, { recursive: true }).catch((err) => {
        throw wrapFsError(err, trash, 'write')
      })
      for (const id of ids) {
        try {
          await fs.rename(windowPath(project, id), join(trash, `${id}.json`))
        } catch (err) {
          if ((err as { code?: string }).code !== 'ENOENT') throw wrapFsError(err, windowPath(project, id), 'write')
        }
      }
    })
    this.changed(project, 'deleted')
    return { undoToken }
  }

  async undoDelete(project: string, undoToken: string): Promise<void> {
    const trash = join(samplesDir(project), TRASH, undoToken)
    await withProjectLock(project, async () => {
      const names = await readdirOrEmpty(trash)
      if (names.length === 0) throw new MicroforgeError('NOT_FOUND', 'There is nothing to undo.', 'The deleted windows were already restored or emptied.')
      for (const n of names) await fs.rename(join(trash, n), join(samplesDir(project), n)).catch((err) => Promise.reject(wrapFsError(err, n, 'write')))
      await fs.rm(trash, { recursive: true, force: true })
    })
    this.changed(project, 'restored')
  }

  async setSplit(project: string, ids: string[], split: 'train' | 'test'): Promise<void> {
    await withProjectLock(project, async () => {
      for (const id of ids) {
        const w = await this.get(project, id)
        if (w.split !== split) await writeSample(project, { ...w, split })
      }
    })
    this.changed(project, 'split')
  }

  async autoSplit(project: string, testFraction: number, seed?: number): Promise<Record<string, { train: number; test: number }>> {
    const p = await readProjectFile(project)
    const useSeed = seed ?? seedOf(p)
    const all = (await this.list(project)).filter((w) => !w.damaged)
    const plan = stratifiedSplit(all, testFraction, useSeed)
    const counts: Record<string, { train: number; test: number }> = {}
    await withProjectLock(project, async () => {
      for (const w of all) {
        const split = plan.get(w.id) ?? 'train'
        const c = (counts[w.label] ??= { train: 0, test: 0 })
        c[split]++
        if (split !== w.split) await writeSample(project, { ...(await this.get(project, w.id)), split })
      }
    })
    await this.projects.mutate(project, (now) => ({ settings: { ...now.settings, splitSeed: useSeed, testFraction } }))
    this.changed(project, 'split')
    return counts
  }

  async import(project: string, paths: string[], options: ImportOptions = {}): Promise<ImportResult> {
    const p = await readProjectFile(project)
    // First pass: lengths, rates, labels and every value checked; no samples are kept.
    const scanned = await scanImport(paths, options, p.signal.axes)
    const known = p.signal.axes.length > 0 ? p.signal.axes : null
    if (known && known.length !== scanned.axes.length) {
      throw new MicroforgeError('PARSE_ERROR', `The files have ${scanned.axes.length} axes; this project records ${known.length} (${known.join(', ')}).`, 'Pick matching axes, import into a new project, or pick files from the same sensor.')
    }
    const plan = planSpec(p, scanned, options)
    const opts: ConformOptions = {
      ...plan,
      ...(options.resample ? { resample: true } : {}),
      ...(options.crop ? { crop: options.crop } : {}),
      ...(options.pad ? { pad: options.pad } : {}),
      ...(options.padWith ? { padWith: options.padWith } : {})
    }
    checkRecordings(scanned.recordings, opts)
    const report = conformReport(scanned.recordings, opts)
    // Every window's id, label and split are known before any sample is read again.
    const labels = scanned.recordings.flatMap((r) => new Array<string>(windowCount(r, opts)).fill(r.label))
    const ids = labels.map(() => this.newId())
    const plan2 = stratifiedSplit(
      ids.map((id, i) => ({ id, label: labels[i] })),
      options.testFraction ?? (typeof p.settings.testFraction === 'number' ? p.settings.testFraction : DEFAULT_TEST_FRACTION),
      seedOf(p)
    )
    const createdAt = new Date().toISOString()
    const classes: Record<string, number> = {}
    for (const l of labels) classes[l] = (classes[l] ?? 0) + 1
    const axes = known ?? scanned.axes
    // Second pass: one recording at a time is read, conformed and written, so memory does not grow
    // with the files (issue #17). All windows or none: they go to a staging folder (one sync for all
    // of them), committed by one journal rename. A full disk or a kill before the commit leaves the
    // project as it was, so trying again does not duplicate anything.
    const staging = await stageWindows(
      project,
      (async function* () {
        let i = 0
        for (const f of scanned.files) {
          for await (const rec of readRecordings(f)) {
            for (const w of conformRecording(rec, opts)) {
              const id = ids[i++]
              if (id === undefined || w.label !== labels[i - 1]) throw new MicroforgeError('PARSE_ERROR', `${rec.file} changed while it was being imported. Nothing was imported.`, 'Import it again once nothing is writing to it.')
              yield { id, label: w.label, split: w.split ?? plan2.get(id) ?? 'train', axes, rateHz: w.rateHz, values: w.values, source: w.source, createdAt }
            }
          }
        }
      })()
    )
    const given = scanned.recordings.some((r) => r.rateFrom === 'given')
    try {
      await withProjectLock(project, async () => {
        // Classes first: the windows committed next always have their class listed.
        await this.ensureClasses(project, Object.keys(classes), {
          windowLength: plan.windowLength,
          ...(options.hop !== undefined ? { hop: options.hop } : {}),
          axes: scanned.axes,
          ...(plan.rateHz !== null ? { sampleRateHz: plan.rateHz, rateSource: given ? 'user' : 'file' } : {})
        })
        await commitFolder(project, `samples/${staging}`, 'samples')
      })
    } catch (err) {
      if (!(err instanceof InjectedKill)) await fs.rm(join(samplesDir(project), staging), { recursive: true, force: true }).catch(() => undefined)
      throw err
    }
    this.changed(project, 'imported')
    const resized = report.reduce((n, r) => n + (r.actions.some((a) => a.startsWith('padded') || a.startsWith('cropped')) ? r.windows : 0), 0)
    return { classes, windowLength: plan.windowLength, hop: plan.hop, rateHz: plan.rateHz, axes, resized, files: report.length, report, ids }
  }

  async previewImport(project: string, paths: string[], options: ImportOptions = {}): Promise<ImportPreview> {
    const p = await readProjectFile(project)
    return preview(p, await scanImport(paths, options, p.signal.axes), options)
  }

  async export(project: string, format: 'npy' | 'csv', out: string): Promise<ExportResult> {
    const target = isAbsolute(out) ? out : resolve(out)
    // A damaged window stops the export with its name rather than leaving a hole in the copy.
    const windows: SampleWindow[] = (await readSamples(project)).map(({ format: _f, version: _v, ...w }) => w as SampleWindow).sort(byCreation)
    if (windows.length === 0) throw new MicroforgeError('NOT_FOUND', 'This project has no windows to export.', 'Record or import some windows first.')
    if (format === 'csv') {
      const file = target.toLowerCase().endsWith('.csv') ? target : join(target, 'dataset.csv')
      await fs.mkdir(dirname(file), { recursive: true }).catch((err) => Promise.reject(wrapFsError(err, file, 'write')))
      await writeFileAtomic(file, exportCsv(windows))
      return { out: file, files: 1, windows: windows.length }
    }
    const files = exportNpyTree(windows)
    for (const f of files) {
      const path = join(target, ...f.path.split('/'))
      await fs.mkdir(dirname(path), { recursive: true }).catch((err) => Promise.reject(wrapFsError(err, path, 'write')))
      await writeFileAtomic(path, f.bytes)
    }
    return { out: target, files: files.length, windows: windows.length }
  }

  /** Adds classes the project does not list yet (with palette colours), plus other first-time settings. */
  async ensureClasses(project: string, labels: string[], first: SignalPatch = {}, replaceRate = false): Promise<ProjectFile> {
    // Decided on the project.json read under the lock: a class another process just added stays.
    return this.projects.mutate(project, (p) => {
      const classes = [...p.classes]
      for (const l of labels) {
        if (!classes.some((c) => c.name === l)) classes.push({ name: l, color: CLASS_PALETTE[classes.length % CLASS_PALETTE.length] })
      }
      const patch: ProjectPatch = {}
      if (classes.length !== p.classes.length) patch.classes = classes
      const signal = firstTimeSignal(p.signal, first, replaceRate)
      if (signal) patch.signal = signal
      return Object.keys(patch).length > 0 ? patch : null
    })
  }

  private async classCounts(project: string): Promise<Map<string, { train: number; test: number }>> {
    let counts = this.counts.get(project)
    if (!counts) {
      counts = new Map()
      for (const s of (await this.list(project)).filter((w) => !w.damaged)) {
        const c = counts.get(s.label) ?? { train: 0, test: 0 }
        c[s.split]++
        counts.set(s.label, c)
      }
      this.counts.set(project, counts)
    }
    return counts
  }

  private changed(project: string, reason: 'recorded' | 'imported' | 'relabelled' | 'deleted' | 'restored' | 'split'): void {
    // Only recording keeps the counts current itself; anything else recounts on the next window.
    if (reason !== 'recorded') this.counts.delete(project)
    this.bus?.emit('dataset.changed', { project, reason })
  }

  private newId(): string {
    // Time first so a folder listing is in recording order; the counter keeps an import's order.
    const t = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '')
    this.seq = (this.seq + 1) % 10000
    return `${t}-${String(this.seq).padStart(4, '0')}-${randomBytes(3).toString('hex')}`
  }
}

/**
 * The spec fields a first capture or import settles: a window length, axes or a rate the project
 * does not have yet. Once set, only the user changes them (never a later recording in passing),
 * except the rate of a project with no windows yet, which follows the board it records from.
 */
function firstTimeSignal(spec: SignalSpec, first: SignalPatch, replaceRate: boolean): SignalPatch | null {
  const out: SignalPatch = {}
  if (first.windowLength != null && spec.windowLength === null) {
    out.windowLength = first.windowLength
    if (first.hop != null) out.hop = first.hop
  }
  if (first.axes && spec.axes.length === 0) {
    out.axes = first.axes
    if (first.sensor) out.sensor = first.sensor
  }
  if (first.sampleRateHz != null && (spec.sampleRateHz === null || replaceRate)) {
    out.sampleRateHz = first.sampleRateHz
    out.rateSource = first.rateSource ?? null
  }
  return Object.keys(out).length > 0 ? out : null
}

function samplesDir(project: string): string {
  return join(project, 'samples')
}

function windowPath(project: string, id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) throw new MicroforgeError('INVALID_ARGUMENT', `"${id}" is not a window id.`, 'Reload the window list.')
  return join(samplesDir(project), `${id}.json`)
}

async function writeSample(project: string, w: SampleWindow): Promise<void> {
  await writeFileAtomic(windowPath(project, w.id), sampleText(w))
}


function byCreation(a: { id: string; createdAt: string }, b: { id: string; createdAt: string }): number {
  return a.createdAt === b.createdAt ? cmp(a.id, b.id) : cmp(a.createdAt, b.createdAt)
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir)
  } catch {
    return []
  }
}

function seedOf(p: ProjectFile): number {
  return typeof p.settings.splitSeed === 'number' ? p.settings.splitSeed : DEFAULT_SEED
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
