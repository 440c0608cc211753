import path from 'node:path'
import type tty from 'node:tty'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/main/services/event-bus'
import { DatasetService } from '../../src/main/services/dataset-service'
import { DeviceService } from '../../src/main/services/device-service'
import { ProjectService } from '../../src/main/services/project-service'
import { openBoardEnd, paceInto, type BoardWriter } from '../../src/main/sim/board-writer'
import { startPtyPair, type PtyPair } from '../../src/main/sim/pty-pair'
import type { DeviceStatus, RecordingStatus } from '../../src/shared/contract/device'
import { tempDir } from '../helpers/tmp'
import { until } from './helpers/until'

/** A board that keeps printing 3 columns, in this process like the app's virtual board. */
function streamingBoard(stream: tty.WriteStream, rateHz: number): BoardWriter {
  let i = 0
  return paceInto(stream, { next: () => (i++ === 0 ? ['aX,aY,aZ', '0,0,1'] : [`${i % 7},0.5,1`]) }, rateHz)
}

/**
 * SIGKILL of socat while bytes are in flight: the pty is hung up and the binding's reads return 0
 * bytes forever instead of failing, so no close event comes (about 1 unplug in 10). Several
 * unplugs per run, at a high rate, make the race likely; every one must end the recording.
 */
describe('unplugging a real pty (socat SIGKILL) mid-recording', () => {
  let tmp: { dir: string; cleanup: () => void }
  let pair: PtyPair
  let board: tty.WriteStream
  let writer: BoardWriter
  let project: string
  let dataset: DatasetService
  let device: DeviceService
  let statuses: DeviceStatus[]
  let recs: RecordingStatus[]

  beforeEach(async () => {
    tmp = tempDir()
    pair = await startPtyPair(path.join(tmp.dir, 'board'))
    board = openBoardEnd(pair.boardLink)
    board.on('error', () => undefined)
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'project')
    await projects.create(project, 'p')
    const bus = new EventBus()
    statuses = []
    recs = []
    bus.on('device.status', (s) => statuses.push(s))
    bus.on('device.recording', (r) => recs.push(r))
    dataset = new DatasetService(projects, bus)
    device = new DeviceService({ bus, dataset })
  })

  afterEach(async () => {
    writer?.stop()
    await device.dispose()
    board.destroy()
    await pair.close()
    tmp.cleanup()
  })

  const cases = [
    { name: 'a long window at 50 Hz, nothing saved yet', rateHz: 50, samples: 500, before: 0 },
    { name: 'short windows at 1 kHz, some already saved', rateHz: 1000, samples: 100, before: 3 },
    { name: 'a long window at 1 kHz', rateHz: 1000, samples: 5000, before: 0 }
  ]
  for (const c of cases) {
    it(`${c.name}: the recording fails within 3 s and saved windows stay`, async () => {
      await device.open(pair.link, 115200)
      writer = streamingBoard(board, c.rateHz)
      await until(() => statuses.some((s) => s.layout !== null), 20_000, 'layout')
      await device.startRecording({ project, label: 'wave', trigger: 'continuous', samples: c.samples, count: 1000 })
      await until(() => (recs.at(-1)?.windowsSaved ?? 0) >= c.before && (recs.at(-1)?.inProgress ?? 0) > 0, 20_000, 'recording in progress')
      const unpluggedAt = Date.now()
      pair.process.kill('SIGKILL')
      await pair.exited
      await until(() => recs.at(-1)?.state === 'failed', 3000, `failed recording (last state ${recs.at(-1)?.state})`)
      expect(Date.now() - unpluggedAt).toBeLessThan(3000)
      const last = recs.at(-1) as RecordingStatus
      expect(last.error?.code).toBe('DEVICE_DISCONNECTED')
      const saved = last.windowsSaved
      expect(saved).toBeGreaterThanOrEqual(c.before)
      expect(last.error?.message).toMatch(new RegExp(`disconnected.*Recording stopped: ${saved} windows? (was|were) saved`))
      await until(() => statuses.at(-1)?.state === 'error', 10_000, 'device error status')
      expect(statuses.at(-1)?.error?.message).toMatch(/disconnected/)
      expect((await dataset.list(project)).map((w) => w.samples)).toEqual(Array(saved).fill(c.samples))
    })
  }
})
