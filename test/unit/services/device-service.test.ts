import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { DeviceStatus, RecordingStatus, SampleBatch } from '../../../src/shared/contract/device'
import { EventBus } from '../../../src/main/services/event-bus'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { DeviceService } from '../../../src/main/services/device-service'
import type { SystemPort } from '../../../src/main/services/device/port-discovery'
import type { SerialHandle } from '../../../src/main/services/device/serial-port'
import { ProjectService } from '../../../src/main/services/project-service'
import { tempDir } from '../../helpers/tmp'

class FakePort implements SerialHandle {
  private data: ((c: Uint8Array) => void) | null = null
  private closed: ((e: Error | null) => void) | null = null
  send(text: string): void {
    this.data?.(new TextEncoder().encode(text))
  }
  unplug(): void {
    this.closed?.(new Error('EIO'))
  }
  async close(): Promise<void> {}
  onData(cb: (c: Uint8Array) => void): void {
    this.data = cb
  }
  onClose(cb: (e: Error | null) => void): void {
    this.closed = cb
  }
}

const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 5))
  }
}

const d0 = (d: DeviceService): { rateHz: number | null } | undefined => d['conn']?.rate.estimate()

describe('DeviceService', () => {
  let tmp: { dir: string; cleanup: () => void }
  let project: string
  let port: FakePort
  let dev: DeviceService
  let ds: DatasetService
  let batches: SampleBatch[]
  let statuses: DeviceStatus[]
  let recs: RecordingStatus[]

  beforeEach(async () => {
    tmp = tempDir()
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    const bus = new EventBus()
    batches = []
    statuses = []
    recs = []
    bus.on('device.samples', (b) => batches.push(b))
    bus.on('device.status', (s) => statuses.push(s))
    bus.on('device.recording', (r) => recs.push(r))
    ds = new DatasetService(projects, bus)
    port = new FakePort()
    dev = new DeviceService({ bus, dataset: ds, openPort: async () => port, listSystemPorts: async () => [], batchMs: 10, devDir: tmp.dir })
  })
  afterEach(async () => {
    await dev.dispose()
    tmp.cleanup()
  })

  it('batches samples instead of one event per line, and counts bad lines', async () => {
    await dev.open('/dev/fake', 115200)
    port.send('aX,aY,aZ\r\n')
    let text = ''
    for (let i = 0; i < 100; i++) text += `${i},0,1\n`
    port.send(text + 'garbage\u0001\n1,2\nnan,1,1\n')
    await until(() => batches.reduce((n, b) => n + b.values.length, 0) >= 100)
    expect(batches.length).toBeLessThan(5)
    const st = await dev.status()
    expect(st.layout?.axes).toEqual(['aX', 'aY', 'aZ'])
    expect(st.stats).toMatchObject({ samples: 100, garbled: 1, wrongColumns: 1, nonFinite: 1 })
  })

  it('records windows to disk; an unplug stops recording with a clear error and keeps saved windows', async () => {
    await dev.open('/dev/fake', 115200)
    port.send('aX,aY,aZ\n')
    await until(() => statuses.some((s) => s.layout !== null))
    await dev.startRecording({ project, label: 'wave', trigger: 'continuous', samples: 10, count: 5 })
    let text = ''
    for (let i = 0; i < 25; i++) text += `${i},0,1\n`
    port.send(text)
    await until(() => (recs.at(-1)?.windowsSaved ?? 0) === 2)
    port.unplug()
    await until(() => recs.at(-1)?.state === 'failed')
    const last = recs.at(-1) as RecordingStatus
    expect(last.error?.code).toBe('DEVICE_DISCONNECTED')
    expect(last.error?.message).toMatch(/2 windows were saved; the one in progress \(5 samples\) was dropped/)
    expect((await dev.status()).state).toBe('error')
    const windows = await ds.list(project)
    expect(windows.map((w) => [w.label, w.samples])).toEqual([
      ['wave', 10],
      ['wave', 10]
    ])
  })

  it('records the board\u2019s blank-line blocks and tells when no data arrives', async () => {
    const quiet = new DeviceService({ bus: new EventBus(), dataset: ds, openPort: async () => port, listSystemPorts: async () => [], batchMs: 5, noDataMs: 30 })
    await quiet.open('/dev/fake', 9600)
    await until(() => quiet['warning'] !== null)
    expect((await quiet.status()).warning?.message).toMatch(/No data for .* on \/dev\/fake at 9600 baud/)
    await quiet.close()

    await dev.open('/dev/fake', 115200)
    port.send('aX,aY,aZ,gX,gY,gZ\n1,1,1,1,1,1\n\n')
    await until(() => statuses.some((s) => s.layout !== null))
    await dev.startRecording({ project, label: 'punch', trigger: 'board', count: 2 })
    port.send('1,2,3,4,5,6\n1,2,3,4,5,6\n\n1,2,3,4,5,6\n1,2,3,4,5,6\n\n')
    await until(() => recs.at(-1)?.state === 'done')
    expect((await ds.list(project)).map((w) => w.samples)).toEqual([2, 2])
  })

  it('auto-reconnect: reopens after an unplug, and close() stops trying', async () => {
    let opens = 0
    let fail = false
    const ports: FakePort[] = []
    const d = new DeviceService({
      bus: new EventBus(),
      dataset: ds,
      listSystemPorts: async () => [],
      reconnectMs: 10,
      openPort: async () => {
        opens++
        if (fail) throw new Error('ENOENT: no such file')
        const p = new FakePort()
        ports.push(p)
        return p
      }
    })
    await d.open('/dev/fake', 115200, { autoReconnect: true })
    fail = true
    ports[0].unplug()
    expect((await d.status()).state).toBe('reconnecting')
    expect((await d.status()).error?.hint).toMatch(/reconnects by itself/)
    await until(() => opens >= 3)
    fail = false
    await until(() => ports.length === 2)
    await until(() => d['state'] === 'open')
    expect((await d.status()).error).toBeNull()
    ports[1].send('1,2,3\n1,2,3\n1,2,3\n1,2,3\n')
    await until(() => d['conn']?.total === 4)
    await d.close()
    const before = opens
    await new Promise((r) => setTimeout(r, 50))
    expect(opens).toBe(before)
  })

  it('turns a window length in ms into samples with the measured rate; motion trigger waits for movement', async () => {
    await dev.open('/dev/fake', 115200)
    await expect(dev.startRecording({ project, label: 'wave', trigger: 'manual', ms: 200 })).rejects.toThrow(/No samples from \/dev\/fake yet/)
    let text = 'ms,aX,aY,aZ\n'
    for (let i = 0; i < 50; i++) text += `${i * 10},0,0,1\n`
    port.send(text)
    await until(() => d0(dev)?.rateHz !== null)
    const r = await dev.startRecording({ project, label: 'wave', trigger: 'motion', ms: 200, threshold: 2 })
    expect(r.samplesPerWindow).toBe(20)
    expect(r.state).toBe('armed')
    text = ''
    for (let i = 50; i < 60; i++) text += `${i * 10},0,0,1\n`
    for (let i = 60; i < 90; i++) text += `${i * 10},2,0,1\n`
    port.send(text)
    await until(() => recs.at(-1)?.state === 'done')
    const [w] = await ds.list(project)
    expect((await ds.get(project, w.id)).values[0]).toEqual([2, 0, 1])
    expect(w.rateHz).toBe(100)
  })

  it('a project with no windows takes the rate of the board it records from; one with windows refuses another rate', async () => {
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    // Connect saved a 1 kHz board earlier; the user then switched to a 100 Hz sketch before recording anything.
    await projects.update(project, { signal: { sampleRateHz: 1000, rateSource: 'timestamps' } })
    await dev.open('/dev/fake', 115200)
    let text = 'ms,aX,aY,aZ\n'
    for (let i = 0; i < 50; i++) text += `${i * 10},0,0,1\n`
    port.send(text)
    await until(() => d0(dev)?.rateHz !== null)
    await dev.startRecording({ project, label: 'wave', trigger: 'manual', samples: 10 })
    text = ''
    for (let i = 50; i < 70; i++) text += `${i * 10},1,0,1\n`
    port.send(text)
    await until(() => recs.at(-1)?.state === 'done')
    expect((await projects.open(project)).project.signal.sampleRateHz).toBe(100)
    expect(await ds.list(project)).toHaveLength(1)

    // Now the project has a 100 Hz window: a board flashed with a 50 Hz sketch is refused with both rates named.
    await dev.close()
    port = new FakePort()
    await dev.open('/dev/fake', 115200)
    text = 'ms,aX,aY,aZ\n'
    for (let i = 0; i < 50; i++) text += `${i * 20},0,0,1\n`
    port.send(text)
    await until(() => Math.abs((d0(dev)?.rateHz ?? 0) - 50) < 1)
    await expect(dev.startRecording({ project, label: 'wave', trigger: 'manual', samples: 10 })).rejects.toThrow(/50\.0 Hz.*100 Hz/)
  })

  it('stops a recording when the board changes its column count', async () => {
    await dev.open('/dev/fake', 115200)
    port.send('aX,aY,aZ\n')
    await until(() => statuses.some((s) => s.layout !== null))
    await dev.startRecording({ project, label: 'wave', trigger: 'continuous', samples: 4, count: 5 })
    port.send('1,2,3\n1,2,3\n1,2,3\n1,2,3\n1,2,3\nx,y\n1,2\n')
    await until(() => recs.at(-1)?.state === 'failed')
    expect(recs.at(-1)?.error?.message).toMatch(/switched from 3 to 2 columns.*1 window was saved; the one in progress \(1 sample\) was dropped/)
  })

  it('warns when the bytes never parse: a wrong baud rate', async () => {
    const d = new DeviceService({ bus: new EventBus(), dataset: ds, openPort: async () => port, listSystemPorts: async () => [], batchMs: 5 })
    await d.open('/dev/fake', 9600)
    const noise = Array.from({ length: 40 }, (_, i) => String.fromCharCode(0xf0 + (i % 15), 0x80, 0x13, 0xfe)).join('\n') + '\n'
    port.send(noise)
    await until(() => d['warning'] !== null)
    const st = await d.status()
    expect(st.warning?.message).toMatch(/does not look like numbers/)
    expect(st.warning?.hint).toMatch(/baud rate is probably wrong.*9600/)
    expect(st.stats.garbled).toBe(40)
    await d.close()
  })

  it('explains a port that does not exist', async () => {
    const d = new DeviceService({ bus: new EventBus(), dataset: ds, listSystemPorts: async () => [], openPort: async () => Promise.reject(new Error('Error: No such file or directory, cannot open /dev/ttyACM7')) })
    await expect(d.open('/dev/ttyACM7', 115200)).rejects.toThrow(/\/dev\/ttyACM7 does not exist/)
    expect((await d.status()).state).toBe('error')
  })

  it('lists scanned ports and ports opened before', async () => {
    const fs = await import('node:fs/promises')
    await fs.writeFile(path.join(tmp.dir, 'ttyACM0'), '')
    await fs.writeFile(path.join(tmp.dir, 'ttyUSB10'), '')
    await fs.writeFile(path.join(tmp.dir, 'ttyUSB2'), '')
    const ports = await dev.listPorts()
    expect(ports.map((p) => path.basename(p.path))).toEqual(['ttyACM0', 'ttyUSB2', 'ttyUSB10'])
    expect(ports.every((p) => p.likelyBoard)).toBe(true)
  })

  it('lists the motherboard UARTs (ttyS*) last, even after the system list, and never as a likely board', async () => {
    const fs = await import('node:fs/promises')
    for (const n of ['ttyS0', 'ttyS1', 'ttyACM0']) await fs.writeFile(path.join(tmp.dir, n), '')
    const system = (p: string): SystemPort => ({ path: p, manufacturer: null, serialNumber: null, vendorId: null, productId: null, source: 'system' })
    const d = new DeviceService({ bus: new EventBus(), dataset: ds, devDir: tmp.dir, listSystemPorts: async () => [system(path.join(tmp.dir, 'ttyS0')), system('/dev/ttyACM3')] })
    const ports = await d.listPorts()
    expect(ports.map((p) => [path.basename(p.path), p.likelyBoard])).toEqual([
      ['ttyACM3', true],
      ['ttyACM0', true],
      ['ttyS0', false],
      ['ttyS1', false]
    ])
  })
})
