/**
 * The TensorFlow Lite Micro firmware path for real: Deploy's generated TFLM code (model_data,
 * the exact op resolver, kTensorArenaSize, mf_infer_tflm.cpp, preprocessing.h) compiled against
 * the SDK for this computer (g++, host/libtflm.a) and for the Cortex-M4F (arm-none-eabi-g++,
 * reference and CMSIS-NN libraries, run in QEMU mps2-an386), fed the same raw sensor windows as
 * the C-runtime firmware generated from the same variant: every score equal, bit for bit.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { generateFirmware, type FirmwareRequest } from '../../src/main/core/codegen/firmware'
import { normalizePreprocessing } from '../../src/main/core/codegen/preprocessing-header'
import { resolveTflmSdk, type TflmSdk, type TflmTarget } from '../../src/main/sim/tflm-sdk'
import { loadFirmwareTemplates } from '../../src/main/services/deploy-service'
import { firmwareResourcesDir } from '../../src/main/sim/firmware/firmware-folder'
import type { PresetId } from '../../src/shared/training'
import { runCheck, writeProject, type CheckResult } from '../helpers/firmware-check'
import { AXES, CLASSES, presetVariants, RANGES, sensorWindows, WINDOW, type ModelVariant } from '../helpers/preset-variants'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { mapLimit } from './helpers/map-limit'

const WINDOWS = sensorWindows(40, 3)
const TARGETS: TflmTarget[] = [{ kind: 'host' }, { kind: 'm4', kernels: 'reference' }, { kind: 'm4', kernels: 'cmsis-nn' }]
const preprocessing = normalizePreprocessing({ kind: 'minmax', axes: AXES, ...RANGES, windowLength: WINDOW }, { axes: [], windowLength: null })

let sdk: TflmSdk
let templates: Record<string, string>
beforeAll(async () => {
  sdk = resolveTflmSdk({ kind: 'm4', kernels: 'cmsis-nn' }, tflmSdkDir())
  resolveTflmSdk({ kind: 'host' }, sdk.dir)
  templates = await loadFirmwareTemplates(firmwareResourcesDir())
})

function request(v: ModelVariant, runtime: 'tflm' | 'c'): FirmwareRequest {
  return {
    name: v.label,
    projectName: 'firmware check',
    target: 'nano33ble',
    runtime,
    mode: 'classify',
    model: { bytes: v.bytes, graph: cgModelFromTflite(v.bytes), label: v.label },
    preprocessing,
    classes: CLASSES,
    sampleRateHz: 100,
    baud: 115200,
    templates
  }
}

/** Scores from their float32 bits. */
function floats(line: string): number[] {
  return line.split(' ').map((h) => new DataView(Uint32Array.of(parseInt(h, 16)).buffer).getFloat32(0, true))
}

describe.each(['dense', 'cnn1d', 'dscnn'] as PresetId[])('%s preset: generated TFLM firmware on every target', (preset) => {
  const variants = presetVariants(preset)
  for (const v of variants) {
    const float = v.label.endsWith('float32')
    it(`${v.label}: host, Cortex-M4 reference and CMSIS-NN ${float ? 'agree (the C runtime runs int8 only)' : 'equal the C runtime bit for bit'}`, async () => {
      const tflmDir = writeProject(generateFirmware(request(v, 'tflm')))
      const cDir = float ? null : writeProject(generateFirmware(request(v, 'c')))
      const jobs = [...TARGETS.map((target) => ({ target, dir: tflmDir })), ...(cDir ? [{ target: { kind: 'host' } as TflmTarget, dir: cDir }] : [])]
      const results: CheckResult[] = await mapLimit(jobs, 2, (j) => runCheck(sdk, j.target, j.dir, WINDOWS))
      const runs = results.slice(0, TARGETS.length)
      for (const t of runs) {
        expect(t.runtime).toBe('tflite-micro')
        expect(t.scores).toHaveLength(WINDOWS.length)
      }
      if (float) {
        // The two Cortex-M4 libraries run the same float kernels (CMSIS-NN replaces only integer
        // ones), compiled alike: bit for bit. The host differs: the SDK's Cortex-M4 libraries were
        // built with GCC's default -ffp-contract=fast, which fuses the float multiply-adds of CONV_2D,
        // DEPTHWISE_CONV_2D and FULLY_CONNECTED into VFMA (one rounding instead of two; x86-64 -O2
        // has no FMA), and SOFTMAX's expf comes from newlib instead of glibc.
        expect(runs[2].scores, 'Cortex-M4 CMSIS-NN vs reference').toEqual(runs[1].scores)
        for (const t of runs.slice(1)) {
          t.scores.forEach((line, w) => floats(line).forEach((x, c) => expect(x, `${t.program.description} window ${w}`).toBeCloseTo(floats(runs[0].scores[w])[c], 5)))
        }
        return
      }
      const c = results[TARGETS.length]
      expect(c.runtime).toBe('microforge-c')
      for (const t of runs) expect(t.scores, `${v.label} on ${t.program.description}`).toEqual(c.scores)
    })
  }
})
