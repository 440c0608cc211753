/**
 * TFLM's golden vectors (test/fixtures/golden) through the C runtime's DSP path: the generated
 * kernels built with arm-none-eabi-gcc -mcpu=cortex-m4 (SXTB16/SMLAD) and run in QEMU mps2-an386,
 * every int8 golden bit for bit. golden.test.ts runs the same goldens through the portable path
 * on the host.
 */
import { describe, expect, it } from 'vitest'
import { generateCRuntimeModel } from '../../src/main/core/codegen/c-runtime'
import { cgModelFromTflite } from '../../src/main/core/codegen/graph'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { loadGoldens, typedValues } from '../golden/golden-file'
import { runQemu, writeFiles } from './helpers/c-build'

const goldens = loadGoldens().filter((g) => parseTflite(g.tflite).subgraphs[0].tensors.some((t) => t.type === 'INT8'))

const bytesOf = (v: ArrayBufferView): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)

describe('golden vectors from TensorFlow Lite Micro, C runtime on an emulated Cortex-M4 (DSP path)', () => {
  it.each(goldens.map((g) => [g.name, g] as const))('%s', (_name, g) => {
    const dir = writeFiles(generateCRuntimeModel(cgModelFromTflite(g.tflite)).files, 'mf-golden-m4-')
    const got = runQemu(dir, g.cases.map((c) => Uint8Array.from(bytesOf(typedValues(g.input.type, c.input)))), 'cortex-m4')
    expect(got.map((b) => Array.from(b))).toEqual(g.cases.map((c) => Array.from(bytesOf(typedValues(g.output.type, c.output)))))
  }, 120_000)
})
