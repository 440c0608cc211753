/**
 * Without hardware, the virtual board stands in for a person: while the app records "punch" on
 * its port, it punches. Real services (createServices), a real socat pty and the serialport
 * binding; the recorded windows are checked for each gesture's signature.
 */
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/main/services'
import type { RecordingStatus } from '../../src/shared/contract/device'
import { tempDir } from '../helpers/tmp'
import { until } from './helpers/until'

const peak = (w: number[][], axis: number): number => Math.max(...w.map((s) => Math.abs(s[axis])))

describe('the virtual board performs the gesture being recorded', () => {
  const tmp = tempDir('microforge-sim-follow-')
  const services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
  afterAll(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  it('punch windows push along Y without turning about X; flex windows turn about X; motion-triggered wave windows turn about Z', async () => {
    const { api, bus } = services
    const project = join(tmp.dir, 'project')
    await api.project.create(project, 'follow')
    let last: RecordingStatus | null = null
    bus.on('device.recording', (r) => (last = r))
    const info = await api.sim.start({ rateHz: 100, classes: ['wave', 'punch', 'flex'] })
    await api.device.open(info.path, 115200)
    await until(async () => (await api.device.status()).layout !== null, 20_000, 'the header line')

    const plan = [
      { label: 'punch', trigger: 'continuous' },
      { label: 'flex', trigger: 'continuous' },
      // The IMU_Capture way: wait for motion above 2.5 g (summed over the accelerometer axes).
      { label: 'wave', trigger: 'motion' }
    ] as const
    for (const { label, trigger } of plan) {
      // The countdown lets a gesture already under way finish before the first window starts.
      await api.device.startRecording({ project, label, trigger, samples: 150, count: 3, countdownMs: 2000 })
      const end = Date.now() + 20_000
      while ((last as RecordingStatus | null)?.state !== 'done' && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
      expect((last as RecordingStatus | null)?.state, label).toBe('done')
      last = null
    }

    const windows = await Promise.all((await api.dataset.list(project)).map((w) => api.dataset.get(project, w.id)))
    const punch = windows.filter((w) => w.label === 'punch').map((w) => w.values)
    const flex = windows.filter((w) => w.label === 'flex').map((w) => w.values)
    expect(punch).toHaveLength(3)
    expect(flex).toHaveLength(3)
    for (const w of punch) {
      expect(peak(w, 1), 'punch aY').toBeGreaterThan(1.2)
      expect(peak(w, 3), 'punch gX').toBeLessThan(20)
    }
    for (const w of flex) expect(peak(w, 3), 'flex gX').toBeGreaterThan(80)
    const wave = windows.filter((w) => w.label === 'wave').map((w) => w.values)
    expect(wave).toHaveLength(3)
    for (const w of wave) expect(peak(w, 5), 'wave gZ').toBeGreaterThan(150)
  })
})
