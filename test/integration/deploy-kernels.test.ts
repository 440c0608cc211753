/**
 * Golden vectors shared with the TypeScript kernels: the C runtime's fixed-point multiply and its
 * int8 softmax (gemmlowp exp and reciprocal) against the interpreter's, on random inputs that
 * include the edges (INT32_MIN, saturation, every shift).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { softmaxParams } from '../../src/main/core/codegen/fixed-point'
import { multiplyByQuantizedMultiplier } from '../../src/main/core/quant/fixed-point'
import { softmaxInt8, softmaxInt8Params } from '../../src/main/core/quant/kernels/softmax'
import { rng } from '../unit/core/export/models'
import { fixturesDir, runtimeDir, STRICT } from './helpers/c-build'

let bin: string
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-kernels-'))
  bin = path.join(dir, 'kernel_main')
  execFileSync('gcc', [...STRICT, '-O2', `-I${runtimeDir}`, path.join(fixturesDir, 'kernel_main.c'), path.join(runtimeDir, 'mf_runtime.c'), '-o', bin])
})

describe('C runtime kernels on golden vectors', () => {
  it('MultiplyByQuantizedMultiplier: 20000 random (x, multiplier, shift) and the edges', () => {
    const r = rng(7)
    const triples: number[][] = [
      [-2147483648, 2147483647, 0],
      [-2147483648, 1073741824, -31],
      [2147483647, 2147483647, 0],
      [0, 1 << 30, 5],
      [-1, 1 << 30, -1]
    ]
    for (let i = 0; i < 20000; i++) {
      const mult = (1 << 30) + Math.floor(r() * (2 ** 30 - 1))
      const shift = -31 + Math.floor(r() * 39)
      // Small accumulators for positive shifts so x << shift stays defined, as in real models.
      const range = shift > 0 ? 2 ** (30 - shift) : 2 ** 31 - 1
      triples.push([Math.floor((r() * 2 - 1) * range), mult, shift])
    }
    const out = new Int32Array(new Uint8Array(execFileSync(bin, ['mbqm'], { input: new Uint8Array(Int32Array.from(triples.flat()).buffer) })).buffer)
    let same = 0
    triples.forEach(([x, m, s], i) => {
      if (out[i] === multiplyByQuantizedMultiplier(x, m, s)) same++
    })
    expect(same).toBe(triples.length)
  })

  // Expected [multiplier, left shift, diff_min]: TFLM's SoftmaxPrepare (PreprocessSoftmaxScaling with
  // 5 integer bits, QuantizeMultiplierGreaterThanOne, CalculateInputRadius) worked out by hand for
  // the float32 scale a model stores, not by the code under test.
  const SOFTMAX_CASES: Array<[number, number, [number, number, number]]> = [
    [0.0625, 2, [1073741824, 23, -248]],
    [0.1, 10, [1717986944, 23, -248]],
    [0.0039, 64, [2144047616, 18, -7936]],
    [0.5, 5, [1073741824, 26, -31]],
    [1.7, 3, [1825361152, 27, -15]]
  ]
  for (const [written, depth, expected] of SOFTMAX_CASES) {
    it(`int8 softmax, input scale ${written}, depth ${depth}: TFLM's parameters, then 500 random rows`, () => {
      const scale = Math.fround(written)
      const mine = softmaxParams(1, scale)
      expect([mine.multiplier, mine.leftShift, mine.diffMin]).toEqual(expected)
      const theirs = softmaxInt8Params(1, scale, 1, depth)
      expect([theirs.inputMultiplier, theirs.inputLeftShift, theirs.diffMin]).toEqual(expected)
      const r = rng(depth * 31)
      const rows = Array.from({ length: 500 }, (_, k) => Int8Array.from({ length: depth }, () => (k === 0 ? 127 : Math.floor(r() * 256) - 128)))
      const input = new Int8Array(rows.length * depth)
      rows.forEach((row, k) => input.set(row, k * depth))
      const c = new Int8Array(new Uint8Array(execFileSync(bin, ['softmax', String(depth), String(mine.multiplier), String(mine.leftShift), String(mine.diffMin)], { input: new Uint8Array(input.buffer) })).buffer)
      const ts = new Int8Array(depth)
      let same = 0
      rows.forEach((row, k) => {
        softmaxInt8({ ...theirs, rows: 1 }, row, ts)
        if (ts.every((v, j) => v === c[k * depth + j])) same++
      })
      expect(same).toBe(rows.length)
    })
  }
})
