/**
 * Issue #12.4: where the TFLM SDK comes from. The app setting (checked, saved in the app's data
 * folder) wins over MICROFORGE_TFLM; with neither, the status says so with what to choose, and a
 * TFLM run on the virtual board stops with that message before anything is compiled. No SDK
 * needed: the folders here have the SDK's layout only.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { AppSettings } from '../../../src/main/services/app-settings'
import { tflmSdkStatus } from '../../../src/main/sim/tflm-sdk-status'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('mf-tflm-setting-')
const savedEnv = process.env.MICROFORGE_TFLM

function fakeSdk(name: string, libs: string[]): string {
  const dir = join(tmp.dir, name)
  mkdirSync(join(dir, 'include', 'tensorflow', 'lite', 'micro'), { recursive: true })
  writeFileSync(join(dir, 'include', 'tensorflow', 'lite', 'micro', 'micro_interpreter.h'), '// layout only\n')
  for (const l of libs) {
    mkdirSync(join(dir, l, '..'), { recursive: true })
    writeFileSync(join(dir, l), '!<arch>\n')
  }
  return dir
}

describe('the TFLM SDK setting', () => {
  let full: string
  let hostOnly: string
  beforeAll(() => {
    full = fakeSdk('full', ['host/libtflm.a', 'cortex-m4/reference/libtflm.a', 'cortex-m4/cmsis-nn/libtflm.a'])
    hostOnly = fakeSdk('host-only', ['host/libtflm.a'])
    mkdirSync(join(tmp.dir, 'not-an-sdk', 'host'), { recursive: true })
    writeFileSync(join(tmp.dir, 'not-an-sdk', 'host', 'libtflm.a'), '!<arch>\n')
    fakeSdk('headers-only', [])
  })
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.MICROFORGE_TFLM
    else process.env.MICROFORGE_TFLM = savedEnv
  })
  afterAll(() => tmp.cleanup())

  it('with no setting and no MICROFORGE_TFLM, says the SDK is not set and what to choose', async () => {
    delete process.env.MICROFORGE_TFLM
    const s = await new AppSettings(join(tmp.dir, 'config-none')).tflmSdk()
    expect(s).toMatchObject({ dir: null, from: null, targets: { host: false, m4Reference: false, m4CmsisNn: false } })
    expect(s.problem).toMatch(/^TFLM SDK not set/)
    expect(s.hint).toMatch(/choose the TFLM SDK folder .*the folder that holds include\/ .*host\/libtflm\.a .*cortex-m4/i)
  })

  it('MICROFORGE_TFLM is the default; a saved folder wins over it and lasts; null goes back', async () => {
    process.env.MICROFORGE_TFLM = hostOnly
    const config = join(tmp.dir, 'config-a')
    expect(await new AppSettings(config).tflmSdk()).toMatchObject({ dir: hostOnly, from: 'env', targets: { host: true, m4Reference: false } })
    expect((await new AppSettings(config).tflmSdk()).problem).toMatch(/no cortex-m4\/reference\/libtflm\.a, cortex-m4\/cmsis-nn\/libtflm\.a/)
    const set = await new AppSettings(config).setTflmSdk(full)
    expect(set).toEqual({ dir: full, from: 'setting', targets: { host: true, m4Reference: true, m4CmsisNn: true } })
    expect(JSON.parse(readFileSync(join(config, 'settings.json'), 'utf8'))).toEqual({ tflmSdkDir: full })
    // A new app run (a new instance) reads it back.
    expect(await new AppSettings(config).tflmSdkDir()).toBe(full)
    expect((await new AppSettings(config).setTflmSdk(null)).from).toBe('env')
  })

  it('refuses a folder that is not an SDK, a relative path and a missing folder, and keeps the old setting', async () => {
    const settings = new AppSettings(join(tmp.dir, 'config-b'))
    await settings.setTflmSdk(full)
    await expect(settings.setTflmSdk(join(tmp.dir, 'not-an-sdk'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/has no include\/tensorflow\/lite\/micro\/micro_interpreter\.h/) })
    await expect(settings.setTflmSdk(join(tmp.dir, 'headers-only'))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/none of host\/libtflm\.a/) })
    await expect(settings.setTflmSdk('relative/tflm')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(settings.setTflmSdk(join(tmp.dir, 'nowhere'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(await settings.tflmSdkDir()).toBe(full)
  })

  it('a damaged settings file costs the setting, not the app', async () => {
    const config = join(tmp.dir, 'config-c')
    mkdirSync(config, { recursive: true })
    writeFileSync(join(config, 'settings.json'), '{ not json')
    delete process.env.MICROFORGE_TFLM
    expect(await new AppSettings(config).tflmSdkDir()).toBeNull()
    expect(tflmSdkStatus(null, {}).problem).toMatch(/^TFLM SDK not set/)
  })
})
