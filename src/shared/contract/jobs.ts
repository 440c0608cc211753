import { z } from 'zod'
import type { ErrorData } from '../errors'
import type { ArgSchemas } from './types'

/**
 * Long work is a job: a service method starts it and returns { jobId } at once, progress arrives as
 * 'jobs.update' events (throttled by the producer: per epoch, per batch), and cancel(jobId) stops it.
 */
export type JobState = 'running' | 'done' | 'failed' | 'cancelled'

export interface JobStarted {
  jobId: string
}

export interface JobUpdate {
  jobId: string
  kind: string
  /** Project folder the job works on, when it has one. */
  project?: string
  state: JobState
  /** 0..1 */
  progress: number
  message: string
  /** Kind-specific live data (for example a training epoch's metrics). Plain JSON. */
  data?: unknown
  /** Set once when state is 'done'. Plain JSON. */
  result?: unknown
  /** Set once when state is 'failed'. */
  error?: ErrorData
  startedAt: number
  /** Estimated milliseconds left, when the job can tell. */
  etaMs?: number
  /** The settings the job runs with (plain JSON), so a window opened later shows them, not a form's defaults. */
  settings?: unknown
}

export interface JobsApi {
  list(): Promise<JobUpdate[]>
  get(jobId: string): Promise<JobUpdate>
  cancel(jobId: string): Promise<void>
}

const jobId = z.string().min(1).max(100)

export const jobsArgs: ArgSchemas<JobsApi> = {
  list: z.tuple([]),
  get: z.tuple([jobId]),
  cancel: z.tuple([jobId])
}

export interface JobsEvents {
  'jobs.update': JobUpdate
}
