import type { ProfileSession, ProfileSessionSummary } from '../../shared/contract/profile'
import { correctionFactor } from '../core/profile/latency-ratio'
import { writeJsonAtomic } from '../storage/atomic-fs'
import { withProjectLock } from '../storage/project-lock'
import { join } from 'node:path'
import type { ProjectService } from './project-service'

/**
 * Saves a finished profiling session. A board session with an estimate also corrects that
 * target's later estimates (Optimize reads settings.latencyCorrections; host and emulator timings
 * never do: neither is the board). The session file and project.json then commit together, so a
 * kill never leaves a session whose correction is missing, or a correction without its session.
 */
export async function saveProfileSession(dir: string, file: ProfileSession, projects: ProjectService | undefined, saved: () => Promise<ProfileSessionSummary[]>): Promise<void> {
  const path = `profiles/${file.id}.json`
  const target = file.target
  const ratio = file.measuredOverEstimated
  if (!projects || file.origin !== 'board' || !target || ratio === undefined) {
    await withProjectLock(dir, () => writeJsonAtomic(join(dir, ...path.split('/')), file))
    return
  }
  const earlier = (await saved()).filter((s) => s.id !== file.id && s.origin === 'board' && s.target === target && s.measuredOverEstimated !== undefined).map((s) => s.measuredOverEstimated!)
  const factor = correctionFactor([...earlier, ratio])
  await projects.mutate(
    dir,
    (project) => {
      if (factor === null) return null
      const prev = (project.settings.latencyCorrections ?? {}) as Record<string, number>
      return { settings: { ...project.settings, latencyCorrections: { ...prev, [target]: factor } } }
    },
    [{ path, data: JSON.stringify(file, null, 2) + '\n' }]
  )
}
