/**
 * Both paths of the C runtime's fast kernels against the TypeScript interpreter (bit-exact with
 * TFLM's reference kernels), byte for byte: the DSP path (SXTB16/SMLAD) built with
 * arm-none-eabi-gcc -mcpu=cortex-m4 and run in QEMU mps2-an386, the portable C path built for a
 * Cortex-M3 (no DSP extension) and run in QEMU mps2-an385, and on the host with gcc.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fastKernelSource } from '../../src/main/core/codegen/c-fast-kernels'
import { fastRequant } from '../../src/main/core/codegen/c-fast-ops'
import { generateCRuntimeModel } from '../../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { exportModel } from '../../src/main/core/export/export-model'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import type { ModelIR } from '../../src/main/core/model/model-ir'
import { multiplyByQuantizedMultiplier } from '../../src/main/core/quant/fixed-point'
import { quantizeArray } from '../../src/main/core/quant/quantize'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { convNet, denseNet, depthwiseNet, loadPunchFlex, rng } from '../unit/core/export/models'
import { STRICT, buildHost, disassemble, repoRoot, runHost, runQemu, runtimeDir, writeFiles, type QemuCore } from './helpers/c-build'
import { dscnnPreset } from './helpers/preset-models'
import { depthwiseShaped, microSpeechShaped } from './helpers/shaped-models'

const { windows } = loadPunchFlex()
const calibration = windows.slice(0, 40)

function gestureCase(make: () => ModelIR): { bytes: Uint8Array; inputs: Int8Array[] } {
  const { bytes, report } = exportModel(make(), { mode: 'int8', representativeData: calibration })
  return { bytes, inputs: windows.slice(0, 24).map((w) => quantizeArray(w, { scale: report.input.scale!, zeroPoint: report.input.zeroPoint! })) }
}

function randomInputs(count: number, n: number, seed: number): Int8Array[] {
  const r = rng(seed)
  return Array.from({ length: count }, () => Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128))
}

const cases: Array<[string, () => { bytes: Uint8Array; inputs: Int8Array[] }, string[]]> = [
  ['dense', () => gestureCase(denseNet), ['mf_fc_s8(']],
  ['1D CNN', () => gestureCase(convNet), ['mf_fconv_body(', 'mf_fpool_s8(', 'mf_fc_s8(']],
  ['depthwise x2 + pointwise + strided SAME conv', () => gestureCase(depthwiseNet), ['mf_fdw_s8(', 'mf_fconv_body(', 'mf_fpool_s8(']],
  // 2-D depthwise: gathered patches with dilation, channels not a multiple of 4, ReLU6 (not the whole int8 range).
  ['depthwise 3x3, 6 channels, dilation 2, SAME, ReLU6', () => ({ bytes: depthwiseShaped(21, { h: 9, w: 11, inC: 6, mult: 1, fh: 3, fw: 3, stride: 1, dilation: 2, padding: 'same', activation: 'relu6' }), inputs: randomInputs(5, 9 * 11 * 6, 22) }), ['mf_fdw_s8(']],
  // Depth multiplier 3 with several input channels, SAME: gathered patches, each lane reading its input channel.
  ['depthwise 3x2, 3 channels x 3, stride 2, SAME, ReLU', () => ({ bytes: depthwiseShaped(23, { h: 7, w: 10, inC: 3, mult: 3, fh: 3, fw: 2, stride: 2, dilation: 1, padding: 'same', activation: 'relu' }), inputs: randomInputs(5, 7 * 10 * 3, 24) }), ['mf_fdw_s8(']],
  // Depth multiplier 4 over 2 input channels, read in place: each group of 4 lanes is one input channel.
  ['depthwise 2x3, 2 channels x 4, VALID', () => ({ bytes: depthwiseShaped(27, { h: 6, w: 9, inC: 2, mult: 4, fh: 2, fw: 3, stride: 1, dilation: 1, padding: 'valid', activation: 'relu' }), inputs: randomInputs(5, 6 * 9 * 2, 28) }), ['mf_fdw_s8(']],
  // Multipliers other than 1, 2 and 4k read each lane's input channel in place; 5 x 3 = 15 channels leaves a padded lane reading past the pixel.
  ['depthwise 1x4, 5 channels x 3, VALID, in place', () => ({ bytes: depthwiseShaped(29, { h: 5, w: 12, inC: 5, mult: 3, fh: 1, fw: 4, stride: 1, dilation: 1, padding: 'valid', activation: 'relu' }), inputs: randomInputs(5, 5 * 12 * 5, 30) }), ['mf_fdw_s8(']],
  ['depthwise 2x2, 2 channels x 6, stride 2, VALID', () => ({ bytes: depthwiseShaped(31, { h: 6, w: 8, inC: 2, mult: 6, fh: 2, fw: 2, stride: 2, dilation: 1, padding: 'valid', activation: 'none' }), inputs: randomInputs(5, 6 * 8 * 2, 32) }), ['mf_fdw_s8(']],
  // Every tap inside: the patch is read in place, rows apart.
  ['depthwise 3x3, 8 channels, VALID', () => ({ bytes: depthwiseShaped(25, { h: 8, w: 8, inC: 8, mult: 1, fh: 3, fw: 3, stride: 1, dilation: 1, padding: 'valid', activation: 'none' }), inputs: randomInputs(5, 8 * 8 * 8, 26) }), ['mf_fdw_s8(']],
  ['DS-CNN preset shape', () => gestureCase(dscnnPreset), ['mf_fdw_s8(', 'mf_fconv_body(', 'mf_fpool_s8(', 'mf_fmean_s8(']],
  ['micro_speech shape (depthwise, 1 input channel, stride 2, SAME)', () => ({ bytes: microSpeechShaped(), inputs: randomInputs(6, 1960, 11) }), ['mf_fconv_body(', 'mf_fc_s8(']],
  [
    'hello_world (converter model), all 256 inputs',
    () => ({ bytes: new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'models', 'hello_world_int8.tflite'))), inputs: Array.from({ length: 256 }, (_, i) => Int8Array.of(i - 128)) }),
    ['mf_fc_s8(']
  ]
]

function asBytes(x: Int8Array): Uint8Array {
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength)
}

describe('fast C kernels, every path bit for bit with the interpreter', () => {
  for (const [name, make, calls] of cases) {
    it(name, () => {
      const { bytes, inputs } = make()
      const interp = new Interpreter(parseTflite(bytes))
      const expected = inputs.map((x) => Uint8Array.from(asBytes(interp.invoke([x])[0] as Int8Array)))
      const gen = generateCRuntimeModel(cgModelFromTflite(bytes))
      const source = gen.files.find((f) => f.path === 'mf_model.c')!.contents
      for (const call of calls) expect(source, `${name} uses ${call}`).toContain(`  ${call}`)
      const dir = writeFiles(gen.files, 'mf-paths-')

      const host = runHost(buildHost(dir), concat(inputs.map(asBytes)))
      const n = expected[0].length
      expect(expected.map((_, i) => Array.from(host.subarray(i * n, (i + 1) * n)))).toEqual(expected.map((e) => Array.from(e)))

      for (const core of ['cortex-m4', 'cortex-m3'] as QemuCore[]) {
        const got = runQemu(dir, inputs.map(asBytes), core)
        expect(got.map((g) => Array.from(g)), core).toEqual(expected.map((e) => Array.from(e)))
        const asm = disassemble(path.join(dir, `io_${core}.elf`))
        // The M4 build runs the DSP path, the M3 build the portable one.
        expect(/\bsml(ad|abb)\b/.test(asm), core).toBe(core === 'cortex-m4')
      }
      // RP2040's Cortex-M0+ (Thumb-1: no DSP, no SSAT, no SMMLAR) compiles the portable path warning-free;
      // QEMU has no M0+ machine with semihosting here, so the M3 run above is the portable path's run.
      const m0 = path.join(dir, 'mf_model_m0.o')
      execFileSync('arm-none-eabi-gcc', ['-mcpu=cortex-m0plus', '-mthumb', '-Os', ...STRICT, `-I${dir}`, `-I${runtimeDir}`, '-c', path.join(dir, 'mf_model.c'), '-o', m0])
      expect(/\b(smla|smml|ssat|sxtb16)/.test(execFileSync('arm-none-eabi-objdump', ['-d', m0]).toString()), 'cortex-m0plus').toBe(false)
    }, 240_000)
  }
})

describe('mf_rq_apply compiled by gcc', () => {
  // Without flags the general path; with the model-wide facts the generator emits when they hold
  // (no left shift, every right shift rounds, full int8 range) the short one.
  const variants: Array<[string, number[], string[]]> = [
    ['general', [-1, -2, -3, -7, 0, 2], []],
    ['MF_RQ_LS0 MF_RQ_RS1 MF_RQ_FULL', [-1, -2, -3, -7, -12], ['-DMF_RQ_LS0=1', '-DMF_RQ_RS1=1', '-DMF_RQ_FULL=1']]
  ]
  for (const [name, shifts, defines] of variants) {
    it(`rounds ties exactly as MultiplyByQuantizedMultiplier (host gcc, ${name})`, () => {
      const rows: string[] = []
      const expected: number[] = []
      for (const shift of shifts) {
        for (let acc = -300; acc <= 300; acc += shift > 0 ? 7 : 1) {
          const q = fastRequant(2 ** 30, shift, -5)
          rows.push(`{${acc}, {${q.mult}, ${q.add}, ${q.ls + 1}, ${q.rs}, ${q.neg}}}`)
          expected.push(Math.max(-128, Math.min(127, multiplyByQuantizedMultiplier(acc, 2 ** 30, shift) - 5)))
        }
      }
      const dir = mkdtempSync(path.join(tmpdir(), 'mf-rq-'))
      const src = path.join(dir, 'rq.c')
      writeFileSync(
        src,
        `#include <stdint.h>\n#include <stdio.h>\n${fastKernelSource(new Set(['fc']))}\n` +
          `static const struct { int32_t acc; mf_rq q; } cases[${rows.length}] = {\n${rows.join(',\n')}\n};\n` +
          `int main(void) { int i; (void)mf_fc_s8; for (i = 0; i < ${rows.length}; ++i) printf("%d\\n", mf_rq_apply(cases[i].acc, &cases[i].q, -128, 127)); return 0; }\n`
      )
      execFileSync('gcc', [...STRICT, ...defines, '-O2', src, '-o', path.join(dir, 'rq')])
      const got = execFileSync(path.join(dir, 'rq')).toString().trim().split('\n').map(Number)
      expect(got).toEqual(expected)
    })
  }
})

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}
