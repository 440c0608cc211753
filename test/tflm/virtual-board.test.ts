/**
 * Issue #12.4: the virtual board runs TensorFlow Lite Micro firmware as well as C-runtime firmware,
 * on this computer and in QEMU (Cortex-M4F, reference and CMSIS-NN kernels), through the Profile
 * service and a real pseudo-terminal: the same model (the 1D CNN preset, int8) from Deploy, fed the
 * same windows, classifies every window with the same scores as the C runtime, and its profile
 * firmware prints the per-stage timing lines Profile parses for the C runtime.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DeployService } from '../../src/main/services/deploy-service'
import { EventBus } from '../../src/main/services/event-bus'
import { openSerialLines } from '../../src/main/services/profile-serial-source'
import { ProfileService } from '../../src/main/services/profile-service'
import { openVirtualLines } from '../../src/main/services/profile-virtual-source'
import { ProjectService } from '../../src/main/services/project-service'
import { SimService } from '../../src/main/services/sim-service'
import { SerialPort } from 'serialport'
import type { ProfileSession, ProfileSource } from '../../src/shared/contract/profile'
import { AXES, CLASSES, presetVariants, RANGES, sensorWindows, WINDOW } from '../helpers/preset-variants'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { tempDir } from '../helpers/tmp'

const tmp = tempDir('mf-tflm-vboard-')
const WINDOWS = sensorWindows(12, 7)
const STAGES = ['sensor', 'preprocess', 'inference', 'output']

describe('TFLM firmware on the virtual board, next to the C runtime', () => {
  let project: string
  let service: ProfileService
  const fw: Record<string, string> = {}

  beforeAll(async () => {
    const sdk = tflmSdkDir()
    const projects = new ProjectService(join(tmp.dir, 'config'))
    project = join(tmp.dir, 'proj')
    await projects.create(project, 'Runtimes')
    await projects.update(project, {
      classes: CLASSES.map((name) => ({ name, color: '#4e79a7' })),
      signal: {
        axes: AXES,
        sampleRateHz: 100,
        rateSource: 'user',
        sensor: { baud: 115200, port: null },
        windowLength: WINDOW,
        preprocessing: { method: 'minmax', axes: AXES, windowLength: WINDOW, ...RANGES }
      }
    })
    mkdirSync(join(project, 'models', 'variants'), { recursive: true })
    writeFileSync(join(project, 'models', 'variants', 'cnn1d_int8.tflite'), presetVariants('cnn1d')[0].bytes)
    mkdirSync(join(project, 'samples'), { recursive: true })
    WINDOWS.forEach((values, i) => {
      const id = `w${String(i).padStart(2, '0')}`
      const sample = { format: 'microforge-sample', version: 1, id, label: CLASSES[i % 2], split: 'test', axes: AXES, rateHz: 100, values, source: 'test', createdAt: new Date().toISOString() }
      writeFileSync(join(project, 'samples', `${id}.json`), JSON.stringify(sample))
    })
    const deploy = new DeployService()
    for (const runtime of ['c', 'tflm'] as const) {
      for (const mode of ['classify', 'profile'] as const) {
        fw[`${runtime}-${mode}`] = (await deploy.generate({ projectDir: project, variant: 'cnn1d_int8', target: 'nano33ble', runtime, mode, name: `cnn1d_${runtime}_${mode}` })).path
      }
    }
    service = new ProfileService(new EventBus(), { serial: openSerialLines, virtual: (d, s, sink, mhz) => openVirtualLines(d, s, sink, mhz, { tflmSdkDir: sdk }) }, projects)
  })
  afterAll(() => tmp.cleanup())

  const byWindow = (s: ProfileSession): Map<number, string> => new Map(s.classifications.map((c) => [c.window!, c.raw.replace(/ window:\d+$/, '')]))

  async function run(source: Omit<Extract<ProfileSource, { kind: 'virtual' }>, 'kind'>, max: number): Promise<ProfileSession> {
    const started = await service.start(project, { kind: 'virtual', ...source }, { maxInferences: max, target: 'nano33ble' })
    await expect.poll(async () => (await service.live()).length, { timeout: 300_000, interval: 250 }).toBe(0)
    return service.get(project, started.sessionId)
  }

  it('on this computer: every dataset window classified with the same scores; the same timing lines', async () => {
    const classify = { c: await run({ firmwareDir: fw['c-classify'] }, WINDOWS.length), tflm: await run({ firmwareDir: fw['tflm-classify'] }, WINDOWS.length) }
    const c = byWindow(classify.c)
    const tflm = byWindow(classify.tflm)
    expect([...c.keys()].sort((a, b) => a - b)).toEqual(WINDOWS.map((_, i) => i))
    expect(tflm).toEqual(c)
    expect(classify.tflm.runtime).toBe('tflm-reference')

    const profile = { c: await run({ runtime: 'c' }, 20), tflm: await run({ runtime: 'tflm' }, 20) }
    for (const [runtime, s] of Object.entries(profile)) {
      expect(s.origin).toBe('host')
      expect(s.stats.stages.map((x) => x.stage), runtime).toEqual(STAGES)
      for (const st of s.stats.stages) expect(st.median, `${runtime} ${st.stage}`).toBeGreaterThan(0)
      expect(s.counts.garbage).toBe(0)
      expect(s.memory.arenaUsed).toBeGreaterThan(0)
    }
    expect(profile.c.runtime).toBe('c')
    expect(profile.tflm.runtime).toBe('tflm-reference')
    expect(profile.tflm.hostDescription).toMatch(/^host .*TensorFlow Lite Micro.*g\+\+ .* -O2$/)
    const cmp = await service.compare(project, [profile.c.id, profile.tflm.id])
    expect(cmp.rows.find((r) => r.metric === 'Runtime')?.values).toEqual(['C runtime', 'TFLM reference'])
    console.log(`host medians (ns as µs units): C ${JSON.stringify(profile.c.medians)} | TFLM ${JSON.stringify(profile.tflm.medians)}`)
  })

  it('in QEMU (Cortex-M4F): C runtime, TFLM reference and TFLM + CMSIS-NN give the host\'s scores on every dataset window; CMSIS-NN is faster than reference', async () => {
    const scores = async (source: Omit<Extract<ProfileSource, { kind: 'virtual' }>, 'kind'>): Promise<Map<number, string>> => byWindow(await run(source, WINDOWS.length))
    const host = await scores({ firmwareDir: fw['c-classify'] })
    expect(new Set(host.values()).size, 'the windows give distinct scores').toBeGreaterThan(3)
    expect(await scores({ engine: 'qemu', firmwareDir: fw['c-classify'] })).toEqual(host)
    for (const kernels of ['reference', 'cmsis-nn'] as const) expect(await scores({ engine: 'qemu', firmwareDir: fw['tflm-classify'], kernels }), kernels).toEqual(host)

    const profile = {
      c: await run({ engine: 'qemu', runtime: 'c' }, 10),
      ref: await run({ engine: 'qemu', runtime: 'tflm', kernels: 'reference' }, 10),
      cmsis: await run({ engine: 'qemu', runtime: 'tflm', kernels: 'cmsis-nn' }, 10)
    }
    for (const [runtime, s] of Object.entries(profile)) {
      expect(s.origin).toBe('emulator')
      expect(s.windowIds).toHaveLength(WINDOWS.length)
      expect(s.stats.stages.map((x) => x.stage), runtime).toEqual(STAGES)
      const inference = s.stats.stages.find((x) => x.stage === 'inference')!
      expect(inference.median).toBeGreaterThan(0)
      // Instruction counts: every inference of the model costs the same.
      expect(inference.max - inference.min).toBeLessThan(inference.median * 0.05)
    }
    expect([profile.c.runtime, profile.ref.runtime, profile.cmsis.runtime]).toEqual(['c', 'tflm-reference', 'tflm-cmsis-nn'])
    expect(profile.cmsis.hostDescription).toMatch(/CMSIS-NN kernels, TensorFlow Lite Micro/)
    expect(profile.cmsis.medians.inference).toBeLessThan(profile.ref.medians.inference)
    console.log(`QEMU 64 MHz medians µs: C ${JSON.stringify(profile.c.medians)} | TFLM ref ${JSON.stringify(profile.ref.medians)} | CMSIS-NN ${JSON.stringify(profile.cmsis.medians)}; arena C ${profile.c.memory.arenaUsed} ref ${profile.ref.memory.arenaUsed} cmsis ${profile.cmsis.memory.arenaUsed}`)
  })

  it("Connect's firmware board (sim.startFirmware) runs the newest TFLM firmware on this computer and in QEMU with CMSIS-NN, and says which", async () => {
    const sim = new SimService(tmp.dir, async () => tflmSdkDir())
    try {
      await expect(sim.startFirmware(project, { firmwareDir: fw['c-profile'], runtime: 'tflm' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/runs the Microforge C runtime, not TensorFlow Lite Micro/) })
      for (const [choice, want] of [
        [{ runtime: 'tflm', engine: 'host' }, 'tflm-reference'],
        [{ runtime: 'tflm', engine: 'qemu', kernels: 'cmsis-nn' }, 'tflm-cmsis-nn']
      ] as const) {
        const info = await sim.startFirmware(project, choice)
        expect(info).toMatchObject({ format: 'firmware', firmwareDir: fw['tflm-profile'], firmwareMode: 'profile', runtime: want, engine: choice.engine, windows: 'dataset' })
        const port = new SerialPort({ path: info.path, baudRate: 115200 })
        let text = ''
        port.on('data', (d: Buffer) => (text += d.toString()))
        await expect.poll(() => (text.match(/inference:\d/g) ?? []).length, { timeout: 300_000, interval: 250 }).toBeGreaterThanOrEqual(3)
        await new Promise<void>((r) => port.close(() => r()))
        await sim.stop()
      }
    } finally {
      await sim.stop()
    }
  })
})
