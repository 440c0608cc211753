import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { planGreedy } from '../../../../src/main/core/arena/greedy-plan'
import { CORTEX_M_CMSIS, CORTEX_M_REFERENCE, tflmArena } from '../../../../src/main/core/arena/tflm-arena'
import { opArena } from '../../../../src/main/core/arena/tflm-kernels'
import { planArena, tflmTargetOf } from '../../../../src/main/core/arena/arena-planner'
import { cgModelFromTflite } from '../../../../src/main/core/codegen/graph'
import { generateOpResolver, tflmArenaSize } from '../../../../src/main/core/codegen/op-resolver'
import { estimateTflm } from '../../../../src/main/core/codegen/tflm-estimate'
import { parseTflite } from '../../../../src/main/core/tflite/reader'
import { converterModel } from '../../../helpers/fixtures'
import { tinyCnn } from '../../../helpers/tiny-cnn'
import { repoRoot } from '../../../helpers/tmp'

// The estimate is checked against TFLM itself in QEMU by test/tflm/arena.test.ts (npm run test:tflm).
describe('TFLM arena estimate', () => {
  it('hello_world_int8 on a Cortex-M4F: 676 B with reference kernels, 772 B with CMSIS-NN, as the SDK README measured', () => {
    // Not a model the struct sizes or kernel formulas were read from: an independent check.
    const model = parseTflite(converterModel('hello_world_int8'))
    const ref = tflmArena(model, CORTEX_M_REFERENCE)
    const cmsis = tflmArena(model, CORTEX_M_CMSIS)
    expect(ref.headBytes).toBe(32)
    expect(ref.usedBytes).toBe(676)
    expect(cmsis.usedBytes).toBe(772)
    // AllocateTensors() plans in the free space, so it needs more than it finally uses.
    expect(ref.requiredBytes).toBeGreaterThan(ref.usedBytes)
    expect(ref.requiredBytes % 16).toBe(0)
  })

  it('CMSIS-NN asks for im2col scratch for a non-1x1 int8 convolution, reference kernels for none', () => {
    const sg = parseTflite(tinyCnn('int8')).subgraphs[0]
    const convs = sg.operators.filter((o) => o.builtin === 'CONV_2D')
    expect(convs.length).toBeGreaterThan(0)
    for (const op of convs) {
      const filter = sg.tensors[op.inputs[1]]
      const [, kh, kw, cin] = filter.shape
      const cmsis = opArena(sg, op, 'cmsis-nn', { shortEnums: true })
      const ref = opArena(sg, op, 'reference', { shortEnums: true })
      expect(ref.scratch).toEqual([])
      // arm_convolve_s8_get_buffer_size (DSP): two im2col columns of int16, the column padded to 4.
      expect(cmsis.scratch).toEqual(kh * kw === 1 ? [] : [2 * (Math.ceil((kh * kw * cin) / 4) * 4) * 2])
      // Per-channel multipliers and shifts: one int32 each per output channel, either kernel set.
      expect(ref.prepare).toEqual([4 * filter.shape[0], 4 * filter.shape[0]])
    }
  })

  it('uses CMSIS-NN for the Cortex-M4F boards and reference kernels with 4-byte enums for the ESP32', () => {
    expect(tflmTargetOf('nano33ble').kernels).toBe('cmsis-nn')
    expect(tflmTargetOf('stm32f4').kernels).toBe('cmsis-nn')
    expect(tflmTargetOf('esp32')).toEqual({ kernels: 'reference', abi: { shortEnums: false } })
    const model = parseTflite(converterModel('hello_world_int8'))
    // Xtensa's TfLiteFullyConnectedParams is 16 bytes where Arm's is 5.
    expect(planArena(model, tflmTargetOf('esp32')).tflm.totalEstimateBytes).toBeGreaterThan(planArena(model, CORTEX_M_REFERENCE).tflm.totalEstimateBytes)
  })
})

