import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProfileService, type LineSink } from '../../../src/main/services/profile-service'
import type { ProfileLiveUpdate } from '../../../src/shared/contract/profile'
import { writeTrainedFloatModel } from '../../helpers/hello-firmware'
import { profileProject } from '../../helpers/profile-project'
import { tempDir } from '../../helpers/tmp'

/**
 * A damaged lineage record beside the profiles (firmware/.sources.json, profiles/.sources.json)
 * never costs a measured session: it is saved, and the problem is said with it (issue #16).
 */
describe('profiling with a damaged lineage record', () => {
  const tmp = tempDir('mf-profile-lineage-')
  afterAll(() => tmp.cleanup())

  async function setup() {
    const { bus, events, projects, dir } = await profileProject(tmp.dir)
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
      await expect.poll(() => events.at(-1)?.state).toMatch(/stopped|failed/)
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

  it('a damaged profiles/.sources.json hides no session: list and get say the stale mark is unknown, and why', async () => {
    const { dir, service, profileToTheEnd } = await setup()
    // A trained model: only then are the records read to tell which sessions are stale.
    await writeTrainedFloatModel(dir, 1)
    const { sessionId } = await profileToTheEnd()
    expect((await service.list(dir)).map((s) => [s.id, s.stale, s.staleUnknown])).toEqual([[sessionId, undefined, undefined]])
    const record = join(dir, 'profiles', '.sources.json')
    writeFileSync(record, '{"cut')
    const why = `Whether it measured the current model is not known: ${record} is damaged (not valid JSON). Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.`
    expect((await service.list(dir)).map((s) => [s.id, s.stale, s.staleUnknown])).toEqual([[sessionId, undefined, why]])
    const got = await service.get(dir, sessionId)
    expect([got.inferences, got.staleUnknown]).toEqual([2, why])
  })

  it('deleting a session says when its record could not be updated, and why', async () => {
    const { dir, service, profileToTheEnd } = await setup()
    const { sessionId } = await profileToTheEnd()
    expect(await service.remove(dir, sessionId)).toEqual({})
    const second = await profileToTheEnd()
    const record = join(dir, 'profiles', '.sources.json')
    writeFileSync(record, 'null')
    expect(await service.remove(dir, second.sessionId)).toEqual({
      warning: `Session ${second.sessionId} deleted, but ${record} is damaged (not an object). Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.`
    })
    expect(existsSync(join(dir, 'profiles', `${second.sessionId}.json`))).toBe(false)
  })
})
