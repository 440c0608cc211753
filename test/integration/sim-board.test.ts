import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { command as simBoard } from '../../src/cli/commands/sim-board'
import { createMemoryClient } from '../../src/main/rpc/memory-transport'
import { createServices } from '../../src/main/services'
import { EventBus } from '../../src/main/services/event-bus'
import { DatasetService } from '../../src/main/services/dataset-service'
import { DeviceService } from '../../src/main/services/device-service'
import { ProjectService } from '../../src/main/services/project-service'
import type { RecordingStatus } from '../../src/shared/contract/device'
import { tempDir } from '../helpers/tmp'
import { until } from './helpers/until'

describe('microforge sim-board', () => {
  let tmp: { dir: string; cleanup: () => void }
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(() => tmp.cleanup())

  it('IMU_Capture mode: the app records the board-delimited gestures as windows, Ctrl+C ends it', async () => {
    const link = path.join(tmp.dir, 'vboard')
    let interrupt = (): void => undefined
    const interrupted = new Promise<void>((r) => (interrupt = r))
    const services = createServices({ host: 'cli', configDir: path.join(tmp.dir, 'cli-config') })
    const { client, close } = createMemoryClient(services.api, services.bus)
    const running = simBoard.run({ api: client, json: true, progress: () => undefined, interrupted }, [], {
      link,
      rate: '200',
      classes: 'wave,punch,flex',
      format: 'imu-capture',
      samples: '30',
      seed: '5'
    })
    await until(() => existsSync(link), 20_000, 'the pty link')

    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    const project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    const bus = new EventBus()
    const recs: RecordingStatus[] = []
    bus.on('device.recording', (r) => recs.push(r))
    const dataset = new DatasetService(projects, bus)
    const device = new DeviceService({ bus, dataset })
    try {
      await device.open(link, 115200)
      await until(async () => (await device.status()).layout !== null, 20_000, 'the first gesture')
      expect((await device.status()).layout?.axes).toEqual(['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'])
      await device.startRecording({ project, label: 'any', trigger: 'board', samples: 30, count: 3 })
      await until(() => recs.at(-1)?.state === 'done', 15_000, 'three windows')
      const windows = await dataset.list(project)
      expect(windows.map((w) => w.samples)).toEqual([30, 30, 30])
    } finally {
      await device.close()
      interrupt()
    }
    const result = (await running) as { endedBy: string; linesWritten: number }
    close()
    await services.dispose()
    expect(result.endedBy).toBe('interrupt')
    expect(result.linesWritten).toBeGreaterThan(90)
    expect(existsSync(link)).toBe(false)
  })
})
