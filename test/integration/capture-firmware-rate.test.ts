import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import { envelopePeriod } from '../../src/main/core/serial/rate-estimator'
import type { Services } from '../../src/main/services'
import { servicesProject, type ServicesProject } from '../helpers/services-project'

/**
 * The firmware samples at the project's rate from a micros() schedule: capture-mode firmware
 * generated for a 119 Hz project, compiled for this computer and run as the virtual board, streams
 * 119 samples a second, counted on the pseudo-terminal.
 */
describe('capture firmware streams at the signal spec rate', { timeout: 90_000 }, () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir

  beforeAll(async () => {
    project = await servicesProject('Nano at 119 Hz', 'nano')
    services = project.services
    await services.api.project.update(dir(), { signal: { axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], sampleRateHz: 119, rateSource: 'user', windowLength: 119 } })
  })
  afterAll(() => project.dispose())

  it('generate reports the rate and window, and warns when the sensor cannot deliver the rate', async () => {
    const rev1 = await services.api.deploy.generate({ projectDir: dir(), target: 'nano33ble', nano33Revision: 'rev1', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'cap_rev1' })
    expect(rev1).toMatchObject({ sampleRateHz: 119, windowLength: 119, sensorWarning: null })
    const rev2 = await services.api.deploy.generate({ projectDir: dir(), target: 'nano33ble', nano33Revision: 'rev2', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'cap_rev2' })
    expect(rev2.sensorWarning).toMatch(/at most 100 Hz; this project samples at 119 Hz/)
  })

  it('streams 119 +- 3 samples per second on the virtual board', async () => {
    const fw = await services.api.deploy.generate({ projectDir: dir(), target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'cap_esp32' })
    expect(fw.sensorWarning).toBeNull()
    const info = await services.api.sim.startFirmware(dir(), { firmwareDir: fw.path, windows: 'synthetic' })
    const port = new SerialPort({ path: info.path, baudRate: 115200 })
    const arrivals: number[] = []
    let partial = ''
    port.on('data', (d: Buffer) => {
      const now = performance.now()
      const parts = (partial + d.toString()).split('\n')
      partial = parts.pop() ?? ''
      for (const l of parts) if (/^-?\d+\.\d{3}(,-?\d+\.\d{3}){5}\r?$/.test(l)) arrivals.push(now)
    })
    await expect.poll(() => arrivals.length, { timeout: 30_000 }).toBeGreaterThan(0)
    const start = arrivals.length
    await new Promise((r) => setTimeout(r, 4000))
    await new Promise<void>((r) => port.close(() => r()))
    await services.api.sim.stop()
    // Lines arrive late, never early, and a loaded machine delivers them in clumps: the rate is the
    // lower envelope of their arrival times (about 470 lines over 4 s), not a count between two
    // timer readings that a stall at either end would move by 10 lines.
    const lines = arrivals.slice(start)
    expect(lines.length).toBeGreaterThan(119 * 2)
    const rate = 1000 / envelopePeriod(lines)!
    expect(rate).toBeGreaterThan(116)
    expect(rate).toBeLessThan(122)
  })

  it('refuses to generate for a project whose rate is unknown', async () => {
    const other = join(project.root, 'unknown')
    await services.api.project.create(other, 'Unknown rate')
    await expect(services.api.deploy.generate({ projectDir: other, target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio' })).rejects.toThrow(/sample rate is unknown/)
  })
})
