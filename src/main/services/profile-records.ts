/**
 * The lineage side of saved profiling sessions (which model each one measured, in
 * profiles/.sources.json). A side record that cannot be read or written never costs a session:
 * the session is saved and listed, and the problem is said beside it.
 */
import { join } from 'node:path'
import type { DamagedSession, ProfileSessionSummary } from '../../shared/contract/profile'
import { describeError, MicroforgeError, toErrorData } from '../../shared/errors'
import { jsonFileNames } from '../storage/atomic-fs'
import { settleCommit } from '../storage/commit-journal'
import { currentLineage, profiledModel, recordProfileSource, staleProfiles } from '../storage/lineage'
import { isSessionId, readSession, summaryOf } from '../storage/profile-store'

/** What a user reads when a step about a session's record failed after the session itself was saved or deleted. */
function afterward(done: string, what: string, err: unknown): string {
  const reason = describeError(toErrorData(err))
  // A damaged record names itself and its way out; any other failure needs saying what it stopped.
  return err instanceof MicroforgeError && err.code === 'PROJECT_CORRUPT' ? `${done}, but ${reason}` : `${done}, but ${what}: ${reason}`
}

/**
 * Records which model a just-saved session measured. Runs after the session file is written, so a
 * damaged firmware/.sources.json, variant index or profiles/.sources.json never loses the session:
 * it comes back as a warning ("Session saved, but ... is damaged ...") instead, undefined when all went well.
 */
export async function recordMeasuredModel(dir: string, id: string, opts: { firmwareDir?: string; variant?: string; createdAt: string }): Promise<string | undefined> {
  let measured: string | null
  try {
    measured = await profiledModel(dir, await currentLineage(dir), { firmwareDir: opts.firmwareDir, variant: opts.variant })
  } catch (err) {
    return afterward('Session saved', 'which model it measured is not known', err)
  }
  try {
    await recordProfileSource(dir, id, { variant: opts.variant ?? null, sourceModel: measured, createdAt: opts.createdAt })
  } catch (err) {
    return afterward('Session saved', 'which model it measured could not be recorded', err)
  }
  return undefined
}

/**
 * The sessions with their stale marks. When the marks cannot be worked out (a damaged
 * profiles/.sources.json), every session is still there, each with why its mark is unknown.
 */
export async function withStaleMarks<T extends { id: string; stale?: boolean; staleUnknown?: string }>(dir: string, sessions: T[]): Promise<T[]> {
  let stale: Set<string>
  try {
    stale = await staleProfiles(dir, await currentLineage(dir))
  } catch (err) {
    const why = `Whether it measured the current model is not known: ${describeError(toErrorData(err))}`
    return sessions.map((s) => ({ ...s, staleUnknown: why }))
  }
  return sessions.map((s) => (stale.has(s.id) ? { ...s, stale: true } : s))
}

/** Removes a deleted session's record; a warning saying why when that failed (the session is gone either way). */
export async function forgetSession(dir: string, id: string): Promise<string | undefined> {
  try {
    await recordProfileSource(dir, id, null)
    return undefined
  } catch (err) {
    return afterward(`Session ${id} deleted`, 'its record in profiles/.sources.json could not be updated', err)
  }
}

/**
 * Every saved session file in dir/profiles: the summaries of those that read, and why each other
 * one does not. Only a damaged file (PROJECT_CORRUPT) is offered for deletion; a session from a
 * newer Microforge, or a file that cannot be opened (permissions), is named with its reason and kept.
 */
export async function scanSessions(dir: string): Promise<{ sessions: ProfileSessionSummary[]; damaged: DamagedSession[] }> {
  await settleCommit(dir)
  const folder = join(dir, 'profiles')
  const names = await jsonFileNames(folder)
  const out: { sessions: ProfileSessionSummary[]; damaged: DamagedSession[] } = { sessions: [], damaged: [] }
  for (const n of names) {
    try {
      out.sessions.push(summaryOf(await readSession(join(folder, n))))
    } catch (err) {
      // Removed since the listing: gone, not damaged.
      if (err instanceof MicroforgeError && err.code === 'NOT_FOUND') continue
      const id = n.slice(0, -'.json'.length)
      const data = toErrorData(err)
      const kind = data.code === 'PROJECT_CORRUPT' ? 'damaged' : 'unreadable'
      // remove() takes ids only: a file by another name is deleted by hand.
      const byHand = kind === 'damaged' && !isSessionId(id) ? ' Its name is not a session id: delete it in the profiles folder yourself.' : ''
      out.damaged.push({ id, file: `profiles/${n}`, reason: describeError(data) + byHand, kind, deletable: kind === 'damaged' && !byHand })
    }
  }
  return out
}
