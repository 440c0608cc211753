import { spawn } from 'node:child_process'
import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../src/main/services/event-bus'
import { DatasetService } from '../../src/main/services/dataset-service'
import { parseSampleFile } from '../../src/main/storage/samples'
import { DeviceService } from '../../src/main/services/device-service'
import { ProjectService } from '../../src/main/services/project-service'
import type tty from 'node:tty'
import { drained, openBoardEnd } from '../../src/main/sim/board-writer'
import { startPtyPair, type PtyPair } from '../../src/main/sim/pty-pair'
import type { DeviceStatus, RecordingStatus, SampleBatch } from '../../src/shared/contract/device'
import { repoRoot, tempDir } from '../helpers/tmp'
import { until } from './helpers/until'

const write = async (s: tty.WriteStream, text: string): Promise<void> => {
  s.write(text)
  await drained(s)
}

describe('capture over a real pty (socat) with the real serialport binding', () => {
  let tmp: { dir: string; cleanup: () => void }
  let pair: PtyPair
  let board: tty.WriteStream
  let project: string
  let bus: EventBus
  let dataset: DatasetService
  let device: DeviceService
  let batches: SampleBatch[]
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
    bus = new EventBus()
    batches = []
    statuses = []
    recs = []
    bus.on('device.samples', (b) => batches.push(b))
    bus.on('device.status', (s) => statuses.push(s))
    bus.on('device.recording', (r) => recs.push(r))
    dataset = new DatasetService(projects, bus)
    device = new DeviceService({ bus, dataset })
  })

  afterEach(async () => {
    await device.dispose()
    board.destroy()
    await pair.close()
    tmp.cleanup()
  })

  for (const baud of [115200, 921600]) {
    it(`every known line arrives parsed at ${baud} baud`, async () => {
      await device.open(pair.link, baud)
      const n = 3000
      const expected: number[][] = []
      let text = 'ms,aX,aY,aZ,gX,gY,gZ\n'
      for (let i = 0; i < n; i++) {
        const row = [i * 0.001 - 1.5, -i * 0.002, 1 + (i % 7) * 0.125, i % 500, -(i % 333), i * 0.5]
        expected.push(row.map((v) => Number(v.toFixed(3))))
        text += `${i},${row.map((v) => v.toFixed(3)).join(',')}\n`
      }
      for (let off = 0; off < text.length; off += 4096) await write(board, text.slice(off, off + 4096))
      await until(() => batches.reduce((a, b) => a + b.values.length, 0) >= n, 20_000, 'all samples')
      const got = batches.flatMap((b) => b.values)
      expect(got).toEqual(expected)
      expect(batches.flatMap((b) => b.times)).toEqual(expected.map((_, i) => i))
      const st = await device.status()
      expect(st.layout).toMatchObject({ axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], timestamp: 'ms' })
      expect(st.stats).toMatchObject({ samples: n, garbled: 0, wrongColumns: 0, overlong: 0, missing: 0 })
      expect(st.rate.rateHz).toBeCloseTo(1000, 0)
      // Batched: far fewer events than lines.
      expect(batches.length).toBeLessThan(n / 10)
    })
  }

  it('garbage bytes, wrong column counts, NaN and over-long lines are counted, not fatal', async () => {
    await device.open(pair.link, 115200)
    await write(board, 'aX,aY,aZ\n1,2,3\n')
    await write(board, Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x80, 0x0a]).toString('latin1'))
    await write(board, '1,2\n1,2,3,4\nnan,1,2\n1,inf,2\n')
    await write(board, 'x'.repeat(10_000) + '\n')
    await write(board, '4,5,6\n')
    await until(() => batches.reduce((a, b) => a + b.values.length, 0) >= 2, 20_000, 'samples')
    const st = await device.status()
    expect(st.state).toBe('open')
    expect(st.stats).toMatchObject({ samples: 2, wrongColumns: 2, nonFinite: 2, overlong: 1 })
    expect(st.stats.garbled).toBeGreaterThanOrEqual(1)
    expect(batches.flatMap((b) => b.values)).toEqual([
      [1, 2, 3],
      [4, 5, 6]
    ])
  })

  it('ending the socat pair mid-recording: an error event, recording stops, finished windows are on disk', async () => {
    await device.open(pair.link, 921600)
    await write(board, 'aX,aY,aZ\n')
    await until(() => statuses.some((s) => s.layout !== null), 20_000, 'layout')
    await device.startRecording({ project, label: 'punch', trigger: 'continuous', samples: 25, count: 100 })
    let text = ''
    for (let i = 0; i < 60; i++) text += `${i},0.5,1\n`
    await write(board, text)
    await until(() => (recs.at(-1)?.windowsSaved ?? 0) >= 2, 20_000, 'two windows')
    await pair.close()
    await until(() => recs.at(-1)?.state === 'failed', 20_000, 'failed recording')
    const last = recs.at(-1) as RecordingStatus
    expect(last.error).toMatchObject({ code: 'DEVICE_DISCONNECTED' })
    expect(last.error?.message).toMatch(/disconnected.*2 windows were saved; the one in progress \(10 samples\) was dropped/)
    expect(statuses.at(-1)?.state).toBe('error')
    const onDisk = await dataset.list(project)
    expect(onDisk.map((w) => w.samples)).toEqual([25, 25])
    expect((await dataset.get(project, onDisk[1].id)).values[0]).toEqual([25, 0.5, 1])
  })

  it('kill -9 of the app while recording loses at most the window in progress', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test/integration/helpers/record-child.ts'), pair.link, project, path.join(tmp.dir, 'config')], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    const exited = new Promise((r) => child.once('exit', r))
    try {
      await until(() => out.includes('open'), 15_000, `child to open the port (${err})`)
      // 1 kHz of 3-axis lines for as long as needed, so the child writes windows continuously.
      let i = 0
      const timer = setInterval(() => {
        let text = i === 0 ? 'aX,aY,aZ\n' : ''
        for (let k = 0; k < 20; k++, i++) text += `${i},${i % 10},1\n`
        board.write(text)
      }, 20)
      await until(() => (out.match(/^saved /gm) ?? []).length >= 15, 15_000, `saved windows (${err})`)
      child.kill('SIGKILL')
      await exited
      clearInterval(timer)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    const reported = (out.match(/^saved (\S+)$/gm) ?? []).map((l) => l.slice(6))
    const dir = path.join(project, 'samples')
    const files = (await fs.readdir(dir)).filter((n) => n.endsWith('.json') && !n.startsWith('.'))
    // Every window the app said was saved is on disk and whole; at most one more (saved but not yet reported).
    for (const id of reported) expect(files).toContain(`${id}.json`)
    expect(files.length - reported.length).toBeLessThanOrEqual(1)
    for (const f of files) {
      const w = parseSampleFile(await fs.readFile(path.join(dir, f), 'utf8'), f)
      expect(w.values).toHaveLength(20)
    }
  })
})
