/**
 * The lineage side of saved profiling sessions (which model each one measured, in
 * profiles/.sources.json). A side record that cannot be read or written never costs a session:
 * the session is saved and listed, and the problem is said beside it.
 */
import { describeError, MicroforgeError, toErrorData } from '../../shared/errors'
import { currentLineage, profiledModel, recordProfileSource } from '../storage/lineage'

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
