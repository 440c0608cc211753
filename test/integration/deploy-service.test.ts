/**
 * The Deploy service and the `microforge generate` command through the in-memory transport, the
 * same path the app and the CLI take: variants, fit check, firmware written as a folder and as a
 * zip, errors a user can hit.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { unzipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generate } from '../../src/cli/commands/generate'
import { exportModel } from '../../src/main/core/export/export-model'
import { createMemoryClient } from '../../src/main/rpc/memory-transport'
import { createServices, type Services } from '../../src/main/services'
import type { ApiClient } from '../../src/shared/rpc'
import type { GenerateResult } from '../../src/shared/contract/deploy'
import { tempDir } from '../helpers/tmp'
import { convNet, loadPunchFlex } from '../unit/core/export/models'
import { readFixture } from '../helpers/fixtures'

describe('deploy service and generate command', () => {
  let tmp: { dir: string; cleanup: () => void }
  let services: Services
  let client: ApiClient
  let project: string
  const run = (opts: Record<string, string | boolean | undefined>, pos = [project]): Promise<unknown> =>
    generate.run({ api: client, json: true, progress: () => undefined, interrupted: new Promise(() => undefined) }, pos, opts)

  beforeEach(async () => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: path.join(tmp.dir, 'config') })
    client = createMemoryClient(services.api, services.bus).client
    project = path.join(tmp.dir, 'gestures')
    await client.project.create(project, 'Gestures')
    await client.project.update(project, {
      classes: [
        { name: 'punch', color: '#4e79a7' },
        { name: 'flex', color: '#f28e2b' }
      ],
      signal: {
        axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'],
        sampleRateHz: 119,
        rateSource: 'user',
        sensor: { baud: 115200, port: null },
        windowLength: 30,
        preprocessing: { kind: 'minmax', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], min: [-4, -4, -4, -2000, -2000, -2000], max: [4, 4, 4, 2000, 2000, 2000] }
      }
    })
    mkdirSync(path.join(project, 'models', 'variants'), { recursive: true })
    const { bytes } = exportModel(convNet(), { mode: 'int8', representativeData: loadPunchFlex().windows.slice(0, 30) })
    writeFileSync(path.join(project, 'models', 'variants', 'int8_conv.tflite'), bytes)
    writeFileSync(path.join(project, 'models', 'variants', 'float.tflite'), readFixture('models', 'gesture_dense_float32.tflite'))
    writeFileSync(path.join(project, 'models', 'variants', 'hybrid.tflite'), readFixture('models', 'gesture_dense_dynamic_range_int8.tflite'))
  })
  afterEach(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  it('tells a missing toolchain from a failed build, and neither is cached as the other', async () => {
    const path0 = process.env.PATH
    const bin = path.join(tmp.dir, 'bin')
    mkdirSync(bin)
    try {
      // No arm-none-eabi-gcc on the PATH: estimates, said so.
      process.env.PATH = bin
      let c = (await client.deploy.fit(project, 'int8_conv', 'nano33ble')).runtimes[1]
      expect(c.measurement).toMatchObject({ state: 'toolchain-missing', detail: expect.stringMatching(/not installed/) })
      expect(c.parts.map((p) => p.source)).not.toContain('measured')
      // A compiler that is there but fails (here /bin/false): "build failed" with the reason, not "no toolchain".
      symlinkSync('/bin/false', path.join(bin, 'arm-none-eabi-gcc'))
      c = (await client.deploy.fit(project, 'int8_conv', 'nano33ble')).runtimes[1]
      expect(c.measurement).toMatchObject({ state: 'build-failed', detail: expect.stringMatching(/arm-none-eabi-gcc/) })
    } finally {
      process.env.PATH = path0
    }
    // The real toolchain back on the PATH: measured, in the same service.
    expect((await client.deploy.fit(project, 'int8_conv', 'nano33ble')).runtimes[1].measurement).toEqual({ state: 'measured' })
  })

  it('lists variants with precision and ops, and checks fit per runtime', async () => {
    const variants = await client.deploy.variants(project)
    expect(variants.map((v) => [v.name, v.precision])).toEqual([
      ['float', 'float32'],
      ['hybrid', 'hybrid'],
      ['int8_conv', 'int8']
    ])
    const fit = await client.deploy.fit(project, 'int8_conv', 'nano33ble')
    const [tflm, c] = fit.runtimes
    expect(tflm).toMatchObject({ runtime: 'tflm', supported: true, fits: true })
    expect(c).toMatchObject({ runtime: 'c', supported: true, fits: true })
    // arm-none-eabi-gcc is installed here, so the C runtime's size is measured, not estimated.
    expect(c.parts.map((p) => p.source)).toEqual(['estimate', 'measured'])
    expect(c.parts[1].label).toMatch(/arm-none-eabi-gcc/)
    expect(c.measurement).toEqual({ state: 'measured' })
    expect(c.flashBytes).toBeLessThan(tflm.flashBytes)
    expect(c.ramBytes).toBeLessThan(tflm.ramBytes)
    // int8: each runtime its estimate; float32: TFLM only (CMSIS-NN on the Cortex-M4F), fitted to measurements there, a projection on ESP32.
    expect([tflm.latency?.runtime, c.latency?.runtime]).toEqual(['tflm-cmsis-nn', 'c'])
    const float = await client.deploy.fit(project, 'float', 'nano33ble')
    expect(float.runtimes[0].latency).toMatchObject({ runtime: 'tflm-cmsis-nn', basis: expect.stringMatching(/^TFLM float32 kernels.*fitted to/) })
    expect(float.runtimes[1]).toMatchObject({ runtime: 'c', supported: false })
    expect(float.runtimes[1].latency).toBeUndefined()
    expect((await client.deploy.fit(project, 'float', 'esp32')).runtimes[0].latency).toMatchObject({ runtime: 'tflm-reference', basis: expect.stringMatching(/^Projection/) })
    const hybrid = await client.deploy.fit(project, 'hybrid', 'stm32f4')
    expect(hybrid.runtimes[0].supported).toBe(false)
    expect(hybrid.runtimes[0].reason).toMatch(/hybrid/)
    expect(hybrid.runtimes[1].supported).toBe(false)
  })

  it('generate writes a folder with the flashing guide; a second run needs --force', async () => {
    const r = (await run({ variant: 'int8_conv', target: 'esp32', runtime: 'c', mode: 'profile' })) as GenerateResult
    expect(r).toMatchObject({ kind: 'platformio', zip: false, baud: 115200, sampleRateHz: 119 })
    expect(r.path).toBe(path.join(project, 'firmware', 'int8_conv_esp32_c_profile'))
    expect(readFileSync(path.join(r.path, 'src', 'preprocessing.h'), 'utf8')).toContain('#define MF_SAMPLE_RATE_HZ 119')
    expect(readFileSync(path.join(r.path, 'README.md'), 'utf8')).toMatch(/pio run -t upload/)
    expect(existsSync(path.join(r.path, 'model.tflite'))).toBe(true)
    expect(generate.format?.(r)).toMatch(/Microforge C runtime: flash/)
    await expect(run({ variant: 'int8_conv', target: 'esp32', runtime: 'c', mode: 'profile' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    await run({ variant: 'int8_conv', target: 'esp32', runtime: 'c', mode: 'profile', force: true })
  })

  it('the C runtime and TFLM firmware of one variant, board and mode sit side by side; each still needs --force to be replaced', async () => {
    const c = (await run({ variant: 'int8_conv', target: 'nano33ble', runtime: 'c', mode: 'profile' })) as GenerateResult
    const tflm = (await run({ variant: 'int8_conv', target: 'nano33ble', runtime: 'tflm', mode: 'profile' })) as GenerateResult
    expect(path.basename(c.path)).toBe('int8_conv_nano33ble_c_profile')
    expect(path.basename(tflm.path)).toBe('int8_conv_nano33ble_tflm_profile')
    // Each folder still holds its own runtime's code: the second generate replaced nothing.
    expect(existsSync(path.join(c.path, 'mf_infer_c.cpp'))).toBe(true)
    expect(existsSync(path.join(tflm.path, 'mf_infer_tflm.cpp'))).toBe(true)
    expect(existsSync(path.join(c.path, 'mf_infer_tflm.cpp'))).toBe(false)
    expect(generate.format?.(c)).toContain('int8_conv_nano33ble_c_profile')
    await expect(run({ variant: 'int8_conv', target: 'nano33ble', runtime: 'tflm', mode: 'profile' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    // Zips too, and capture firmware (no model, no runtime) keeps one name.
    const cZip = (await run({ variant: 'int8_conv', target: 'pico', runtime: 'c', mode: 'classify', zip: true })) as GenerateResult
    const tflmZip = (await run({ variant: 'int8_conv', target: 'pico', runtime: 'tflm', mode: 'classify', zip: true })) as GenerateResult
    expect([path.basename(cZip.path), path.basename(tflmZip.path)]).toEqual(['int8_conv_pico_c_classify.zip', 'int8_conv_pico_tflm_classify.zip'])
    expect(path.basename(((await run({ target: 'pico', runtime: 'c', mode: 'capture' })) as GenerateResult).path)).toBe('capture_pico_capture')
  })

  it('generate returns the fit check row of its runtime, and a zip that exists is refused with the way out', async () => {
    const check = await client.deploy.fit(project, 'int8_conv', 'pico')
    for (const runtime of ['tflm', 'c'] as const) {
      const r = (await run({ variant: 'int8_conv', target: 'pico', runtime, mode: 'classify', zip: true })) as GenerateResult
      const { latency: _latency, ...row } = check.runtimes.find((f) => f.runtime === runtime) as NonNullable<GenerateResult['fit']>
      expect(r.fit).toEqual(row)
    }
    const zip = path.join(project, 'firmware', 'int8_conv_pico_c_classify.zip')
    const before = readFileSync(zip)
    await expect(run({ variant: 'int8_conv', target: 'pico', runtime: 'c', mode: 'classify', zip: true })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: `${zip} already exists.`,
      hint: 'Choose another name, or allow overwriting (--force in the CLI).'
    })
    expect(readFileSync(zip).equals(before)).toBe(true)
  })

  it('generate --zip holds one folder named after the sketch', async () => {
    const r = (await run({ variant: 'int8_conv', target: 'nano33ble', runtime: 'tflm', mode: 'classify', zip: true, name: 'punch_flex' })) as GenerateResult
    expect(r.path.endsWith('punch_flex.zip')).toBe(true)
    const files = Object.keys(unzipSync(new Uint8Array(readFileSync(r.path))))
    expect(files).toEqual(expect.arrayContaining(['punch_flex/punch_flex.ino', 'punch_flex/model_data.cpp', 'punch_flex/model_ops.h', 'punch_flex/README.md']))
  })

  it('accepts a .tflite path as the variant, and capture mode without one', async () => {
    const r = (await run({ variant: path.join(project, 'models', 'variants', 'int8_conv.tflite'), target: 'pico', runtime: 'tflm', mode: 'classify' })) as GenerateResult
    expect(r.fit?.runtime).toBe('tflm')
    const cap = (await run({ target: 'stm32f4', mode: 'capture' })) as GenerateResult
    expect(cap.files).toContain('src/mf_sensor_mpu6050_arduino.cpp')
    expect(cap.fit).toBeNull()
  })

  it('says what to do next when something is wrong', async () => {
    await expect(run({ variant: 'nope', target: 'pico', mode: 'classify' })).rejects.toMatchObject({ code: 'NOT_FOUND', hint: expect.stringMatching(/int8_conv/) })
    await expect(run({ variant: 'int8_conv', target: 'uno', mode: 'classify' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(run({ target: 'pico', mode: 'classify' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(run({ variant: 'float', target: 'pico', runtime: 'c', mode: 'classify' })).rejects.toMatchObject({ code: 'UNSUPPORTED', hint: expect.stringMatching(/tflm/) })
    await expect(run({ variant: 'hybrid', target: 'pico', runtime: 'tflm', mode: 'classify' })).rejects.toMatchObject({ code: 'UNSUPPORTED' })
  })
})
