import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DeployService } from '../../../src/main/services/deploy-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { tempDir } from '../../helpers/tmp'

/** Readiness that reflects reality: capture firmware (no model) is not a deployed model. */
describe('step states after Deploy', () => {
  let tmp: ReturnType<typeof tempDir>
  let projects: ProjectService
  let dir: string

  beforeEach(async () => {
    tmp = tempDir()
    projects = new ProjectService(join(tmp.dir, 'config'))
    dir = join(tmp.dir, 'p')
    await projects.create(dir, 'P')
    await projects.update(dir, { signal: { sampleRateHz: 50, rateSource: 'user' } })
  })
  afterEach(() => tmp.cleanup())

  const state = async (id: string) => (await projects.summarize(dir)).steps.find((s) => s.id === id)

  it('capture firmware before training marks neither Deploy done nor Profile ready, as a folder or as a zip', async () => {
    const deploy = new DeployService()
    await deploy.generate({ projectDir: dir, target: 'nano33ble', runtime: 'tflm', mode: 'capture' })
    await deploy.generate({ projectDir: dir, target: 'esp32', runtime: 'tflm', mode: 'capture', zip: true })
    const s = await projects.summarize(dir)
    expect(s.firmwareCount).toBe(2)
    expect((await state('deploy'))?.state).toBe('blocked')
    expect(await state('profile')).toMatchObject({ state: 'blocked', detail: expect.stringMatching(/Capture firmware runs no model/) })
  })

  it('a firmware project with a model makes Deploy done and Profile ready', async () => {
    const fw = join(dir, 'firmware', 'ptq_nano33ble_profile')
    mkdirSync(fw, { recursive: true })
    writeFileSync(join(fw, 'mf_config.h'), '#define MF_MODE_CAPTURE 0\n#define MF_MODE_CLASSIFY 0\n#define MF_MODE_PROFILE 1\n')
    expect((await state('deploy'))?.state).toBe('done')
    expect((await state('profile'))?.state).toBe('ready')
  })
})
