import type { JobStarted, JobUpdate } from '../../shared/contract/jobs'
import { MicroforgeError } from '../../shared/errors'
import type { CliContext } from '../command'

/**
 * Starts a job and waits for its end: updates while it runs go to `onRunning`, Ctrl+C cancels it,
 * a failure or a cancel is thrown with its message. Listens before starting: the first updates
 * can arrive before start() returns the id.
 */
export async function runJob(ctx: CliContext, start: () => Promise<JobStarted>, onRunning: (u: JobUpdate) => void, cancelled: string, again: string): Promise<unknown> {
  const seen: JobUpdate[] = []
  let jobId: string | null = null
  let settle: ((u: JobUpdate) => void) | null = null
  const onUpdate = (u: JobUpdate): void => {
    if (jobId === null) {
      seen.push(u)
      return
    }
    if (u.jobId !== jobId) return
    if (u.state === 'running') onRunning(u)
    else settle?.(u)
  }
  const unsubscribe = ctx.api.on('jobs.update', onUpdate)
  try {
    const finished = new Promise<JobUpdate>((r) => (settle = r))
    const id = (await start()).jobId
    jobId = id
    for (const u of seen.splice(0)) onUpdate(u)
    void ctx.interrupted.then(() => ctx.api.jobs.cancel(id).catch(() => undefined))
    const end = await finished
    if (end.state === 'failed') throw end.error ? MicroforgeError.fromData(end.error) : new MicroforgeError('INTERNAL', end.message)
    if (end.state === 'cancelled') throw new MicroforgeError('CANCELLED', cancelled, again)
    return end.result
  } finally {
    unsubscribe()
  }
}
