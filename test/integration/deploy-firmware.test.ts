/**
 * Generated firmware projects: the structure of every board / project kind / runtime / mode, and
 * the C-runtime and capture sources compiled with host g++/gcc against stand-in headers for the
 * Arduino core, Wire, the IMU libraries and ESP-IDF (test/fixtures/*-stub). The Arduino sketches
 * also run on this computer, and what they print is read back with the Profile step's parser. The
 * TensorFlow Lite Micro sources compile only against the real SDK: test/tflm/deploy-sdk.test.ts.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { generateFirmware, type FirmwareProject, type FirmwareRequest } from '../../src/main/core/codegen/firmware'
import { generateModelData } from '../../src/main/core/codegen/model-data'
import { normalizePreprocessing } from '../../src/main/core/codegen/preprocessing-header'
import { exportModel } from '../../src/main/core/export/export-model'
import { parseProfileLine } from '../../src/main/core/profile/profile-line'
import { loadFirmwareTemplates } from '../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../src/main/sim/firmware/firmware-folder'
import { BOARDS, TARGET_IDS, type FirmwareMode, type RuntimeId } from '../../src/shared/boards'
import { convNet, loadPunchFlex } from '../unit/core/export/models'
import { repoRoot } from './helpers/c-build'

const stub = (name: string): string => path.join(repoRoot, 'test', 'fixtures', name)
const CXX = ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-O1']
const CC = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-O1']

let templates: Record<string, string>
let modelBytes: Uint8Array
const preprocessing = normalizePreprocessing(
  { kind: 'minmax', axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], min: [-4, -4, -4, -2000, -2000, -2000], max: [4, 4, 4, 2000, 2000, 2000], windowLength: 30 },
  { axes: [], windowLength: null }
)

beforeAll(async () => {
  templates = await loadFirmwareTemplates(firmwareResourcesDir())
  modelBytes = exportModel(convNet(), { mode: 'int8', representativeData: loadPunchFlex().windows.slice(0, 30) }).bytes
})

function request(over: Partial<FirmwareRequest>): FirmwareRequest {
  return {
    name: 'gesture',
    projectName: 'Punch or flex',
    target: 'nano33ble',
    runtime: 'c',
    mode: 'profile',
    model: { bytes: modelBytes, graph: cgModelFromTflite(modelBytes), label: 'int8_conv' },
    preprocessing,
    classes: ['punch', 'flex'],
    sampleRateHz: 100,
    baud: 115200,
    templates,
    ...over
  }
}

function write(project: FirmwareProject): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-fw-'))
  for (const f of project.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true })
    writeFileSync(path.join(dir, f.path), f.contents)
  }
  return dir
}

/** Compiles every source of a folder (C as C99, C++ as C++11) plus extras, links, returns the binary. */
function build(srcDir: string, extraSources: string[], includes: string[], defines: string[] = [], link = true): string {
  const files = execFileSync('ls', [srcDir]).toString().trim().split('\n')
  const objs: string[] = []
  const inc = [srcDir, ...includes].map((d) => `-I${d}`)
  const objDir = mkdtempSync(path.join(tmpdir(), 'mf-fw-obj-'))
  for (const [i, f] of [...files.map((n) => path.join(srcDir, n)), ...extraSources].entries()) {
    const obj = path.join(objDir, `${i}.o`)
    if (f.endsWith('.c')) execFileSync('gcc', [...CC, ...inc, ...defines, '-c', f, '-o', obj])
    else if (/\.(cpp|cc|ino)$/.test(f)) execFileSync('g++', [...CXX, ...inc, ...defines, '-x', 'c++', '-include', 'Arduino.h', '-c', f, '-o', obj])
    else continue
    objs.push(obj)
  }
  const bin = path.join(srcDir, 'firmware_host')
  if (link) execFileSync('g++', [...objs, '-o', bin])
  return bin
}

