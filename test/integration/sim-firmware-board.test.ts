import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import type { Services } from '../../src/main/services'
import { helloServicesProject, type ServicesProject } from '../helpers/services-project'

// The Connect step's "Run my firmware": the generated C-runtime firmware, compiled for this
// computer, on a real pseudo-terminal opened with the real serialport binding.
describe('sim.startFirmware', () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir

  beforeAll(async () => {
    project = await helloServicesProject()
    services = project.services
  })
  afterAll(() => project.dispose())

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

  // The "stalls at 816 B" report: the stream kept flowing, but its counters only travelled in
  // sample batches, which profile firmware never produces, so the Connect step's bytes and lines
  // froze at the first status. Clients must see them grow.
  it('opened from Connect, the counters a client sees keep growing while the firmware prints', async () => {
    const info = await services.api.sim.startFirmware(dir())
    const seen: Array<{ bytes: number; profile: number }> = []
    const sub = services.bus.on('device.status', (s) => {
      if (s.state === 'open' && s.path === info.path) seen.push({ bytes: s.stats.bytes, profile: s.stats.profile })
    })
    try {
      await services.api.device.open(info.path, 115200)
      // 20 profile lines a second: within a few seconds, many more than the handful before the first
      // status. Checked until they hold rather than after a fixed 4 s, which a starved process (fewer
      // status ticks, a late clump of bytes) did not always fill; frozen counters never get there.
      const unmet = async (): Promise<string[]> => {
        const stream = (await services.api.device.status()).stats
        const last = seen.at(-1) ?? { bytes: 0, profile: 0 }
        const growing = seen.filter((s, i) => i > 0 && s.bytes > seen[i - 1].bytes).length
        return [
          stream.profile >= 20 ? '' : `${stream.profile} profile lines on the stream (want 20)`,
          // What a client was last told trails the stream by at most one status tick.
          last.bytes > stream.bytes * 0.6 ? '' : `last status ${last.bytes} B of the stream's ${stream.bytes} B`,
          last.profile >= 15 ? '' : `last status ${last.profile} profile lines (want 15)`,
          growing >= 4 ? '' : `${growing} statuses with more bytes than the one before (want 4)`
        ].filter(Boolean)
      }
      await expect.poll(unmet).toEqual([])
    } finally {
      sub.dispose()
      await services.api.device.close()
      await services.api.sim.stop()
    }
  })
})
