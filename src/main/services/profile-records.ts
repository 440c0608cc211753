/**
 * The lineage side of saved profiling sessions (which model each one measured, in
 * profiles/.sources.json). A side record that cannot be read or written never costs a session:
 * the session is saved and listed, and the problem is said beside it.
 */
import { describeError, MicroforgeError, toErrorData } from '../../shared/errors'
import { currentLineage, profiledModel, recordProfileSource, staleProfiles } from '../storage/lineage'

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
