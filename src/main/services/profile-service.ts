import { promises as fs } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import type {
  LiveState,
  ProfileApi,
  ProfileComparison,
  ProfileCsv,
  ProfileEstimate,
  ProfileLiveUpdate,
  ProfileOptions,
  ProfileRemoved,
  ProfileSession,
  ProfileSessionSummary,
  ProfileSource,
  ProfileStarted,
  SavedSessions,
  TimingOrigin
} from '../../shared/contract/profile'
import { MicroforgeError, toErrorData, type ErrorData } from '../../shared/errors'
import { BOARDS, type TargetId } from '../../shared/boards'
import { RUNTIME_LABELS } from '../../shared/profile-format'
import { pick } from '../../shared/pick'
import { compareSessions } from '../core/profile/compare'
import { measuredOverEstimated } from '../core/profile/latency-ratio'
import { profileCsv } from '../core/profile/profile-csv'
import { ProfileRecorder } from '../core/profile/profile-recorder'
import { profileStats } from '../core/profile/stage-stats'
import type { ServiceEvents } from './event-bus'
import { wrapFsError, writeFileAtomic } from '../storage/atomic-fs'
import { settleCommit } from '../storage/commit-journal'
import { withProjectLock } from '../storage/project-lock'
import { saveProfileSession } from './profile-save'
import { forgetSession, recordMeasuredModel, scanSessions, withStaleMarks } from './profile-records'
import { modelFacts, newSessionId, PROFILE_FORMAT, readSession, readVariantIndex, sessionPath, summaryOf, variantEstimates } from '../storage/profile-store'
import type { LineSink, LineSourceHandle, ProfileLineSources } from './profile-sources'
import type { ProjectService } from './project-service'

/** Live events go out at most this often; a board printing 1,000 lines/s still costs 10 events/s. */
const LIVE_INTERVAL_MS = 100
/** Live statistics cover the last this-many inferences (about 15 ms to compute). */
const LIVE_STATS_WINDOW = 20_000

export type { LineSink, LineSourceHandle, ProfileLineSources } from './profile-sources'
export { PROFILE_FORMAT } from '../storage/profile-store'

interface LiveSession {
  id: string
  dir: string
  source: ProfileSource
  origin: TimingOrigin
  options: ProfileOptions
  createdAt: Date
  started: number
  recorder: ProfileRecorder
  handle: LineSourceHandle | null
  state: LiveState
  timer: ReturnType<typeof setInterval> | null
  error?: ErrorData
  savedId?: string
  /** The session was saved, but something beside it (its lineage record) went wrong. */
  warning?: string
  /** Set once stop or end began, so both paths save exactly once. */
  finishing: Promise<ProfileSessionSummary | null> | null
  lastEmittedLines: number
  statsCache?: { stats: ProfileLiveUpdate['stats']; count: number; at: number; costMs: number }
}

/**
 * Profiling sessions: reads per-stage timing lines from a board or the virtual board, sends live
 * batches as 'profile.live' events, and keeps finished sessions in <project>/profiles/<id>.json.
 */
export class ProfileService implements ProfileApi {
  private sessions = new Map<string, LiveSession>()

  constructor(
    private readonly bus: ServiceEvents,
    private readonly sources: ProfileLineSources,
    private readonly projects?: ProjectService,
    private readonly now: () => number = () => performance.now()
  ) {}

  async start(dir: string, source: ProfileSource, options: ProfileOptions): Promise<ProfileStarted> {
    const abs = absolute(dir)
    await fs.mkdir(join(abs, 'profiles'), { recursive: true }).catch((err: unknown) => {
      throw wrapFsError(err, join(abs, 'profiles'), 'write')
    })
    if (source.kind === 'serial') {
      for (const s of this.sessions.values()) {
        if (s.source.kind === 'serial' && s.source.port === source.port && (s.state === 'running' || s.state === 'starting')) {
          throw new MicroforgeError('DEVICE_ERROR', `${source.port} is already being profiled.`, 'Stop that session first.')
        }
      }
    }
    const createdAt = new Date()
    const session: LiveSession = {
      id: newSessionId(createdAt),
      dir: abs,
      source,
      origin: source.kind === 'serial' ? 'board' : source.engine === 'qemu' ? 'emulator' : 'host',
      options,
      createdAt,
      started: this.now(),
      recorder: new ProfileRecorder(),
      handle: null,
      state: 'starting',
      timer: null,
      finishing: null,
      lastEmittedLines: -1
    }
    this.sessions.set(session.id, session)
    const sink: LineSink = {
      line: (text) => this.onLine(session, text),
      end: (err) => void this.finish(session, err)
    }
    try {
      if (source.kind === 'serial') {
        await this.sources.release?.(source.port)
        session.handle = await this.sources.serial(source.port, source.baud, sink)
      }
      else {
        if (!this.sources.virtual) {
          throw new MicroforgeError('UNSUPPORTED', 'The virtual board is not available in this build.', 'Connect a board running the profile firmware instead.')
        }
        const board = options.target && options.target in BOARDS ? BOARDS[options.target as TargetId] : undefined
        session.handle = await this.sources.virtual(abs, source, sink, board?.clockMHz)
      }
    } catch (err) {
      this.sessions.delete(session.id)
      throw err
    }
    // The source may have ended while it was opening (a firmware that exits at once).
    if (session.finishing) return { sessionId: session.id, ...(session.handle.link ? { link: session.handle.link } : {}) }
    session.state = 'running'
    session.timer = setInterval(() => this.emit(session), LIVE_INTERVAL_MS)
    this.emit(session, true)
    return { sessionId: session.id, ...(session.handle.link ? { link: session.handle.link } : {}) }
  }

