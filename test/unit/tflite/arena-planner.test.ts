import { describe, expect, it } from 'vitest'
import { planArena, planGreedy, tensorLifetimes, TFLM_OVERHEAD_ESTIMATE } from '../../../src/main/core/arena-planner'
import { parseTflite } from '../../../src/main/core/tflite/reader'
import { converterModel } from '../../helpers/fixtures'
import { tinyCnn } from '../../helpers/tiny-cnn'

describe('arena planner', () => {
  it('README facts: TFLM arena_used_bytes 1184 (hello_world_int8) and 2192 (gesture_dense_float32)', () => {
    // The planned head is exact: GreedyMemoryPlanner with 16-byte alignment.
    //   hello_world: 1 B input, two 16 B hidden layers, 1 B output -> 2 x 16 B live at once = 32 B
    //   gesture: 720 B input + 200 B (-> 208) hidden while the first layer runs = 928 B
    // The persistent tail (TfLiteEvalTensors, nodes, OpData, allocator objects) is an estimate
    // whose fixed and per-operator constants were calibrated on these same two measurements, so
    // matching them exactly is by construction; on other models expect the tail to be off by
    // roughly the kernel OpData differences (tens of bytes per op) and by pointer width (32-bit
    // Cortex-M tails are smaller than on the 64-bit host where the README numbers were measured).
    const hello = planArena(parseTflite(converterModel('hello_world_int8')))
    expect(hello.tflm.plannedBytes).toBe(32)
    expect(hello.tflm.overheadEstimateBytes).toBe(1152)
    expect(hello.tflm.totalEstimateBytes).toBe(1184)
    const gesture = planArena(parseTflite(converterModel('gesture_dense_float32')))
    expect(gesture.tflm.plannedBytes).toBe(928)
    expect(gesture.tflm.totalEstimateBytes).toBe(2192)
    expect(TFLM_OVERHEAD_ESTIMATE.perTensor).toBe(24)
  })

  it('our C runtime needs only the activations, 4-byte aligned', () => {
    const gesture = planArena(parseTflite(converterModel('gesture_dense_float32')))
    expect(gesture.runtime.bytes).toBe(720 + 200)
    expect(gesture.flashBytes).toBe(40964)
    const hello = planArena(parseTflite(converterModel('hello_world_int8')))
    expect(hello.runtime.bytes).toBe(32)
  })

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
      expect(report.runtime.bytes).toBeLessThanOrEqual(report.tflm.plannedBytes)
    }
  })

  it('plans kernel scratch for int8 MEAN and places the largest buffers first', () => {
    const sg = parseTflite(tinyCnn('int8')).subgraphs[0]
    const lifetimes = tensorLifetimes(sg)
    expect(lifetimes.some((l) => l.tensor === -1 && /MEAN/.test(l.name))).toBe(true)
    const layout = planGreedy(
      [
        { tensor: 0, name: 'a', size: 100, firstOp: 0, lastOp: 1 },
        { tensor: 1, name: 'b', size: 48, firstOp: 1, lastOp: 2 },
        { tensor: 2, name: 'c', size: 100, firstOp: 2, lastOp: 3 }
      ],
      4
    )
    // a and c never live together, so they share offset 0; b sits above them.
    expect(layout.bytes).toBe(148)
    expect(layout.buffers.find((x) => x.name === 'c')?.offset).toBe(0)
  })
})
