/**
 * Microforge's TensorFlow Lite Micro arena estimate against TFLM itself on a 32-bit core: every
 * golden model and every preset variant, built with arm-none-eabi-g++ against the SDK's Cortex-M4F
 * reference and CMSIS-NN libraries and run in QEMU mps2-an386. The estimate of arena_used_bytes()
 * and of the smallest arena TFLM works with (AllocateTensors() and Invoke() succeed and the outputs
 * equal a 256 KiB arena's; what kTensorArenaSize is set from) must be within [1.00, 1.03] of what
 * TFLM reports: never below. Each arena size is one QEMU run, because TFLM may crash rather than
 * fail on too small an arena (helpers/arena-probe.ts). The estimate's constants are struct sizes
 * and kernel formulas, not fitted to these measurements.
 */
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { CORTEX_M_CMSIS, CORTEX_M_REFERENCE, tflmArena } from '../../src/main/core/arena/tflm-arena'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { resolveTflmSdk, type TflmKernels, type TflmSdk } from '../../src/main/sim/tflm-sdk'
import type { PresetId } from '../../src/shared/training'
import { presetVariants, type ModelVariant } from '../helpers/preset-variants'
import { repoRoot } from '../helpers/tmp'
import { tflmSdkDir } from '../helpers/tflm-sdk'
import { buildArenaProbe, measureArena } from './helpers/arena-probe'

const GOLDEN = path.join(repoRoot, 'test', 'fixtures', 'golden')
const KERNELS: TflmKernels[] = ['reference', 'cmsis-nn']

let sdk: TflmSdk
beforeAll(() => {
  sdk = resolveTflmSdk({ kind: 'm4', kernels: 'cmsis-nn' }, tflmSdkDir())
})

/** Both kernel sets at once: two QEMU runs in parallel, one per core of a CI machine. */
async function check(v: ModelVariant): Promise<void> {
  const model = parseTflite(v.bytes)
  await Promise.all(
    KERNELS.map(async (kernels) => {
      const est = tflmArena(model, kernels === 'cmsis-nn' ? CORTEX_M_CMSIS : CORTEX_M_REFERENCE)
      const tflm = await measureArena(await buildArenaProbe(sdk, v.bytes, kernels), est.requiredBytes)
      console.log(`arena ${v.label} ${kernels}: used ${tflm.used} estimate ${est.usedBytes}; smallest ${tflm.smallest} estimate ${est.requiredBytes} (${tflm.runs} QEMU runs)`)
      const where = `${v.label}, ${kernels} kernels`
      expect(est.usedBytes / tflm.used, `${where}: arena_used_bytes ${tflm.used}, estimate ${est.usedBytes}`).toBeGreaterThanOrEqual(1)
      expect(est.usedBytes / tflm.used, `${where}: arena_used_bytes ${tflm.used}, estimate ${est.usedBytes}`).toBeLessThanOrEqual(1.03)
      expect(est.requiredBytes / tflm.smallest, `${where}: smallest arena ${tflm.smallest}, estimate ${est.requiredBytes}`).toBeGreaterThanOrEqual(1)
      expect(est.requiredBytes / tflm.smallest, `${where}: smallest arena ${tflm.smallest}, estimate ${est.requiredBytes}`).toBeLessThanOrEqual(1.03)
    })
  )
}

describe('TFLM arena estimate vs TFLM on a Cortex-M4F (QEMU)', () => {
  const golden = readdirSync(GOLDEN).filter((f) => f.endsWith('.tflite')).sort()
  it('finds the golden models', () => expect(golden.length).toBeGreaterThan(10))
  for (const f of golden) {
    it(`golden ${f}`, () => check({ label: f.replace('.tflite', ''), bytes: new Uint8Array(readFileSync(path.join(GOLDEN, f))) }))
  }
  for (const name of ['hello_world_int8', 'gesture_dense_float32']) {
    it(`converter model ${name}`, () => check({ label: name, bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'models', `${name}.tflite`))) }))
  }
  for (const preset of ['dense', 'cnn1d', 'dscnn'] as PresetId[]) {
    it(`${preset} preset variants`, async () => {
      for (const v of presetVariants(preset)) await check(v)
    })
  }
})
