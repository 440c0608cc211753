/**
 * Firmware projects as a list of files: an Arduino sketch, a PlatformIO project or an ESP-IDF
 * project for one board, one runtime (TensorFlow Lite Micro or Microforge's C runtime) and one
 * mode (capture, classify, profile). Pure: templates come in as text (the service reads them from
 * resources/firmware/), files go out as text; the service writes a folder or a zip.
 */
import { MicroforgeError } from '../../../shared/errors'
import { imuLibrary, TFLM_ARDUINO_INSTALL } from '../../../shared/arduino-libraries'
import { BOARDS, type BoardInfo, type FirmwareMode, type ProjectKind, type RuntimeId, type TargetId } from '../../../shared/boards'
import { cComment, cIdentifier, cInteger } from './c-literals'
import { generateCRuntimeModel, type CRuntimeModel, type GeneratedFile } from './c-runtime'
import type { CgModel } from './graph'
import { generateModelData } from './model-data'
import { generateOpResolver, tflmArenaSize } from './op-resolver'
import { generatePreprocessingHeader, type FirmwarePreprocessing } from './preprocessing-header'
import { axisSourcesIn, type RecordedSignal } from './sensor-axes'
import { estimateTflm, type TflmEstimate } from './tflm-estimate'

export type Nano33Revision = 'rev1' | 'rev2'

export interface FirmwareRequest {
  /** Folder / sketch name; sanitized to letters, digits and underscores. */
  name: string
  projectName: string
  target: TargetId
  runtime: RuntimeId
  mode: FirmwareMode
  /** Default: the board's first project kind (Arduino sketch for the Nano, PlatformIO otherwise). */
  kind?: ProjectKind
  nano33Revision?: Nano33Revision
  /** The variant's .tflite and its parsed view; not needed in capture mode. */
  model: { bytes: Uint8Array; graph: CgModel; label: string } | null
  preprocessing: FirmwarePreprocessing
  /** The signal spec's axes, units and scale: the firmware converts the sensor's reading to them. */
  signal?: RecordedSignal
  classes: string[]
  sampleRateHz: number
  baud: number
  /** resources/firmware/ contents, keyed by path relative to that folder ('common/mf_app.cpp'). */
  templates: Record<string, string>
}

export interface FirmwareProject {
  kind: ProjectKind
  /** Paths relative to the project folder, '/'-separated. */
  files: GeneratedFile[]
  /** Binary files (model.tflite). */
  binaries: Array<{ path: string; bytes: Uint8Array }>
  tflm: TflmEstimate | null
  tflmArenaSize: number | null
  cRuntime: Pick<CRuntimeModel, 'arenaBytes' | 'weightBytes' | 'ops'> | null
}

/** A folder, sketch and CMake project name: the one identifier sanitiser, starting with a letter. */
export function sanitizeName(name: string): string {
  const s = cIdentifier(name).replace(/^_+|_+$/g, '')
  return /^[A-Za-z]/.test(s) ? s.slice(0, 60) : `mf_${s}`.slice(0, 60)
}

const MODES: readonly FirmwareMode[] = ['capture', 'classify', 'profile']
const RUNTIMES: readonly RuntimeId[] = ['tflm', 'c']

/** Every choice that selects code is checked against its closed set before anything is generated. */
function checkRequest(req: FirmwareRequest): BoardInfo {
  const board = Object.prototype.hasOwnProperty.call(BOARDS, req.target) ? BOARDS[req.target] : undefined
  if (!board) throw new MicroforgeError('INVALID_ARGUMENT', 'Unknown board.', `Choose one of ${Object.keys(BOARDS).join(', ')}.`)
  if (!MODES.includes(req.mode)) throw new MicroforgeError('INVALID_ARGUMENT', 'Unknown firmware mode.', `Choose one of ${MODES.join(', ')}.`)
  if (!RUNTIMES.includes(req.runtime)) throw new MicroforgeError('INVALID_ARGUMENT', 'Unknown runtime.', `Choose one of ${RUNTIMES.join(', ')}.`)
  if (req.nano33Revision !== undefined && req.nano33Revision !== 'rev1' && req.nano33Revision !== 'rev2') {
    throw new MicroforgeError('INVALID_ARGUMENT', 'Unknown Nano 33 BLE Sense revision.', 'Choose rev1 or rev2.')
  }
  cInteger(req.baud, 50, 10_000_000, 'baud rate')
  return board
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z0-9_]+)\}\}/g, (m, key: string) => {
    if (!(key in values)) throw new Error(`template value ${key} missing`)
    return values[key]
  })
}