  async stop(sessionId: string): Promise<ProfileSessionSummary | null> {
    const session = this.sessions.get(sessionId)
    if (!session) throw new MicroforgeError('NOT_FOUND', `No running profiling session ${sessionId}.`, 'It may have stopped already; look for it in the saved sessions.')
    return this.finish(session)
  }

  async live(): Promise<ProfileLiveUpdate[]> {
    return [...this.sessions.values()].map((s) => this.snapshot(s, []))
  }

  async list(dir: string): Promise<ProfileSessionSummary[]> {
    return (await this.saved(dir)).sessions
  }

  async saved(dir: string): Promise<SavedSessions> {
    const { sessions, damaged } = await scanSessions(absolute(dir))
    return { sessions: (await withStaleMarks(absolute(dir), sessions)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)), damaged }
  }

  async get(dir: string, id: string): Promise<ProfileSession> {
    await settleCommit(absolute(dir))
    const session = await readSession(sessionPath(absolute(dir), id))
    return (await withStaleMarks(absolute(dir), [session]))[0]
  }

  async remove(dir: string, id: string): Promise<ProfileRemoved> {
    const path = sessionPath(absolute(dir), id)
    return withProjectLock(absolute(dir), async () => {
      try {
        await fs.rm(path)
      } catch (err) {
        throw (err as { code?: string }).code === 'ENOENT'
          ? new MicroforgeError('NOT_FOUND', `No saved profiling session ${id}.`, 'Refresh the list of sessions.')
          : wrapFsError(err, path, 'write')
      }
      const warning = await forgetSession(absolute(dir), id)
      return warning ? { warning } : {}
    })
  }

  async compare(dir: string, ids: string[]): Promise<ProfileComparison> {
    const abs = absolute(dir)
    const sessions = await Promise.all(ids.map((id) => readSession(sessionPath(abs, id))))
    const variants = await readVariantIndex(abs)
    return compareSessions(
      sessions.map((s) => ({
        ...modelFacts(variants, s.variant),
        id: s.id,
        name: s.name,
        origin: s.origin,
        ...(s.runtime ? { runtime: s.runtime } : {}),
        inferences: s.inferences,
        stats: s.stats,
        memory: s.memory,
        ...(s.estimatedInferenceUs === undefined ? {} : { estimatedInferenceUs: s.estimatedInferenceUs })
      }))
    )
  }

  async estimates(dir: string): Promise<ProfileEstimate[]> {
    return variantEstimates(absolute(dir))
  }

  async exportCsv(dir: string, id: string, path?: string): Promise<ProfileCsv> {
    const s = await readSession(sessionPath(absolute(dir), id))
    const csv = profileCsv(s.samples)
    const fileName = `${s.id}.csv`
    if (!path) return { fileName, csv }
    const target = absolute(path)
    await writeFileAtomic(target, csv)
    return { fileName, csv, path: target }
  }

  /** Stops every running session (app quit); their data is saved. */
  async dispose(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => this.finish(s).catch(() => null)))
  }

  private onLine(session: LiveSession, text: string): void {
    if (session.finishing) return
    session.recorder.push(text, this.now() - session.started)
    // Classify-mode firmware prints no timings; its classifications count instead.
    const max = session.options.maxInferences
    const r = session.recorder
    if (max !== undefined && Math.max(r.samples.length, r.classifications.length) >= max) void this.finish(session)
  }

  private finish(session: LiveSession, err?: ErrorData): Promise<ProfileSessionSummary | null> {
    session.finishing ??= (async () => {
      if (session.timer) clearInterval(session.timer)
      session.timer = null
      await session.handle?.close().catch(() => undefined)
      let summary: ProfileSessionSummary | null = null
      try {
        summary = await this.save(session)
      } catch (saveErr) {
        err ??= toErrorData(saveErr)
      }
      session.state = err ? 'failed' : 'stopped'
      session.statsCache = undefined
      if (err) session.error = err
      this.emit(session, true)
      this.sessions.delete(session.id)
      if (err && !summary) throw MicroforgeError.fromData(err)
      return summary
    })()
    return session.finishing
  }

  private async save(session: LiveSession): Promise<ProfileSessionSummary | null> {
    const r = session.recorder
    if (r.samples.length === 0 && r.classifications.length === 0) return null
    const stats = profileStats(r.samples)
    const medians: Record<string, number> = {}
    for (const st of stats.stages) medians[st.stage] = st.median
    const o = session.options
    const variant = o.variant ?? session.handle?.variant
    const inference = stats.stages.find((s) => s.stage === 'inference')
    const ratio = measuredOverEstimated(inference?.median, o.estimatedInferenceUs)
    const file: ProfileSession = {
      format: PROFILE_FORMAT,
      version: 1,
      id: session.id,
      name: o.name ?? defaultName(session),
      createdAt: session.createdAt.toISOString(),
      durationMs: Math.round(this.now() - session.started),
      origin: session.origin,
      source: session.source,
      ...(variant ? { variant } : {}),
      ...(o.target ? { target: o.target } : {}),
      ...(session.handle?.runtime ? { runtime: session.handle.runtime } : {}),
      inferences: r.samples.length,
      medians,
      totalMedian: stats.total?.median ?? null,
      memory: { ...r.memory },
      ...(o.estimatedInferenceUs === undefined ? {} : { estimatedInferenceUs: o.estimatedInferenceUs }),
      ...(ratio === null ? {} : { measuredOverEstimated: ratio }),
      samples: r.samples,
      classifications: r.classifications,
      counts: { ...r.counts },
      stats,
      ...(session.handle?.hostDescription ? { hostDescription: session.handle.hostDescription } : {}),
      ...(session.handle?.windowIds ? { windowIds: session.handle.windowIds } : {})
    }
    // The session first: nothing read or written after it can lose the measurements.
    await saveProfileSession(session.dir, file, this.projects, async () => (await scanSessions(session.dir)).sessions)
    session.savedId = session.id
    // Which model it measured, so a later model marks it stale (Profile, sidebar).
    session.warning = await recordMeasuredModel(session.dir, session.id, { firmwareDir: session.handle?.firmwareDir, variant, createdAt: file.createdAt })
    return session.warning ? { ...summaryOf(file), warning: session.warning } : summaryOf(file)
  }

  private emit(session: LiveSession, force = false): void {
    const samples = session.recorder.takeNew()
    // Nothing new since the last event: stay quiet, a silent board should not flood the renderer.
    if (!force && samples.length === 0 && session.recorder.counts.lines === session.lastEmittedLines) return
    session.lastEmittedLines = session.recorder.counts.lines
    this.bus.emit('profile.live', this.snapshot(session, samples))
  }

  /**
   * Stats of a live session, over its last LIVE_STATS_WINDOW inferences (the saved session's cover
   * all of them), recomputed when new inferences arrived but never taking more than about 5% of the
   * main thread: sorting an hour of inferences every 100 ms would block it.
   */
  private liveStats(session: LiveSession): ProfileLiveUpdate['stats'] {
    const n = session.recorder.samples.length
    const now = performance.now()
    const c = session.statsCache
    if (c && (c.count === n || now - c.at < 20 * c.costMs)) return c.stats
    const all = session.recorder.samples
    const stats = profileStats(all.length > LIVE_STATS_WINDOW ? all.slice(all.length - LIVE_STATS_WINDOW) : all)
    session.statsCache = { stats, count: n, at: now, costMs: performance.now() - now }
    return stats
  }

  private snapshot(session: LiveSession, samples: ProfileLiveUpdate['samples']): ProfileLiveUpdate {
    const r = session.recorder
    const u: ProfileLiveUpdate = {
      sessionId: session.id,
      ...pick(session, ['dir', 'state', 'origin']),
      samples,
      inferences: r.samples.length,
      stats: this.liveStats(session),
      memory: { ...r.memory },
      counts: { ...r.counts },
      recentText: [...r.recentText]
    }
    if (r.lastClassification) u.lastClassification = r.lastClassification
    if (session.handle?.link) u.link = session.handle.link
    if (session.handle?.hostDescription) u.hostDescription = session.handle.hostDescription
    if (session.savedId) u.savedId = session.savedId
    if (session.warning) u.warning = session.warning
    if (session.error) u.error = session.error
    return u
  }
}

/** Closes the Connect step's connection when it holds the port profiling is about to open. */
export async function releaseDevicePort(device: { status(): Promise<{ path: string | null; state: string }>; close(): Promise<unknown> }, port: string): Promise<void> {
  const st = await device.status()
  if (st.path === port && st.state !== 'closed') await device.close()
}

function defaultName(s: LiveSession): string {
  const model = s.options.variant ?? s.handle?.variant ?? (s.source.kind === 'serial' ? s.source.port.split(/[\\/]/).pop() : 'virtual board')
  const what = s.handle?.runtime ? `${model} ${RUNTIME_LABELS[s.handle.runtime]}` : model
  const when = s.createdAt.toISOString().slice(0, 16).replace('T', ' ')
  return `${what}${s.origin === 'board' ? '' : ` (${s.origin})`} ${when}`
}

function absolute(p: string): string {
  return isAbsolute(p) ? p : resolve(p)
}
