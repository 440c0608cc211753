import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Services } from '../../../src/main/services'
import type { GenerateResult } from '../../../src/shared/contract/deploy'
import { writeSampleWindow, writeTrainedFloatModel as train, writeHelloVariantIndex, generateHelloClassify } from '../../helpers/hello-firmware'
import { helloServicesProject, type ServicesProject } from '../../helpers/services-project'

describe('stale means stale: variants, firmware and steps of an earlier model', () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir
  const steps = async (): Promise<Record<string, string>> => Object.fromEntries((await services.api.project.open(dir())).steps.map((s) => [s.id, s.state]))
  const generate = (allowStale = false): Promise<GenerateResult> => generateHelloClassify(services, dir(), allowStale)

  beforeEach(async () => {
    project = await helloServicesProject({ trained: true })
    services = project.services
  })
  afterEach(() => project.dispose())

  it('retraining marks the variants and the firmware built from them; Deploy asks before building from the earlier model', async () => {
    expect((await services.api.deploy.variants(dir()))[0].stale).toBe(false)
    await generate()
    expect((await services.api.project.open(dir())).stale).toEqual({ dataChanged: false, variants: 0, firmware: 0, profiles: 0 })
    expect(await steps()).toMatchObject({ train: 'done', deploy: 'done' })

    await train(dir(), 2)
    expect((await services.api.deploy.variants(dir()))[0].stale).toBe(true)
    expect((await services.api.optimize.list(dir())).variants[0].stale).toBe(true)
    await expect(generate()).rejects.toThrow(/hello_int8 was made from an earlier model/)
    expect((await services.api.project.open(dir())).stale).toEqual({ dataChanged: false, variants: 1, firmware: 1, profiles: 0 })
    expect(await steps()).toMatchObject({ train: 'done', optimize: 'ready', deploy: 'ready' })
    // Asked and confirmed: built, and still marked as of the earlier model.
    await generate(true)
    expect((await services.api.project.open(dir())).stale.firmware).toBe(1)
  })

  it('changing the data marks the model and everything made from it', async () => {
    await generate()
    writeSampleWindow(dir(), 'w3', 3.0)
    const s = await services.api.project.open(dir())
    expect(s.stale).toEqual({ dataChanged: true, variants: 1, firmware: 1, profiles: 0 })
    expect(await steps()).toMatchObject({ train: 'ready', optimize: 'ready', deploy: 'ready' })
    await expect(generate()).rejects.toThrow(/a model trained before the data changed/)
  })

  it('firmware built before the signal changed (rate, axes, units) is marked too, and generating again clears it', async () => {
    await generate()
    expect((await services.api.project.open(dir())).stale.firmware).toBe(0)
    await services.api.project.update(dir(), { signal: { units: ['m/s^2'] } })
    expect((await services.api.project.open(dir())).stale).toEqual({ dataChanged: false, variants: 0, firmware: 1, profiles: 0 })
    expect(await steps()).toMatchObject({ train: 'done', deploy: 'ready' })
    await generate()
    expect((await services.api.project.open(dir())).stale.firmware).toBe(0)
    await services.api.project.update(dir(), { signal: { sampleRateHz: 100 } })
    expect((await services.api.project.open(dir())).stale.firmware).toBe(1)
  })

  it('profiles of an earlier model are marked in the list, the session and the sidebar; a new profile of the current model is not', async () => {
    const profileFirmware = () =>
      services.api.deploy.generate({ projectDir: dir(), variant: 'hello_int8', target: 'pico', runtime: 'c', mode: 'profile', kind: 'platformio', name: 'hello_profile', overwrite: true })
    const profileOnce = async (): Promise<string> => {
      const fw = await profileFirmware()
      const { sessionId } = await services.api.profile.start(dir(), { kind: 'virtual', firmwareDir: fw.path, windows: 'dataset' }, { name: 'host', maxInferences: 3 })
      await expect.poll(async () => (await services.api.profile.live()).length, { timeout: 60_000 }).toBe(0)
      return sessionId
    }
    const first = await profileOnce()
    expect((await services.api.profile.list(dir())).map((p) => [p.id, p.stale ?? false])).toEqual([[first, false]])
    expect((await services.api.project.open(dir())).stale.profiles).toBe(0)
    expect(await steps()).toMatchObject({ profile: 'done' })

    // Retrained and optimized again: the session measured the earlier model.
    const fp = await train(dir(), 2)
    writeHelloVariantIndex(dir(), fp)
    expect((await services.api.profile.list(dir()))[0].stale).toBe(true)
    expect((await services.api.profile.get(dir(), first)).stale).toBe(true)
    expect((await services.api.project.open(dir())).stale.profiles).toBe(1)
    expect(await steps()).toMatchObject({ profile: 'ready' })

    // Profiling the regenerated firmware measures the current model; the earlier session stays marked.
    const second = await profileOnce()
    const listed = Object.fromEntries((await services.api.profile.list(dir())).map((p) => [p.id, p.stale ?? false]))
    expect(listed).toEqual({ [first]: true, [second]: false })
    const summary = await services.api.project.open(dir())
    expect(summary.stale.profiles).toBe(1)
    expect(summary.steps.find((x) => x.id === 'profile')).toMatchObject({ state: 'done', detail: '2 profiling sessions saved, 1 of an earlier model.' })

    // A session saved before profiles had a recorded source counts as stale when it is older than the model.
    const legacy = join(dir(), 'profiles', 'legacy.json')
    writeFileSync(legacy, JSON.stringify({ ...(await services.api.profile.get(dir(), second)), id: 'legacy', stale: undefined }))
    utimesSync(legacy, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000))
    expect((await services.api.profile.list(dir())).find((p) => p.id === 'legacy')?.stale).toBe(true)
    await services.api.profile.remove(dir(), first)
    expect((await services.api.project.open(dir())).stale.profiles).toBe(1)
  })
})
