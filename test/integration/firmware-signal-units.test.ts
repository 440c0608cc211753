/**
 * The firmware samples as the model was trained: the signal spec's axis order, units and scale.
 * A project recorded as [az, ax, gy] in m/s^2 and rad/s (ax stored at half scale) gets firmware
 * whose every target and runtime converts the board's g and deg/s to exactly that; capture firmware
 * run on the virtual board prints the dataset's own numbers back on the pty, and a model trained on
 * m/s^2 classifies the board's m/s^2.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/index'
import { DeployService } from '../../src/main/services/deploy-service'
import { ProjectService } from '../../src/main/services/project-service'
import { writeDatasetWindows } from '../../src/main/sim/firmware/dataset-windows'
import { buildHostFirmware } from '../../src/main/sim/firmware/host-build'
import { startVirtualBoard } from '../../src/main/sim/firmware/pty-board'
import { prepareHelloProject } from '../helpers/hello-firmware'
import { tempDir } from '../helpers/tmp'
import { readBoard } from './helpers/read-board'

const tmp = tempDir('mf-fw-units-')
const G = 9.80665
// Two windows of four samples, as recorded: az and ax in m/s^2 (ax at scale 0.5), gy in rad/s.
const WINDOWS = [
  [[9.81, -2.5, 0.785], [4.905, 0.75, -2.094], [0, 19.613, 1.571], [-9.807, -4, 0]],
  [[1.234, 5.678, -0.5], [2.5, -1.25, 0.25], [7.5, 3.25, 3.0], [-3.3, 0.5, -1.0]]
]

function writeWindow(dir: string, id: string, axes: string[], values: number[][], label: string): void {
  writeFileSync(
    join(dir, 'samples', `${id}.json`),
    JSON.stringify({ format: 'microforge-sample', version: 1, id, label, split: 'test', axes, rateHz: 119, values, source: 'test', createdAt: new Date().toISOString() })
  )
}

describe('firmware reads the sensor in the signal spec axis order, units and scale', { timeout: 180_000 }, () => {
  let projects: ProjectService
  const deploy = new DeployService()
  const dir = (): string => join(tmp.dir, 'units')

  beforeAll(async () => {
    projects = new ProjectService(join(tmp.dir, 'config'))
    await projects.create(dir(), 'Units')
    await projects.update(dir(), {
      classes: [{ name: 'still', color: '#4e79a7' }],
      signal: { axes: ['az', 'ax', 'gy'], units: ['m/s^2', 'm/s^2', 'rad/s'], scale: [1, 0.5, 1], sampleRateHz: 119, rateSource: 'user', windowLength: 4, sensor: { baud: 115200 } }
    })
    WINDOWS.forEach((w, i) => writeWindow(dir(), `w${i}`, ['az', 'ax', 'gy'], w, 'still'))
  })
  afterAll(() => tmp.cleanup())

  it('every target and runtime gets the same conversion, and it turns g and deg/s into the recorded numbers', async () => {
    const headers = new Set<string>()
    for (const target of ['nano33ble', 'esp32', 'pico', 'stm32f4'] as const) {
      for (const runtime of ['c', 'tflm'] as const) {
        const fw = await deploy.generate({ projectDir: dir(), target, runtime, mode: 'capture', kind: 'platformio', name: `cap_${target}_${runtime}` })
        const header = readFileSync(join(fw.path, 'src', 'preprocessing.h'), 'utf8')
        headers.add(header)
        expect(readFileSync(join(fw.path, 'src', 'mf_app.cpp'), 'utf8')).toContain('mf_sensor_value(s, a)')
      }
    }
    expect(headers.size).toBe(1)
    const header = [...headers][0]
    expect(header).toContain('kMfAxisSource[MF_AXIS_COUNT] = {2, 0, 4}')
    // The header compiled by g++: a board lying flat, tilted so aX reads 0.5 g, turning at 90 deg/s about y.
    writeFileSync(join(tmp.dir, 'preprocessing.h'), header)
    writeFileSync(
      join(tmp.dir, 'harness.cpp'),
      '#include <stdio.h>\n#include "preprocessing.h"\nint main() {\n  const float s[6] = {0.5f, 0.0f, 1.0f, 0.0f, 90.0f, 0.0f};\n  for (int a = 0; a < MF_AXIS_COUNT; ++a) printf("%.6f\\n", mf_sensor_value(s, a));\n  return 0;\n}\n'
    )
    execFileSync('g++', ['-O2', '-Wall', `-I${tmp.dir}`, join(tmp.dir, 'harness.cpp'), '-o', join(tmp.dir, 'harness')])
    const values = execFileSync(join(tmp.dir, 'harness'), [], { encoding: 'utf8' }).trim().split('\n').map(Number)
    // az: 1 g in m/s^2; ax: 0.5 g = 4.903 m/s^2, stored at scale 0.5 as 9.807; gy: 90 deg/s = pi/2 rad/s.
    expect(values[0]).toBeCloseTo(G, 4)
    expect(values[1]).toBeCloseTo((0.5 * G) / 0.5, 4)
    expect(values[2]).toBeCloseTo(Math.PI / 2, 5)
  })

  it('the virtual board feeds the sensor g and deg/s, and capture firmware prints the recorded windows on the pty', async () => {
    const windows = await writeDatasetWindows(dir(), join(tmp.dir, 'w.txt'))
    // The sensor side holds physical values: the first sample is az 9.81 m/s^2 = 1.0003 g, ax -2.5 * 0.5 m/s^2, gy 0.785 rad/s.
    const first = readFileSync(windows!.file, 'utf8').split('\n')[0].split(' ').map(Number)
    expect(first[2]).toBeCloseTo(9.81 / G, 6)
    expect(first[0]).toBeCloseTo((-2.5 * 0.5) / G, 6)
    expect(first[4]).toBeCloseTo((0.785 * 180) / Math.PI, 4)
    const fw = await deploy.generate({ projectDir: dir(), target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'cap_run' })
    const build = await buildHostFirmware(fw.path)
    expect(build.mode).toBe('capture')
    const board = await startVirtualBoard({ binary: build.binary, count: 2, startDelayMs: 400, windowsFile: windows!.file })
    const lines = await readBoard(board.link)
    expect(await board.exited).toBe(0)
    expect(lines).toContain('az,ax,gy')
    const printed = lines.filter((l) => /^-?\d+\.\d{3}(,-?\d+\.\d{3})*$/.test(l)).map((l) => l.split(',').map(Number))
    const recorded = windows!.ids.flatMap((id) => WINDOWS[Number(id.slice(1))])
    expect(printed).toHaveLength(recorded.length)
    printed.forEach((row, i) => {
      expect(row).toHaveLength(3)
      row.forEach((v, a) => expect(Math.abs(v - recorded[i][a])).toBeLessThanOrEqual(0.0015))
    })
  })

  it('a model trained on m/s^2 gets m/s^2 from the board (classify firmware, virtual board)', async () => {
    const hello = join(tmp.dir, 'hello')
    await projects.create(hello, 'Hello in m/s^2')
    await prepareHelloProject(projects, hello)
    await projects.update(hello, { signal: { units: ['m/s^2'] } })
    // 1.5708 m/s^2 (pi/2) reaches the sensor as 0.16 g; the firmware must turn it back before the model sees it.
    writeWindow(hello, 'w0', ['aX'], [[1.5708]], 'sine')
    const fw = await deploy.generate({ projectDir: hello, variant: 'hello_int8', target: 'pico', runtime: 'c', mode: 'classify', kind: 'platformio', name: 'hello_ms2' })
    // TensorFlow Lite Micro firmware reads the sensor through the same header, on every target.
    for (const target of ['nano33ble', 'esp32', 'pico', 'stm32f4'] as const) {
      const tflm = await deploy.generate({ projectDir: hello, variant: 'hello_int8', target, runtime: 'tflm', mode: 'classify', kind: 'platformio', name: `hello_tflm_${target}` })
      expect(readFileSync(join(tflm.path, 'src', 'preprocessing.h'), 'utf8')).toBe(readFileSync(join(fw.path, 'src', 'preprocessing.h'), 'utf8'))
    }
    const build = await buildHostFirmware(fw.path)
    const windows = await writeDatasetWindows(hello, join(tmp.dir, 'hello.txt'))
    expect(Number(readFileSync(windows!.file, 'utf8').split(' ')[0])).toBeCloseTo(1.5708 / G, 6)
    const board = await startVirtualBoard({ binary: build.binary, count: 2, rate: 0, startDelayMs: 400, windowsFile: windows!.file })
    const lines = await readBoard(board.link)
    expect(await board.exited).toBe(0)
    // sin(pi/2) = 1: the hello_world model's 1.003 for the input 1.5708 (0.16 would give about 0.16).
    expect(lines.filter((l) => /^label:sine index:0 scores:1\.003 window:0$/.test(l))).toHaveLength(2)
  })

  it('the CLI sets units and scale per axis, and generate refuses a unit the firmware cannot produce', async () => {
    const cli = async (args: string[]): Promise<{ code: number; out: string }> => {
      let out = ''
      const code = await runCli(args, { out: (t) => (out += t), err: (t) => (out += t) })
      return { code, out }
    }
    const other = join(tmp.dir, 'cli-units')
    await projects.create(other, 'CLI units')
    await projects.update(other, { signal: { axes: ['x', 'y', 'gz'], sampleRateHz: 50, rateSource: 'user', windowLength: 10 } })
    const short = await cli(['project', 'set', other, '--units', 'g,g', '--json'])
    expect(short.code).not.toBe(0)
    expect(short.out).toMatch(/2 values for 3 axes \(x, y, gz\)/)
    const set = await cli(['project', 'set', other, '--units', 'm/s^2,mg,dps', '--scale', '1,2,1', '--json'])
    expect(set.code).toBe(0)
    expect(JSON.parse(set.out).project.signal).toMatchObject({ units: ['m/s^2', 'mg', 'dps'], scale: [1, 2, 1] })
    const fw = await deploy.generate({ projectDir: other, target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'xyz' })
    // x and y are the accelerometer's; y in mg at scale 2 is 500 per g.
    expect(readFileSync(join(fw.path, 'src', 'preprocessing.h'), 'utf8')).toContain('kMfAxisSource[MF_AXIS_COUNT] = {0, 1, 5};\nstatic const float kMfAxisGain[MF_AXIS_COUNT] = {9.80665016f, 500.000000f, 1.00000000f};')
    await cli(['project', 'set', other, '--units', 'g,g,furlong/s', '--json'])
    await expect(deploy.generate({ projectDir: other, target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'bad' })).rejects.toThrow(/"gz" is recorded in "furlong\/s", a unit the firmware cannot convert/)
  })
})
