import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EventBus } from '../../../src/main/services/event-bus'
import { ProfileService, type LineSink } from '../../../src/main/services/profile-service'
import { ProjectService } from '../../../src/main/services/project-service'
import type { ProfileLiveUpdate } from '../../../src/shared/contract/profile'
import { tempDir } from '../../helpers/tmp'

/**
 * A damaged lineage record beside the profiles (firmware/.sources.json, profiles/.sources.json)
 * never costs a measured session: it is saved, and the problem is said with it (issue #16).
 */
describe('profiling with a damaged lineage record', () => {
  const tmp = tempDir('mf-profile-lineage-')
  afterAll(() => tmp.cleanup())

  async function setup() {
    const bus = new EventBus()
    const events: ProfileLiveUpdate[] = []
    bus.on('profile.live', (p) => events.push(p))
    const projects = new ProjectService(join(tmp.dir, 'config'))
    const dir = join(tmp.dir, `p${Math.random().toString(36).slice(2, 8)}`)
    await projects.create(dir, 'Profiled')
    let sink: LineSink | null = null
    // A board whose firmware Deploy built: its folder's record says which model it runs.
    const sources = {
      serial: async (_port: string, _baud: number, s: LineSink) => {
        sink = s
        return { close: async () => undefined, firmwareDir: join(dir, 'firmware', 'ptq_nrf52840_profile') }
      }
    }
    const service = new ProfileService(bus, sources, projects, () => 0)
    /** Profiles two inferences to the end (maxInferences) and returns the last live event. */
    const profileToTheEnd = async (): Promise<ProfileLiveUpdate> => {
      const { sessionId } = await service.start(dir, { kind: 'serial', port: '/dev/ttyFAKE', baud: 115200 }, { variant: 'ptq', target: 'nrf52840', estimatedInferenceUs: 1000, maxInferences: 2 })
      sink!.line('inference:1100 us')
      sink!.line('inference:1200 us')
      await expect.poll(() => events.at(-1)?.state, { timeout: 20_000 }).toMatch(/stopped|failed/)
      const last = events.at(-1)!
      expect(last.sessionId).toBe(sessionId)
      return last
    }
    return { dir, service, profileToTheEnd }
  }

  it('a damaged firmware/.sources.json: the session is saved and the warning names the file', async () => {
    const { dir, service, profileToTheEnd } = await setup()
    mkdirSync(join(dir, 'firmware'), { recursive: true })
    writeFileSync(join(dir, 'firmware', '.sources.json'), '{"ptq_nrf52840_profile": {"sourceMod')
    const last = await profileToTheEnd()
    expect(last.error).toBeUndefined()
    expect(last.state).toBe('stopped')
    expect(existsSync(join(dir, 'profiles', `${last.sessionId}.json`))).toBe(true)
    expect(last.savedId).toBe(last.sessionId)
    expect(last.warning).toBe(
      `Session saved, but ${join(dir, 'firmware', '.sources.json')} is damaged (not valid JSON). Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.`
    )
    expect((await service.get(dir, last.sessionId)).inferences).toBe(2)
  })

  it('a damaged profiles/.sources.json: the session is saved, corrects the estimate, and the warning names the file', async () => {
    const { dir, service, profileToTheEnd } = await setup()
    mkdirSync(join(dir, 'profiles'), { recursive: true })
    writeFileSync(join(dir, 'profiles', '.sources.json'), '[1, 2]')
    const last = await profileToTheEnd()
    expect(last.error).toBeUndefined()
    expect(existsSync(join(dir, 'profiles', `${last.sessionId}.json`))).toBe(true)
    expect(last.warning).toBe(
      `Session saved, but ${join(dir, 'profiles', '.sources.json')} is damaged (not an object). Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.`
    )
    expect((await service.get(dir, last.sessionId)).measuredOverEstimated).toBe(1.15)
  })
})