function template(templates: Record<string, string>, path: string): string {
  const t = templates[path]
  if (t === undefined) {
    throw new MicroforgeError('INTERNAL', `The firmware template ${path} is missing from this installation.`, 'Reinstall Microforge.')
  }
  return t
}

const I2C_PINS: Record<TargetId, { sda: string; scl: string }> = {
  nano33ble: { sda: 'SDA', scl: 'SCL' },
  esp32: { sda: '21', scl: '22' },
  pico: { sda: '4', scl: '5' },
  stm32f4: { sda: 'PB7', scl: 'PB6' }
}

export function generateFirmware(req: FirmwareRequest): FirmwareProject {
  const board = checkRequest(req)
  const kind = req.kind ?? board.projects[0]
  if (!board.projects.includes(kind)) {
    throw new MicroforgeError('INVALID_ARGUMENT', `${board.name} has no ${kind} project template.`, `Choose ${board.projects.join(' or ')}.`)
  }
  if (req.mode !== 'capture' && !req.model) {
    throw new MicroforgeError('INVALID_ARGUMENT', `The ${req.mode} firmware needs a model.`, 'Choose a variant, or generate the capture firmware.')
  }
  const name = sanitizeName(req.name)
  const rev = req.nano33Revision ?? 'rev2'
  const legacyTflm = kind === 'platformio' && req.target === 'esp32'
  const runtimeName = req.mode === 'capture' ? 'no model' : req.runtime === 'c' ? 'Microforge C runtime' : 'TensorFlow Lite Micro'
  const pins = I2C_PINS[req.target]
  const values: Record<string, string> = {
    PROJECT_NAME: cComment(req.projectName),
    MODE: req.mode,
    RUNTIME_NAME: runtimeName,
    BOARD_NAME: board.name,
    BAUD: cInteger(req.baud, 50, 10_000_000, 'baud rate'),
    I2C_SDA: pins.sda,
    I2C_SCL: pins.scl,
    NANO33_IMU_HEADER: rev === 'rev1' ? 'Arduino_LSM9DS1.h' : 'Arduino_BMI270_BMM150.h',
    NANO33_IMU_NAME: rev === 'rev1' ? 'Rev1: LSM9DS1' : 'Rev2: BMI270 + BMM150',
    TFLM_LIBRARY_INCLUDE: kind === 'esp-idf' ? '' : legacyTflm ? '#include <TensorFlowLite_ESP32.h>' : '#include <TensorFlowLite.h>',
    IDF_PROJECT_NAME: name
  }

  // Sources every project compiles, in the project's source folder.
  const sources: GeneratedFile[] = []
  const add = (path: string, contents: string): void => {
    sources.push({ path, contents })
  }
  const copy = (tpl: string, as?: string): void => add(as ?? tpl.split('/').pop()!, fill(template(req.templates, tpl), values))

  add('mf_config.h', configHeader(req, legacyTflm))
  add('preprocessing.h', generatePreprocessingHeader(req.preprocessing, { classes: req.classes, sampleRateHz: req.sampleRateHz, ...(req.signal ? { signal: req.signal } : {}) }).contents)
  for (const f of ['common/mf_app.h', 'common/mf_app.cpp', 'common/mf_platform.h']) copy(f)

  let tflm: TflmEstimate | null = null
  let tflmArena: number | null = null
  let cRuntime: FirmwareProject['cRuntime'] = null
  const binaries: FirmwareProject['binaries'] = []
  if (req.mode !== 'capture' && req.model) {
    copy('common/mf_infer.h')
    const graph = req.model.graph
    checkModelShape(graph, req)
    if (req.runtime === 'tflm') {
      tflm = estimateTflm(graph, req.model.bytes, req.target)
      tflmArena = tflmArenaSize(tflm)
      copy('common/mf_infer_tflm.cpp')
      for (const f of generateModelData(req.model.bytes, { source: req.model.label, sourceExtension: kind === 'arduino' ? 'cpp' : 'cc' })) add(f.path, f.contents)
      add('model_ops.h', generateOpResolver(graph, tflm).contents)
    } else {
      const c = generateCRuntimeModel(graph, { modelName: req.model.label })
      cRuntime = { arenaBytes: c.arenaBytes, weightBytes: c.weightBytes, ops: c.ops }
      copy('common/mf_infer_c.cpp')
      for (const f of c.files) add(f.path, f.contents)
      copy('c-runtime/mf_runtime.h')
      copy('c-runtime/mf_runtime.c')
    }
    binaries.push({ path: 'model.tflite', bytes: req.model.bytes })
  }

  const files: GeneratedFile[] = []
  if (kind === 'esp-idf') {
    copy('esp-idf/main/main.cpp')
    copy('esp-idf/main/mf_platform_idf.cpp')
    copy('sensors/mf_mpu6050.h')
    const compiled = sources.filter((f) => /\.(c|cc|cpp)$/.test(f.path)).map((f) => `"${f.path}"`)
    values.IDF_SOURCES = compiled.join(' ')
    const usesTflm = req.mode !== 'capture' && req.runtime === 'tflm'
    values.IDF_EXTRA_REQUIRES = ''
    values.IDF_COMPONENT_DEPENDENCIES = usesTflm ? '  espressif/esp-tflite-micro: "^1.3.4"' : '  # none: the C runtime and the capture firmware need no component'
    files.push({ path: 'CMakeLists.txt', contents: fill(template(req.templates, 'esp-idf/CMakeLists.txt'), values) })
    files.push({ path: 'sdkconfig.defaults', contents: fill(template(req.templates, 'esp-idf/sdkconfig.defaults'), values) })
    files.push({ path: 'main/CMakeLists.txt', contents: fill(template(req.templates, 'esp-idf/main/CMakeLists.txt'), values) })
    files.push({ path: 'main/idf_component.yml', contents: fill(template(req.templates, 'esp-idf/main/idf_component.yml'), values) })
    for (const s of sources) files.push({ path: `main/${s.path}`, contents: s.contents })
  } else {
    copy('arduino/mf_platform_arduino.cpp')
    if (req.target === 'nano33ble') copy('sensors/mf_sensor_nano33.cpp')
    else for (const f of ['sensors/mf_mpu6050.h', 'sensors/mf_sensor_mpu6050_arduino.cpp']) copy(f)
    if (kind === 'arduino') {
      files.push({ path: `${name}.ino`, contents: fill(template(req.templates, 'arduino/sketch.ino'), values) })
      files.push(...sources)
    } else {
      files.push({ path: 'platformio.ini', contents: platformioIni(board, req, rev, legacyTflm) })
      files.push({ path: 'src/main.cpp', contents: fill(template(req.templates, 'arduino/sketch.ino'), values).replace('#include "mf_app.h"', '#include <Arduino.h>\n\n#include "mf_app.h"') })
      for (const s of sources) files.push({ path: `src/${s.path}`, contents: s.contents })
    }
  }
  files.push({ path: 'README.md', contents: readme(board, kind, req, name, rev, { tflm, tflmArenaSize: tflmArena, cRuntime }) })
  return { kind, files, binaries, tflm, tflmArenaSize: tflmArena, cRuntime }
}

