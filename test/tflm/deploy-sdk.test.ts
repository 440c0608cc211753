/**
 * Deploy's TensorFlow Lite Micro projects compiled as a user builds them, against the real SDK
 * (no stand-in TFLM headers): the Nano 33 BLE Sense Arduino sketch with the Arduino core and IMU
 * stand-ins (test/fixtures/arduino-stub), linked with the SDK's host library and run, its lines
 * read back with the Profile step's parser; and the ESP-IDF project's sources with the ESP-IDF
 * stand-ins. (The ESP32 PlatformIO project targets the older ESP32 library's API, which today's
 * TFLM no longer has; its generated source is checked in test/integration/deploy-firmware.test.ts.)
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { generateFirmware, type FirmwareProject, type FirmwareRequest } from '../../src/main/core/codegen/firmware'
import { normalizePreprocessing } from '../../src/main/core/codegen/preprocessing-header'
import { parseProfileLine } from '../../src/main/core/profile/profile-line'
import { resolveTflmSdk, type TflmSdk } from '../../src/main/sim/tflm-sdk'
import { loadFirmwareTemplates } from '../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../src/main/sim/firmware/firmware-folder'
import { AXES, CLASSES, presetVariants, RANGES, WINDOW } from '../helpers/preset-variants'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { repoRoot } from '../helpers/tmp'

const fixture = (name: string): string => path.join(repoRoot, 'test', 'fixtures', name)
const COMPAT = path.join(repoRoot, 'resources', 'firmware', 'tflm-compat')

let sdk: TflmSdk
let templates: Record<string, string>
let model: { bytes: Uint8Array; label: string }
beforeAll(async () => {
  sdk = resolveTflmSdk({ kind: 'host' }, tflmSdkDir())
  templates = await loadFirmwareTemplates(firmwareResourcesDir())
  model = presetVariants('cnn1d')[0]
})

function request(over: Partial<FirmwareRequest>): FirmwareRequest {
  return {
    name: 'gesture',
    projectName: 'Punch or flex',
    target: 'nano33ble',
    runtime: 'tflm',
    mode: 'classify',
    model: { bytes: model.bytes, graph: cgModelFromTflite(model.bytes), label: model.label },
    preprocessing: normalizePreprocessing({ kind: 'minmax', axes: AXES, ...RANGES, windowLength: WINDOW }, { axes: [], windowLength: null }),
    classes: CLASSES,
    sampleRateHz: 100,
    baud: 115200,
    templates,
    ...over
  }
}

function write(project: FirmwareProject): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-fw-sdk-'))
  for (const f of project.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true })
    writeFileSync(path.join(dir, f.path), f.contents)
  }
  return dir
}

/** Compiles a project folder (C as C99, C++ as C++17 with the SDK's flags) plus extras; links with the host library. */
function build(srcDir: string, extra: string[], includes: string[], link: boolean): string {
  const objDir = mkdtempSync(path.join(tmpdir(), 'mf-fw-sdk-obj-'))
  const inc = [srcDir, ...includes].map((d) => `-I${d}`)
  const cxx = ['-std=c++17', '-O1', '-Wall', '-Werror', '-fno-rtti', '-fno-exceptions', '-DTF_LITE_STATIC_MEMORY', '-DMF_TFLM_HOST_ARENA_BYTES=1048576', '-isystem', sdk.include]
  const objs: string[] = []
  for (const [i, f] of [...readdirSync(srcDir).map((n) => path.join(srcDir, n)), ...extra].entries()) {
    const obj = path.join(objDir, `${i}.o`)
    if (f.endsWith('.c')) execFileSync('gcc', ['-std=c99', '-O1', '-Wall', '-Werror', ...inc, '-c', f, '-o', obj])
    else if (/\.(cpp|cc|ino)$/.test(f)) execFileSync('g++', [...cxx, ...inc, '-x', 'c++', '-include', 'Arduino.h', '-c', f, '-o', obj])
    else continue
    objs.push(obj)
  }
  const bin = path.join(objDir, 'firmware_host')
  if (link) execFileSync('g++', [...objs, sdk.hostLibrary, '-lm', '-o', bin])
  return bin
}

describe('TFLM firmware projects against the real SDK', () => {
  it('Nano 33 BLE Sense sketch, classify and profile modes: builds, runs and prints what Profile parses', () => {
    const classify = build(write(generateFirmware(request({ mode: 'classify' }))), [fixture('arduino-stub/host_main.cpp')], [fixture('arduino-stub'), COMPAT], true)
    const lines = execFileSync(classify, ['2']).toString().trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^runtime:tflite-micro arena_used:\d+ arena_size:1048576 /)
    for (const l of lines.slice(1)) expect(parseProfileLine(l)).toMatchObject({ kind: 'classification' })

    const profile = build(write(generateFirmware(request({ mode: 'profile' }))), [fixture('arduino-stub/host_main.cpp')], [fixture('arduino-stub'), COMPAT], true)
    const out = execFileSync(profile, ['3']).toString().trim().split('\n')
    expect(out[0]).toMatch(/^runtime:tflite-micro arena_used:\d+ arena_size:1048576 free_heap:-?\d+ bytes$/)
    expect(parseProfileLine(out[0])).toMatchObject({ kind: 'memory' })
    for (const l of out.slice(1)) expect(parseProfileLine(l).kind, l).toBe('timing')
  })

  it('ESP-IDF project with TFLM compiles against the SDK and ESP-IDF stand-ins', () => {
    const dir = write(generateFirmware(request({ target: 'esp32', kind: 'esp-idf', mode: 'profile' })))
    build(path.join(dir, 'main'), [], [fixture('esp-idf-stub'), fixture('arduino-stub')], false)
  })
})
