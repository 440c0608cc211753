import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { EventBus } from '../../../src/main/services/event-bus'
import { ProfileService, type LineSink } from '../../../src/main/services/profile-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { openVirtualLines, variantOfFirmware } from '../../../src/main/services/profile-virtual-source'
import { profileProject } from '../../helpers/profile-project'
import { tempDir } from '../../helpers/tmp'

/** A board that prints what the test tells it to, through the same sink a serial port would use. */
function fakeBoard() {
  let sink: LineSink | null = null
  let closed = false
  return {
    sources: {
      serial: async (_port: string, _baud: number, s: LineSink) => {
        sink = s
        return { close: async () => void (closed = true) }
      }
    },
    print: (line: string) => sink!.line(line),
    unplug: () => sink!.end({ code: 'DEVICE_DISCONNECTED', message: 'unplugged' }),
    get closed() {
      return closed
    }
  }
}

describe('ProfileService', () => {
  const tmp = tempDir('mf-profile-')
  afterAll(() => tmp.cleanup())

  async function setup() {
    const { bus, events, projects, dir } = await profileProject(tmp.dir)
    let clock = 0
    const board = fakeBoard()
    const service = new ProfileService(bus, board.sources, projects, () => clock)
    return { bus, events, projects, dir, board, service, tick: (ms: number) => (clock += ms) }
  }

  it('records a session, batches live events, saves, lists, compares and exports', async () => {
    const { events, dir, board, service, tick, projects } = await setup()
    const { sessionId } = await service.start(dir, { kind: 'serial', port: '/dev/ttyFAKE', baud: 115200 }, { variant: 'ptq', target: 'nrf52840', estimatedInferenceUs: 1000 })
    board.print('arena_used:2192 free_heap:123456')
    for (let i = 0; i < 5; i++) {
      tick(10)
      board.print(`sensor:180 preprocess:210 inference:${1200 + i} output:5 us`)
    }
    board.print('\x00\x01garbage')
    await expect.poll(() => events.at(-1)?.stats.stages.length).toBe(4)
    const live = events.filter((e) => e.sessionId === sessionId)
    expect(live.length).toBeGreaterThanOrEqual(2)
    expect(live.reduce((a, e) => a + e.samples.length, 0)).toBe(5)
    expect(live.at(-1)!.stats.stages.map((s) => s.stage)).toEqual(['sensor', 'preprocess', 'inference', 'output'])

    const summary = await service.stop(sessionId)
    expect(board.closed).toBe(true)
    expect(summary).toMatchObject({ id: sessionId, inferences: 5, origin: 'board', memory: { arenaUsed: 2192, freeHeap: 123456 }, measuredOverEstimated: 1.202 })
    expect(summary!.medians).toEqual({ sensor: 180, preprocess: 210, inference: 1202, output: 5 })
    expect(events.at(-1)).toMatchObject({ state: 'stopped', savedId: sessionId })
    const file = JSON.parse(readFileSync(join(dir, 'profiles', `${sessionId}.json`), 'utf8'))
    expect(file.counts).toMatchObject({ timing: 5, memory: 1, garbage: 1 })
    expect(file.samples.map((s: { t: number }) => s.t)).toEqual([10, 20, 30, 40, 50])

    expect((await service.list(dir)).map((s) => s.id)).toEqual([sessionId])
    const cmp = await service.compare(dir, [sessionId])
    expect(cmp.markdown).toContain('| Inference (median) | 1.2 ms |')
    const out = join(tmp.dir, 'export.csv')
    const csv = await service.exportCsv(dir, sessionId, out)
    expect(readFileSync(out, 'utf8')).toBe(csv.csv)
    expect(csv.csv.split('\n')[1]).toBe('0,10,180,210,1200,5,1595')

    // A board session with an estimate corrects that target's estimates.
    const p = await projects.summarize(dir)
    expect(p.project.settings.latencyCorrections).toEqual({ nrf52840: 1.202 })

    await service.remove(dir, sessionId)
    expect(existsSync(join(dir, 'profiles', `${sessionId}.json`))).toBe(false)
    await expect(service.get(dir, sessionId)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('saves what arrived when the board is unplugged, and reports it', async () => {
    const { events, dir, board, service } = await setup()
    const { sessionId } = await service.start(dir, { kind: 'serial', port: '/dev/ttyFAKE2', baud: 115200 }, {})
    board.print('inference:800 us')
    board.unplug()
    await expect.poll(() => events.at(-1)?.state).toBe('failed')
    expect(events.at(-1)).toMatchObject({ sessionId, savedId: sessionId, error: { code: 'DEVICE_DISCONNECTED' } })
    expect((await service.get(dir, sessionId)).inferences).toBe(1)
    await expect(service.stop(sessionId)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('stops by itself after maxInferences and saves nothing for an empty session', async () => {
    const { dir, board, service } = await setup()
    const a = await service.start(dir, { kind: 'serial', port: '/dev/ttyA', baud: 9600 }, { maxInferences: 2 })
    board.print('inference:1 us')
    board.print('inference:2 us')
    await expect.poll(async () => (await service.live()).length).toBe(0)
    expect((await service.get(dir, a.sessionId)).inferences).toBe(2)
    const b = await service.start(dir, { kind: 'serial', port: '/dev/ttyB', baud: 9600 }, {})
    expect(await service.stop(b.sessionId)).toBeNull()
  })

  it("reads Optimize's per-board estimates from the variant index, with the board corrections the project holds now", async () => {
    const { dir, service, projects } = await setup()
    expect(await service.estimates(dir)).toEqual([])
    // The index was written before the latest board profile: its nano33ble row still says 1.1.
    await projects.update(dir, { settings: { latencyCorrections: { nano33ble: 1.25 } } })
    mkdirSync(join(dir, 'models', 'variants'), { recursive: true })
    writeFileSync(
      join(dir, 'models', 'variants', 'index.json'),
      JSON.stringify({
        version: 1,
        floatAccuracy: 0.95,
        sweeps: [],
        variants: [
          {
            name: 'ptq',
            title: 'Int8 PTQ',
            latency: [
              { target: 'nano33ble', ms: 1.32, rawMs: 1.2, cycles: 76800, correction: 1.1 },
              { target: 'esp32', ms: 0.8, rawMs: 0.8, cycles: 192000, correction: 1 }
            ]
          }
        ]
      })
    )
    expect(await service.estimates(dir)).toEqual([
      { variant: 'ptq', title: 'Int8 PTQ', target: 'nano33ble', rawUs: 1200, correctedUs: 1500, correction: 1.25 },
      { variant: 'ptq', title: 'Int8 PTQ', target: 'esp32', rawUs: 800, correctedUs: 800, correction: 1 }
    ])
  })

  it('names the variant from a Deploy firmware folder', () => {
    expect(variantOfFirmware('/p/firmware/hello_int8_nano33ble_c_profile')).toBe('hello_int8')
    expect(variantOfFirmware('/p/firmware/my_ptq_pico_tflm_classify')).toBe('my_ptq')
    // Folders named before the runtime was part of the name.
    expect(variantOfFirmware('/p/firmware/hello_int8_nano33ble_profile')).toBe('hello_int8')
    expect(variantOfFirmware('/p/firmware/capture_pico_capture')).toBeNull()
    expect(variantOfFirmware('/p/firmware/my_sketch')).toBeNull()
  })

  it('explains what to do when the project has no firmware for the virtual board', async () => {
    const bus = new EventBus()
    const projects = new ProjectService(join(tmp.dir, 'config'))
    const dir = join(tmp.dir, 'nofw')
    await projects.create(dir, 'No firmware')
    const service = new ProfileService(bus, { serial: async () => ({ close: async () => undefined }), virtual: openVirtualLines }, projects)
    await expect(service.start(dir, { kind: 'virtual' }, {})).rejects.toMatchObject({ code: 'NOT_FOUND', hint: expect.stringContaining('C runtime') })
    expect(await service.live()).toEqual([])
  })

  it('rejects ids that could leave the profiles folder', async () => {
    const { dir, service } = await setup()
    await expect(service.get(dir, '../project')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })
})