function checkModelShape(graph: CgModel, req: FirmwareRequest): void {
  const inT = graph.tensors[graph.inputs[0]]
  const outT = graph.tensors[graph.outputs[0]]
  const inCount = inT.shape.reduce((a, b) => a * Math.max(1, b), 1)
  const outCount = outT.shape.reduce((a, b) => a * Math.max(1, b), 1)
  const expected = req.preprocessing.windowLength * req.preprocessing.axes.length
  if (inCount !== expected) {
    throw new MicroforgeError(
      'MODEL_ERROR',
      `The model takes ${inCount} input values but the project's preprocessing gives ${req.preprocessing.windowLength} samples x ${req.preprocessing.axes.length} axes = ${expected}.`,
      'Train the model again with the project\'s current window length and axes.'
    )
  }
  if (req.classes.length && outCount !== req.classes.length) {
    throw new MicroforgeError('MODEL_ERROR', `The model has ${outCount} outputs but the project has ${req.classes.length} classes.`, 'Train the model again after changing classes.')
  }
}

function configHeader(req: FirmwareRequest, legacyTflm: boolean): string {
  const on = (m: FirmwareMode): string => (req.mode === m ? '1' : '0')
  return `// Generated by Microforge: what this firmware does. Regenerate from the Deploy step to change it.
#ifndef MF_CONFIG_H_
#define MF_CONFIG_H_

// capture streams the project's axes (a header, then one line per sample); classify prints label and scores; profile prints timings.
#define MF_MODE_CAPTURE ${on('capture')}
#define MF_MODE_CLASSIFY ${on('classify')}
#define MF_MODE_PROFILE ${on('profile')}
// The ESP32 Arduino TensorFlow Lite library predates the interpreter API without an error reporter.
#define MF_TFLM_LEGACY_API ${legacyTflm ? 1 : 0}

#endif  // MF_CONFIG_H_
`
}