describe('kTensorArenaSize', () => {
  it('holds with either kernel set a Cortex-M board may link, and reports arena_used_bytes for the board\'s own', () => {
    // float32 depthwise: the reference kernels need more than CMSIS-NN; int8: CMSIS-NN needs more.
    for (const [name, larger] of [['depthwise_float32', 'reference'], ['depthwise_int8', 'cmsis-nn']]) {
      const bytes = new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'golden', `${name}.tflite`)))
      const model = parseTflite(bytes)
      const ref = tflmArena(model, CORTEX_M_REFERENCE)
      const cmsis = tflmArena(model, CORTEX_M_CMSIS)
      expect(Math.max(ref.requiredBytes, cmsis.requiredBytes), name).toBe((larger === 'reference' ? ref : cmsis).requiredBytes)
      expect(ref.requiredBytes, name).not.toBe(cmsis.requiredBytes)
      for (const board of ['nano33ble', 'stm32f4', 'pico'] as const) {
        const est = estimateTflm(cgModelFromTflite(bytes), bytes, board)
        expect(est.requiredByKernels).toEqual({ reference: ref.requiredBytes, 'cmsis-nn': cmsis.requiredBytes })
        expect(tflmArenaSize(est)).toBe(Math.max(ref.requiredBytes, cmsis.requiredBytes))
        expect(est.arenaBytes).toBe(tflmArena(model, tflmTargetOf(board)).usedBytes)
        expect(generateOpResolver(cgModelFromTflite(bytes), est).contents).toContain(`kTensorArenaSize = ${Math.max(ref.requiredBytes, cmsis.requiredBytes)};`)
      }
      // The ESP32 build: reference kernels only, with Xtensa's 4-byte enums.
      const esp = estimateTflm(cgModelFromTflite(bytes), bytes, 'esp32')
      expect(Object.keys(esp.requiredByKernels)).toEqual(['reference'])
      expect(tflmArenaSize(esp)).toBe(tflmArena(model, tflmTargetOf('esp32')).requiredBytes)
    }
  })
})

describe('greedy planner', () => {
  it('never overlaps two buffers that are alive at the same time', () => {
    for (const bytes of [tinyCnn('int8'), tinyCnn('float32'), converterModel('gesture_dense_float16')]) {
      const report = planArena(parseTflite(bytes))
      for (const layout of [report.tflm.layout, report.runtime]) {
        const b = layout.buffers
        for (let i = 0; i < b.length; i++) {
          expect(b[i].offset % layout.alignment).toBe(0)
          expect(b[i].offset + b[i].size).toBeLessThanOrEqual(layout.bytes)
          for (let j = i + 1; j < b.length; j++) {
            const timeOverlap = b[i].firstOp <= b[j].lastOp && b[j].firstOp <= b[i].lastOp
            const spaceOverlap = b[i].offset < b[j].offset + b[j].size && b[j].offset < b[i].offset + b[i].size
            expect(timeOverlap && spaceOverlap, `${b[i].name} and ${b[j].name}`).toBe(false)
          }
        }
      }
      // The C runtime needs no kernel scratch and no bookkeeping.
      expect(report.runtime.bytes).toBeLessThanOrEqual(report.tflm.plannedBytes)
    }
  })

  it('places the largest buffers first and, like TFLM, the later of two equal buffers first', () => {
    const layout = planGreedy(
      [
        { id: 0, name: 'a', size: 100, firstOp: 0, lastOp: 1 },
        { id: 1, name: 'b', size: 48, firstOp: 1, lastOp: 2 },
        { id: 2, name: 'c', size: 100, firstOp: 1, lastOp: 3 }
      ],
      4
    )
    expect(layout.bytes).toBe(248)
    expect(layout.buffers.find((x) => x.name === 'c')?.offset).toBe(0)
    expect(layout.buffers.find((x) => x.name === 'a')?.offset).toBe(100)
    expect(layout.buffers.find((x) => x.name === 'b')?.offset).toBe(200)
  })
})
