import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import { createServices, type Services } from '../../src/main/services'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { tempDir } from '../helpers/tmp'

// The Connect step's "Run my firmware": the generated C-runtime firmware, compiled for this
// computer, on a real pseudo-terminal opened with the real serialport binding.
describe('sim.startFirmware', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  const dir = (): string => join(tmp.dir, 'hello')

  beforeAll(async () => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
    await services.api.project.create(dir(), 'Hello')
    await prepareHelloProject(services.projects, dir())
    writeSampleWindow(dir(), 'w1', 1.5708)
    writeSampleWindow(dir(), 'w2', 0)
  })
  afterAll(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  it('refuses clearly when the project has no generated firmware', async () => {
    await expect(services.api.sim.startFirmware(dir())).rejects.toThrow(/firmware/i)
  })

  it('runs the profile firmware Deploy generated and streams its per-stage timings', async () => {
    await services.api.deploy.generate({ projectDir: dir(), variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'profile', kind: 'platformio' })
    const info = await services.api.sim.startFirmware(dir())
    expect(info.format).toBe('firmware')
    expect(info.firmwareDir).toContain(join('hello', 'firmware'))
    expect((await services.api.sim.status())?.path).toBe(info.path)

    const port = new SerialPort({ path: info.path, baudRate: 115200 })
    let text = ''
    port.on('data', (d: Buffer) => (text += d.toString()))
    await expect.poll(() => (text.match(/inference:/g) ?? []).length, { timeout: 30_000 }).toBeGreaterThanOrEqual(3)
    await new Promise<void>((r) => port.close(() => r()))
    const line = text.split('\n').find((l) => l.includes('inference:'))!
    for (const stage of ['sensor', 'preprocess', 'inference', 'output']) expect(line).toMatch(new RegExp(`${stage}:\\d`))

    await services.api.sim.stop()
    expect(await services.api.sim.status()).toBeNull()
  })
})