function platformioIni(board: BoardInfo, req: FirmwareRequest, rev: Nano33Revision, legacyTflm: boolean): string {
  const libs: string[] = []
  if (req.target === 'nano33ble') libs.push(rev === 'rev1' ? 'arduino-libraries/Arduino_LSM9DS1' : 'arduino-libraries/Arduino_BMI270_BMM150')
  if (req.mode !== 'capture' && req.runtime === 'tflm') {
    libs.push(legacyTflm ? 'tanakamasayuki/TensorFlowLite_ESP32@^1.0.0' : 'https://github.com/tensorflow/tflite-micro-arduino-examples')
  }
  const platform = req.target === 'pico' ? 'https://github.com/maxgerhardt/platform-raspberrypi.git' : board.platformio.platform
  const lines = [
    `; Generated by Microforge for ${cComment(req.projectName)}: ${req.mode} mode on ${board.name}.`,
    '; Build and upload: pio run -t upload    Serial monitor: pio device monitor',
    '',
    `[env:${board.platformio.board}]`,
    `platform = ${platform}`,
    `board = ${board.platformio.board}`,
    `framework = ${board.platformio.framework}`
  ]
  // The earlephilhower core: Wire pins are settable and the free heap is reported.
  if (req.target === 'pico') lines.push('board_build.core = earlephilhower')
  // USB DFU needs no extra hardware; the README says how to switch to an ST-Link.
  if (req.target === 'stm32f4') lines.push('upload_protocol = dfu')
  lines.push(`monitor_speed = ${req.baud}`)
  // The TensorFlow Lite Micro Arduino library declares only Arduino's own boards as compatible.
  if (libs.some((l) => l.includes('tflite-micro-arduino-examples'))) lines.push('lib_compat_mode = off')
  if (libs.length) lines.push('lib_deps =', ...libs.map((l) => `  ${l}`))
  // The Black Pill's USB port is the serial console only with the core's CDC enabled.
  lines.push(req.target === 'stm32f4' ? 'build_flags = -O2 -D PIO_FRAMEWORK_ARDUINO_ENABLE_CDC -D USBCON' : 'build_flags = -O2')
  return `${lines.join('\n')}\n`
}

