import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { closeSync, existsSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/index'
import { EventBus } from '../../src/main/services/event-bus'
import { openSerialLines } from '../../src/main/services/profile-serial-source'
import { ProfileService } from '../../src/main/services/profile-service'
import { openVirtualLines } from '../../src/main/services/profile-virtual-source'
import { ProjectService } from '../../src/main/services/project-service'
import { writeDatasetWindows } from '../../src/main/sim/firmware/dataset-windows'
import { buildHostFirmware } from '../../src/main/sim/firmware/host-build'
import { startVirtualBoard } from '../../src/main/sim/firmware/pty-board'
import { DeployService } from '../../src/main/services/deploy-service'
import type { ProfileLiveUpdate } from '../../src/shared/contract/profile'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { tempDir } from '../helpers/tmp'
import { readBoard } from './helpers/read-board'

const tmp = tempDir('mf-profile-pty-')

/** A socat pty pair: the test writes to `board`, the service reads `app`. */
async function ptyPair(): Promise<{ board: string; app: string; proc: ChildProcess }> {
  const board = join(tmp.dir, `board-${Math.random().toString(36).slice(2, 7)}`)
  const app = `${board}-app`
  const proc = spawn('socat', [`PTY,link=${board},raw,echo=0`, `PTY,link=${app},raw,echo=0`], { stdio: 'ignore' })
  const until = Date.now() + 20_000
  while (!(existsSync(board) && existsSync(app))) {
    if (Date.now() > until) throw new Error('socat did not create the pty pair')
    await new Promise((r) => setTimeout(r, 20))
  }
  return { board, app, proc }
}

describe('profiling over a real pseudo-terminal', () => {
  const procs: ChildProcess[] = []
  let projects: ProjectService
  let project: string

  beforeAll(async () => {
    projects = new ProjectService(join(tmp.dir, 'config'))
    project = join(tmp.dir, 'proj')
    await projects.create(project, 'Pty')
  })
  afterAll(() => {
    for (const p of procs) p.kill('SIGTERM')
    tmp.cleanup()
  })

  it('reads profile lines, garbage and memory from a board on a pty and saves the session', async () => {
    const pair = await ptyPair()
    procs.push(pair.proc)
    const bus = new EventBus()
    const events: ProfileLiveUpdate[] = []
    bus.on('profile.live', (p) => events.push(p))
    const service = new ProfileService(bus, { serial: openSerialLines }, projects)
    const { sessionId } = await service.start(project, { kind: 'serial', port: pair.app, baud: 115200 }, { name: 'pty board' })
    const fd = openSync(pair.board, 'w')
    writeSync(fd, 'Microforge profile firmware\r\narena_used:2192 free_heap:123456\r\n')
    writeSync(fd, Buffer.from([0xff, 0x00, 0x13, 0x0a]))
    for (let i = 0; i < 200; i++) {
      // Latin-1 µ (0xB5), as an AVR sketch with a Latin-1 source file prints it.
      const unit = i % 2 ? Buffer.from([0x20, 0xb5, 0x73]) : Buffer.from(' us')
      writeSync(fd, Buffer.concat([Buffer.from(`sensor:${180 + (i % 3)} preprocess:210 inference:${1200 + (i % 5)} output:5`), unit, Buffer.from('\r\n')]))
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 120))
    }
    closeSync(fd)
    await expect.poll(() => events.at(-1)?.inferences).toBe(200)
    expect(events.filter((e) => e.samples.length > 0).length).toBeGreaterThan(1)
    const summary = await service.stop(sessionId)
    expect(summary).toMatchObject({ inferences: 200, medians: { sensor: 181, preprocess: 210, inference: 1202, output: 5 }, memory: { arenaUsed: 2192, freeHeap: 123456 } })
    const saved = await service.get(project, sessionId)
    expect(saved.counts).toMatchObject({ timing: 200, memory: 1, text: 1, garbage: 1 })
  })

  it('runs the real generated firmware (Deploy, C runtime, profile mode) on a virtual board: host timings', async () => {
    await prepareHelloProject(projects, project)
    writeSampleWindow(project, 's1', 1.5708)
    const fw = await new DeployService().generate({ projectDir: project, variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'profile', name: 'hello_profile' })
    const bus = new EventBus()
    const events: ProfileLiveUpdate[] = []
    bus.on('profile.live', (p) => events.push(p))
    const service = new ProfileService(bus, { serial: openSerialLines, virtual: openVirtualLines }, projects)
    const started = await service.start(project, { kind: 'virtual' }, { name: 'hello host', maxInferences: 10 })
    expect(started.link).toBeTruthy()
    await expect.poll(async () => (await service.live()).length, { timeout: 60_000 }).toBe(0)
    const s = await service.get(project, started.sessionId)
    expect(s.origin).toBe('host')
    expect(s.hostDescription).toMatch(/^host .*g\+\+ .* -O2$/)
    expect(s.windowIds).toEqual(['s1'])
    expect(s.memory.arenaUsed).toBeGreaterThan(0)
    expect(s.memory.freeHeap).toBeUndefined()
    expect(s.stats.stages.map((x) => x.stage)).toEqual(['sensor', 'preprocess', 'inference', 'output'])
    for (const st of s.stats.stages) expect(st.median).toBeGreaterThan(0)
    expect(s.counts.garbage).toBe(0)
    expect(existsSync(started.link!)).toBe(false)
    expect(fw.path).toContain('hello_profile')
  })

  it('microforge profile run --virtual measures the newest profile firmware and saves the session', async () => {
    const out: string[] = []
    const code = await runCli(['profile', 'run', project, '--virtual', '--count', '5', '--name', 'cli host', '--json'], { out: (t) => out.push(t), err: () => undefined })
    expect(code).toBe(0)
    const s = JSON.parse(out[0])
    expect(s).toMatchObject({ name: 'cli host', origin: 'host', inferences: 5 })
    for (const stage of ['sensor', 'preprocess', 'inference', 'output']) expect(s.medians[stage]).toBeGreaterThan(0)
    const listed: string[] = []
    await runCli(['profile', 'compare', project, s.id], { out: (t) => listed.push(t), err: () => undefined })
    expect(listed[0]).toContain('| Metric | cli host |')
  })

  it('runs the same firmware on an emulated Cortex-M4 (QEMU), timed by instruction count', async () => {
    // .ci/run installs both; say what is missing instead of skipping.
    for (const tool of ['qemu-system-arm', 'arm-none-eabi-gcc']) {
      expect(spawnSync(tool, ['--version']).status, `${tool} is not installed (apt-get install qemu-system-arm gcc-arm-none-eabi libnewlib-arm-none-eabi)`).toBe(0)
    }
    const bus = new EventBus()
    const service = new ProfileService(bus, { serial: openSerialLines, virtual: openVirtualLines }, projects)
    const started = await service.start(project, { kind: 'virtual', engine: 'qemu' }, { name: 'hello m4', target: 'stm32f4', maxInferences: 20 })
    await expect.poll(async () => (await service.live()).length, { timeout: 90_000 }).toBe(0)
    const s = await service.get(project, started.sessionId)
    expect(s.origin).toBe('emulator')
    expect(s.hostDescription).toMatch(/QEMU mps2-an386 Cortex-M4F.*at 100 MHz/)
    expect(s.stats.stages.map((x) => x.stage)).toEqual(['sensor', 'preprocess', 'inference', 'output'])
    // Instruction counts are deterministic: every inference of the same window costs the same.
    const inference = s.stats.stages.find((x) => x.stage === 'inference')!
    expect(inference.median).toBeGreaterThan(0)
    expect(inference.max - inference.min).toBeLessThan(inference.median * 0.05)
    expect(s.counts.garbage).toBeLessThanOrEqual(1)
  })

  it('sim-board style: classify firmware runs until the window count, prints window-tagged labels and closes its pty', async () => {
    const fw = await new DeployService().generate({ projectDir: project, variant: 'hello_int8', target: 'pico', runtime: 'c', mode: 'classify', name: 'hello_classify' })
    const build = await buildHostFirmware(fw.path)
    expect(build.mode).toBe('classify')
    const windows = await writeDatasetWindows(project, join(tmp.dir, 'w.txt'))
    const board = await startVirtualBoard({ binary: build.binary, count: 3, rate: 0, startDelayMs: 400, windowsFile: windows!.file })
    const text = (await readBoard(board.link)).join('\n') + '\n'
    expect(await board.exited).toBe(0)
    expect(text).toMatch(/^Microforge virtual board: the generated firmware on/m)
    expect(text).toMatch(/^runtime:microforge-c arena_used:\d+ arena_size:\d+ free_heap:-1 bytes$/m)
    // aX = 1.5708 -> int8 -64 -> 126 -> 0.0082910 * (126 - 5) = 1.003
    expect(text.match(/^label:sine index:0 scores:1\.003 window:0$/gm)).toHaveLength(3)
    expect(text).not.toMatch(/inference:/)
  })

  it('a firmware that fails says why: exit code and its last stderr line', async () => {
    const script = join(tmp.dir, 'failing-firmware')
    writeFileSync(script, '#!/bin/sh\necho "cannot read the windows file" >&2\nexit 3\n', { mode: 0o755 })
    const board = await startVirtualBoard({ binary: script })
    await readBoard(board.link)
    expect(await board.failure(20_000)).toBe('exited with code 3: cannot read the windows file')
    const ok = await startVirtualBoard({ binary: '/bin/true' })
    await readBoard(ok.link)
    expect(await ok.failure(20_000)).toBeNull()
  })

  it('a reader that opens the link long after the start delay still gets the first lines (the board waits for the port, like while (!Serial))', async () => {
    const fw = await new DeployService().generate({ projectDir: project, variant: 'hello_int8', target: 'pico', runtime: 'c', mode: 'classify', name: 'hello_late_reader' })
    const build = await buildHostFirmware(fw.path)
    const windows = await writeDatasetWindows(project, join(tmp.dir, 'late.txt'))
    const board = await startVirtualBoard({ binary: build.binary, count: 2, rate: 0, startDelayMs: 100, windowsFile: windows!.file })
    // A busy computer: the app opens the port 1.5 s after the link appears, well after the 100 ms delay.
    await new Promise((r) => setTimeout(r, 1500))
    const text = (await readBoard(board.link)).join('\n') + '\n'
    expect(await board.exited).toBe(0)
    expect(text).toMatch(/^Microforge virtual board: the generated firmware on/m)
    expect(text.match(/^label:sine index:0 scores:1\.003 window:[01]$/gm)).toHaveLength(2)
  })
})
