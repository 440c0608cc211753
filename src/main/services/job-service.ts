import { randomUUID } from 'node:crypto'
import type { JobsApi, JobStarted, JobUpdate } from '../../shared/contract/jobs'
import { MicroforgeError, toErrorData } from '../../shared/errors'
import type { ServiceEvents } from './event-bus'

export interface JobContext {
  signal: AbortSignal
  /** Reports progress (0..1). Producers throttle themselves: per epoch, per batch. */
  report(progress: number, message: string, data?: unknown, etaMs?: number): void
  /**
   * For work whose partial result is worth keeping (a search's best model so far): when cancelled,
   * a result the job still returns ends it as done, with this message, instead of cancelled.
   */
  keepResultOnCancel(message: string): void
}

export type JobFn<T> = (ctx: JobContext) => Promise<T>

/**
 * Runs long work as jobs: start returns an id at once, updates go out as 'jobs.update' events,
 * cancel aborts the job's signal. The job function decides where the work runs (a worker thread
 * for training); this class only tracks state.
 */
export class JobService implements JobsApi {
  private jobs = new Map<string, { update: JobUpdate; controller: AbortController; done: Promise<void> }>()

  constructor(private readonly bus: ServiceEvents) {}

  start<T>(kind: string, fn: JobFn<T>, project?: string, settings?: unknown): JobStarted {
    const jobId = `${kind}-${randomUUID().slice(0, 8)}`
    const controller = new AbortController()
    const update: JobUpdate = { jobId, kind, state: 'running', progress: 0, message: 'Starting…', startedAt: Date.now() }
    if (project) update.project = project
    if (settings !== undefined) update.settings = settings
    const publish = (patch: Partial<JobUpdate>): void => {
      Object.assign(update, patch)
      this.bus.emit('jobs.update', { ...update })
    }
    let keptOnCancel: string | null = null
    const ctx: JobContext = {
      signal: controller.signal,
      keepResultOnCancel: (message) => {
        keptOnCancel = message
      },
      report: (progress, message, data, etaMs) => {
        if (update.state !== 'running') return
        publish({ progress: Math.max(0, Math.min(1, progress)), message, data, etaMs })
      }
    }
    const done = (async () => {
      // Let start() return the id before the first event goes out.
      await Promise.resolve()
      publish({})
      try {
        const result = await fn(ctx)
        if (controller.signal.aborted && keptOnCancel === null) publish({ state: 'cancelled', message: 'Cancelled.', etaMs: undefined })
        else publish({ state: 'done', progress: 1, message: controller.signal.aborted ? keptOnCancel! : 'Done.', result: result ?? null, etaMs: undefined })
      } catch (err) {
        if (controller.signal.aborted || (err instanceof MicroforgeError && err.code === 'CANCELLED')) {
          publish({ state: 'cancelled', message: 'Cancelled.', etaMs: undefined })
        } else {
          const error = toErrorData(err)
          publish({ state: 'failed', message: error.message, error, etaMs: undefined })
        }
      }
    })()
    this.jobs.set(jobId, { update, controller, done })
    return { jobId }
  }

  /** Resolves when the job has finished in any state (for the CLI and tests). */
  async wait(jobId: string): Promise<JobUpdate> {
    const job = this.require(jobId)
    await job.done
    return { ...job.update }
  }

  async list(): Promise<JobUpdate[]> {
    return [...this.jobs.values()].map((j) => ({ ...j.update }))
  }

  async get(jobId: string): Promise<JobUpdate> {
    return { ...this.require(jobId).update }
  }

  async cancel(jobId: string): Promise<void> {
    const job = this.require(jobId)
    if (job.update.state === 'running') job.controller.abort()
  }

  private require(jobId: string) {
    const job = this.jobs.get(jobId)
    if (!job) throw new MicroforgeError('NOT_FOUND', `No job ${jobId}.`, 'It may have belonged to an earlier session of the app.')
    return job
  }
}

/** Throws the standard cancellation error when the signal is aborted; call between units of work. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new MicroforgeError('CANCELLED', 'Cancelled.')
}
