import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/main/services/event-bus'
import { DatasetService } from '../../src/main/services/dataset-service'
import { DeviceService } from '../../src/main/services/device-service'
import { ProjectService } from '../../src/main/services/project-service'
import { readProjectFile } from '../../src/main/storage/project-store'
import { SimService } from '../../src/main/services/sim-service'
import type { DeviceStatus, RecordingStatus } from '../../src/shared/contract/device'
import { tempDir } from '../helpers/tmp'

const until = async (cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> => {
  const end = Date.now() + ms
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * The IMU_Capture sketch on a Nano 33 BLE Sense: 119 samples at 119 Hz per gesture, a blank line,
 * then silence until the next motion. The rate must come from inside the bursts (it was read as
 * about 20 Hz across the pauses), and the project and every window must say 119 Hz.
 */
describe('an IMU_Capture stream over a socat pty', () => {
  let tmp: { dir: string; cleanup: () => void }
  let sim: SimService
  let device: DeviceService
  let dataset: DatasetService
  let project: string
  let recs: RecordingStatus[]
  let statuses: DeviceStatus[]

  beforeEach(async () => {
    tmp = tempDir()
    sim = new SimService(tmp.dir)
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'project')
    await projects.create(project, 'p')
    const bus = new EventBus()
    recs = []
    statuses = []
    bus.on('device.recording', (r) => recs.push(r))
    bus.on('device.status', (s) => statuses.push(s))
    dataset = new DatasetService(projects, bus)
    device = new DeviceService({ bus, dataset })
  })

  afterEach(async () => {
    await device.dispose()
    await sim.stop()
    tmp.cleanup()
  })

  it('is saved at 119 Hz +-2%, windows and project alike, with the rate of each burst shown', async () => {
    const info = await sim.start({ rateHz: 119, format: 'imu-capture', samplesPerGesture: 119, classes: ['punch'], seed: 4 })
    await device.open(info.path, 115200)
    await until(async () => (await device.status()).layout !== null, 20_000, 'the header line')
    await device.startRecording({ project, label: 'punch', trigger: 'board', count: 3 })
    await until(() => (recs.at(-1)?.windowsSaved ?? 0) >= 3, 30_000, 'three gestures')

    const windows = await dataset.list(project)
    expect(windows.map((w) => w.samples)).toEqual([119, 119, 119])
    for (const w of windows) {
      expect(w.rateHz).toBeGreaterThan(119 * 0.98)
      expect(w.rateHz).toBeLessThan(119 * 1.02)
    }
    const signal = (await readProjectFile(project)).signal
    expect(signal).toMatchObject({ windowLength: 119, rateSource: 'arrival', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] })
    expect(signal.sampleRateHz).toBeGreaterThan(119 * 0.98)
    expect(signal.sampleRateHz).toBeLessThan(119 * 1.02)

    const rate = (await device.status()).rate
    expect(rate.bursts).toBeGreaterThanOrEqual(3)
    expect(rate.lastBurst?.samples).toBe(119)
    expect(rate.lastBurst?.rateHz).toBeGreaterThan(119 * 0.95)
    expect(rate.lastBurst?.rateHz).toBeLessThan(119 * 1.05)
  })

  it('refuses to record into a project whose windows are at another rate, naming both rates', async () => {
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    await projects.update(project, { signal: { sampleRateHz: 50, rateSource: 'user' } })
    // Windows at 50 Hz exist: their rate is the project's now.
    await dataset.saveWindow(project, { label: 'punch', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], rateHz: 50, values: [[0, 0, 1, 0, 0, 0]], source: 'test' })
    const info = await sim.start({ rateHz: 119, format: 'imu-capture', samplesPerGesture: 119, classes: ['punch'], seed: 4 })
    await device.open(info.path, 115200)
    await until(async () => (await device.status()).rate.rateHz !== null, 15_000, 'a measured rate')
    const err = await device.startRecording({ project, label: 'punch', trigger: 'board', count: 1 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((err as Error).message).toMatch(/1[12]\d\.\d Hz.*50 Hz/)
  })
})