describe('firmware project structure', () => {
  const modes: FirmwareMode[] = ['capture', 'classify', 'profile']
  const runtimes: RuntimeId[] = ['tflm', 'c']
  for (const target of TARGET_IDS) {
    for (const kind of BOARDS[target].projects) {
      it(`${target} ${kind}: every runtime and mode`, () => {
        for (const runtime of runtimes) {
          for (const mode of modes) {
            const p = generateFirmware(request({ target, kind, runtime, mode }))
            const paths = p.files.map((f) => f.path)
            const src = kind === 'arduino' ? '' : kind === 'platformio' ? 'src/' : 'main/'
            expect(paths).toContain('README.md')
            expect(paths).toContain(`${src}preprocessing.h`)
            expect(paths).toContain(`${src}mf_app.cpp`)
            for (const f of p.files) expect(f.contents, f.path).not.toMatch(/\{\{[A-Z_]+\}\}/)
            const config = p.files.find((f) => f.path === `${src}mf_config.h`)!.contents
            expect(config).toContain(`#define MF_MODE_${mode.toUpperCase()} 1`)
            if (kind === 'arduino') expect(paths).toContain('gesture.ino')
            if (kind === 'platformio') {
              const ini = p.files.find((f) => f.path === 'platformio.ini')!.contents
              expect(ini).toContain(`board = ${BOARDS[target].platformio.board}`)
              expect(ini.includes('tflite-micro-arduino-examples') || ini.includes('TensorFlowLite_ESP32')).toBe(mode !== 'capture' && runtime === 'tflm')
            }
            if (kind === 'esp-idf') {
              expect(paths).toEqual(expect.arrayContaining(['CMakeLists.txt', 'main/CMakeLists.txt', 'main/idf_component.yml', 'sdkconfig.defaults']))
              expect(p.files.find((f) => f.path === 'main/idf_component.yml')!.contents.includes('espressif/esp-tflite-micro')).toBe(mode !== 'capture' && runtime === 'tflm')
            }
            if (mode === 'capture') {
              expect(paths.some((x) => x.includes('model_data') || x.includes('mf_model'))).toBe(false)
            } else if (runtime === 'tflm') {
              expect(paths).toEqual(expect.arrayContaining([`${src}model_data.${kind === 'arduino' ? 'cpp' : 'cc'}`, `${src}model_data.h`, `${src}model_ops.h`, `${src}mf_infer_tflm.cpp`]))
              expect(p.binaries.map((b) => b.path)).toEqual(['model.tflite'])
            } else {
              expect(paths).toEqual(expect.arrayContaining([`${src}mf_model.c`, `${src}mf_runtime.c`, `${src}mf_infer_c.cpp`]))
              expect(paths.some((x) => x.includes('model_data'))).toBe(false)
            }
          }
        }
      })
    }
  }

  it('reads the right IMU library for each Nano 33 BLE Sense revision', () => {
    const rev1 = generateFirmware(request({ nano33Revision: 'rev1' })).files.find((f) => f.path === 'mf_sensor_nano33.cpp')!.contents
    const rev2 = generateFirmware(request({ nano33Revision: 'rev2', kind: 'platformio' }))
    expect(rev1).toContain('#include <Arduino_LSM9DS1.h>')
    expect(rev2.files.find((f) => f.path === 'src/mf_sensor_nano33.cpp')!.contents).toContain('#include <Arduino_BMI270_BMM150.h>')
    expect(rev2.files.find((f) => f.path === 'platformio.ini')!.contents).toContain('arduino-libraries/Arduino_BMI270_BMM150')
  })

  it('refuses a model whose input does not match the preprocessing window', () => {
    expect(() => generateFirmware(request({ preprocessing: { ...preprocessing, windowLength: 20 } }))).toThrow(/180 input values/)
  })
})