function readme(
  board: BoardInfo,
  kind: ProjectKind,
  req: FirmwareRequest,
  name: string,
  rev: Nano33Revision,
  sizes: Pick<FirmwareProject, 'tflm' | 'tflmArenaSize' | 'cRuntime'>
): string {
  const L: string[] = []
  L.push(`# ${name}: ${req.mode} firmware for ${board.name}`, '')
  L.push(`Generated by Microforge from the project **${cComment(req.projectName)}**${req.model ? `, model **${cComment(req.model.label)}**` : ''}.`, '')
  L.push('| | |', '| --- | --- |')
  L.push(`| Board | ${board.name} (${board.mcu}, ${board.core}, ${board.clockMHz} MHz, ${Math.round(board.flashBytes / 1024)} KB flash, ${Math.round(board.ramBytes / 1024)} KB RAM) |`)
  L.push(`| Sensor | ${board.sensor} |`)
  L.push(`| Mode | ${req.mode} |`)
  if (req.mode !== 'capture') L.push(`| Runtime | ${req.runtime === 'c' ? 'Microforge C runtime (plain C99, no TensorFlow Lite Micro)' : 'TensorFlow Lite Micro'} |`)
  L.push(`| Window | ${req.preprocessing.windowLength} samples at ${req.sampleRateHz} Hz, axes ${axisSourcesIn(req.preprocessing.axes, req.signal).map((a) => `${cComment(a.axis)} (${a.unit})`).join(', ')} |`)
  L.push(`| Serial | ${req.baud} baud |`)
  if (sizes.cRuntime) L.push(`| Arena | ${sizes.cRuntime.arenaBytes} bytes (static, planned at generation) |`)
  if (sizes.tflm && sizes.tflmArenaSize) {
    const how = sizes.tflm.modelled ? 'what AllocateTensors() needs' : 'estimate + 25% for operators the estimate does not know'
    const sets = Object.keys(sizes.tflm.requiredByKernels).length > 1 ? 'with either TFLM kernel set, reference or CMSIS-NN' : 'TFLM reference kernels'
    L.push(`| Arena | kTensorArenaSize ${sizes.tflmArenaSize} bytes (${how}, ${sets}; arena_used_bytes about ${sizes.tflm.arenaBytes} with ${sizes.tflm.kernels === 'cmsis-nn' ? 'CMSIS-NN' : 'reference'} kernels) |`)
  }
  L.push('')
  if (board.wiring) L.push('## Wiring', '', board.wiring, '')
  L.push('## Flashing, step by step', '')
  const steps: string[] = []
  if (kind === 'arduino') {
    steps.push('Install the Arduino IDE 2 (https://www.arduino.cc/en/software).')
    steps.push('Tools > Board > Boards Manager: install **Arduino Mbed OS Nano Boards**.')
    steps.push(`Sketch > Include Library > Manage Libraries: install **${imuLibrary(rev)}** (this project is set up for a ${rev === 'rev1' ? 'Rev1 board (LSM9DS1)' : 'Rev2 board (BMI270 + BMM150)'}; the chip names are printed on the board. Regenerate for the other revision if yours differs).`)
    if (req.mode !== 'capture' && req.runtime === 'tflm') {
      steps.push(TFLM_ARDUINO_INSTALL.replace('Arduino_TensorFlowLite', '**Arduino_TensorFlowLite**'))
    }
    steps.push(`File > Open: \`${name}/${name}.ino\` (the folder and the sketch must keep the same name).`)
    steps.push('Connect the board by USB, pick it under Tools > Board and Tools > Port.')
    steps.push('Click Upload. If the upload fails, double-tap the reset button (the LED pulses) and upload again.')
  } else if (kind === 'platformio') {
    steps.push('Install PlatformIO (the VS Code extension, or `pip install platformio`).')
    steps.push('Open this folder in VS Code (PlatformIO picks up `platformio.ini`); libraries download on the first build.')
    if (req.target === 'pico') steps.push('Hold BOOTSEL while plugging the Pico in the first time; later uploads reset it automatically.')
    if (req.target === 'stm32f4') steps.push('Black Pill over USB (`upload_protocol = dfu`): hold BOOT0, tap NRST, release BOOT0 to enter the DFU bootloader before each upload. With an ST-Link, change it to `upload_protocol = stlink`.')
    steps.push('Build and upload: `pio run -t upload` (or the arrow button in the status bar).')
  } else {
    steps.push('Install ESP-IDF 5.x (https://docs.espressif.com/projects/esp-idf/en/stable/esp32/get-started/).')
    steps.push('In an ESP-IDF terminal: `idf.py set-target esp32` in this folder.')
    if (req.mode !== 'capture' && req.runtime === 'tflm') steps.push('The first build downloads the **espressif/esp-tflite-micro** component named in `main/idf_component.yml`.')
    steps.push('Build, flash and watch: `idf.py -p PORT flash monitor` (PORT is e.g. /dev/ttyUSB0 or COM3).')
  }
  const monitor = kind === 'esp-idf' ? 'the IDF monitor' : kind === 'platformio' ? '`pio device monitor`' : 'Tools > Serial Monitor'
  steps.push(`Open ${monitor} at ${req.baud} baud, or connect from Microforge's ${req.mode === 'capture' ? 'Capture' : req.mode === 'profile' ? 'Profile' : 'Connect'} step.`)
  steps.forEach((s, i) => L.push(`${i + 1}. ${s}`))
  L.push('', '## What it prints', '')
  if (req.mode === 'capture') {
    const units = axisSourcesIn(req.preprocessing.axes, req.signal).map((s) => `${cComment(s.axis)} in ${s.unit}`)
    L.push(`A header naming the project's axes, then one line per sample at ${req.sampleRateHz} Hz: ${units.join(', ')} (the units and scale the project records).`)
  }
  if (req.mode === 'classify') L.push('One line per window: `label:<class> index:<n> scores:<p0>,<p1>,...`.')
  if (req.mode === 'profile') {
    L.push('At start: `runtime:<name> arena_used:<bytes> arena_size:<bytes> free_heap:<bytes> bytes`.')
    L.push('Then one line per inference: `sensor:180 preprocess:210 inference:1200 output:5 us` (microseconds: sensor reads, normalization and quantization, the model, dequantization and argmax).')
  }
  L.push('', '## Preprocessing', '')
  L.push('`preprocessing.h` holds the exact per-axis offset and scale the model was trained with. Do not edit it by hand: a model that works on the desktop and fails on the board is most often a preprocessing mismatch.')
  L.push('')
  return L.join('\n')
}