describe('generated firmware compiled and run on this computer', () => {
  it('Nano 33 BLE Sense sketch, C runtime, profile mode: prints memory, then one timing line per window', () => {
    const dir = write(generateFirmware(request({ mode: 'profile', runtime: 'c' })))
    const bin = build(dir, [stub('arduino-stub/host_main.cpp')], [stub('arduino-stub')])
    const lines = execFileSync(bin, ['3']).toString().trim().split('\n')
    expect(lines).toHaveLength(4)
    const memory = parseProfileLine(lines[0])
    expect(memory).toMatchObject({ kind: 'memory' })
    for (const l of lines.slice(1)) {
      const p = parseProfileLine(l)
      expect(p.kind, l).toBe('timing')
      if (p.kind === 'timing') expect(Object.keys(p.stages).sort()).toEqual(['inference', 'output', 'preprocess', 'sensor'])
    }
  })

  it('Pico PlatformIO project, MPU6050 over Wire, capture mode: header then samples in g and °/s', () => {
    const p = generateFirmware(request({ target: 'pico', mode: 'capture', model: null }))
    const dir = write(p)
    const bin = build(path.join(dir, 'src'), [stub('arduino-stub/host_main.cpp')], [stub('arduino-stub')])
    const lines = execFileSync(bin, ['5']).toString().trim().split('\n')
    expect(lines[0]).toBe('aX,aY,aZ,gX,gY,gZ')
    expect(lines.slice(1)).toHaveLength(5)
    // First burst from the stub MPU6050: ax = 4136 and az = 1004 LSB at 4096 LSB/g, gy = -500 LSB at 32.8 LSB per °/s.
    expect(lines[1].split(',').map(Number)).toEqual([1.01, -0.5, 0.245, 3.049, -15.244, 7.622])
  })

  it('ESP32 PlatformIO project, TFLite Micro runtime: the legacy ESP32 library API is selected (compiled with the SDK in test/tflm)', () => {
    const p = generateFirmware(request({ target: 'esp32', runtime: 'tflm', mode: 'classify' }))
    expect(p.files.find((f) => f.path === 'src/mf_infer_tflm.cpp')!.contents).toContain('#include <TensorFlowLite_ESP32.h>')
    expect(p.files.find((f) => f.path === 'src/mf_config.h')!.contents).toContain('#define MF_TFLM_LEGACY_API 1')
    expect(generateFirmware(request({ target: 'esp32', kind: 'esp-idf', runtime: 'tflm', mode: 'classify' })).files.find((f) => f.path === 'main/mf_config.h')!.contents).toContain('#define MF_TFLM_LEGACY_API 0')
  })

  it('ESP-IDF project with the C runtime compiles against ESP-IDF stand-ins', () => {
    const dir = write(generateFirmware(request({ target: 'esp32', kind: 'esp-idf', runtime: 'c', mode: 'profile' })))
    build(path.join(dir, 'main'), [], [stub('esp-idf-stub'), stub('arduino-stub')], [], false)
  })

  it('model_data.cc holds the .tflite byte for byte, 16-byte aligned', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-md-'))
    for (const f of generateModelData(modelBytes)) writeFileSync(path.join(dir, f.path), f.contents)
    writeFileSync(
      path.join(dir, 'check.cc'),
      '#include <stdint.h>\n#include <stdio.h>\n#include "model_data.h"\nint main() {\n  if ((uintptr_t)g_model_data % 16) return 2;\n  fwrite(g_model_data, 1, g_model_data_len, stdout);\n  return 0;\n}\n'
    )
    execFileSync('g++', [...CXX, `-I${dir}`, path.join(dir, 'check.cc'), path.join(dir, 'model_data.cc'), '-o', path.join(dir, 'check')])
    const out = new Uint8Array(execFileSync(path.join(dir, 'check'), [], { maxBuffer: 16 * 1024 * 1024 }))
    expect(Buffer.compare(Buffer.from(out), Buffer.from(modelBytes))).toBe(0)
  })
})
