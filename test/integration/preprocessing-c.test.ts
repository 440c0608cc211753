/**
 * The preprocessing firmware runs (preprocessing.h, compiled by g++ as the firmware templates are)
 * against applyPreprocessing, which feeds training, evaluation and Optimize: every input value the
 * model sees must have the same float32 bits, for each method and for reordered axes.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { generatePreprocessingHeader, normalizePreprocessing, SENSOR_CHANNELS } from '../../src/main/core/codegen/preprocessing-header'
import { applyPreprocessing, fitPreprocessing } from '../../src/main/core/train/preprocess'
import { mulberry32 } from '../../src/main/core/train/rng'
import type { Preprocessing } from '../../src/shared/training'
import { tempDir } from '../helpers/tmp'

const AXES = [...SENSOR_CHANNELS]
const T = 37

/** Raw float32 sensor windows: a held sensor (offsets that differ per window) plus motion and noise. */
function rawWindows(n: number, seed: number): number[][][] {
  const r = mulberry32(seed)
  return Array.from({ length: n }, () => {
    const tilt = [r() * 2 - 1, r() * 2 - 1, 0.3 + r(), r() * 40 - 20, r() * 40 - 20, r() * 40 - 20]
    return Array.from({ length: T }, (_, t) => AXES.map((_, a) => Math.fround(tilt[a] + Math.sin(t / 3 + a) * (a < 3 ? 0.3 : 90) * r() + (r() - 0.5) * 0.01)))
  })
}

const HARNESS = `#include <stdio.h>
#include "preprocessing.h"
int main() {
  float s[6];
  float window[MF_INPUT_VALUES];
  for (;;) {
    for (int t = 0; t < MF_WINDOW_LENGTH; ++t) {
      if (fread(s, sizeof(float), 6, stdin) != 6) return 0;
      for (int a = 0; a < MF_AXIS_COUNT; ++a) window[t * MF_AXIS_COUNT + a] = mf_preprocess(s, a);
    }
    mf_preprocess_window(window);
    fwrite(window, sizeof(float), MF_INPUT_VALUES, stdout);
  }
}
`

const tmp = tempDir('mf-preprocess-')
afterAll(() => tmp.cleanup())

function runFirmwarePreprocessing(p: Preprocessing, windows: number[][][], name: string): Float32Array {
  const dir = path.join(tmp.dir)
  const header = generatePreprocessingHeader(normalizePreprocessing(p as unknown as Record<string, unknown>, { axes: p.axes, windowLength: p.windowLength }), { classes: ['a', 'b'], sampleRateHz: 100 })
  writeFileSync(path.join(dir, 'preprocessing.h'), header.contents)
  writeFileSync(path.join(dir, 'harness.cpp'), HARNESS)
  const bin = path.join(dir, `harness-${name}`)
  execFileSync('g++', ['-O2', '-Wall', '-Wextra', '-Wno-unused-variable', `-I${dir}`, path.join(dir, 'harness.cpp'), '-o', bin])
  const input = Float32Array.from(windows.flatMap((w) => w.flatMap((row) => row)))
  const out = execFileSync(bin, [], { input: new Uint8Array(input.buffer) })
  return new Float32Array(out.buffer, out.byteOffset, out.byteLength / 4)
}

describe('preprocessing.h and applyPreprocessing, bit for bit', () => {
  const train = rawWindows(24, 1)
  // Unseen windows: the recipe's statistics come from the others.
  const test = rawWindows(9, 2)
  const cases: Array<[string, Preprocessing]> = [
    ['fixed-range', fitPreprocessing({ method: 'fixed-range' }, AXES, train, T)],
    ['zscore', fitPreprocessing({ method: 'zscore' }, AXES, train, T)],
    ['window-offset', fitPreprocessing({ method: 'window-offset' }, AXES, train, T)],
    ['window-offset, reordered axes', fitPreprocessing({ method: 'window-offset', axes: ['gZ', 'aX', 'aZ'] }, AXES, train, T)]
  ]
  it.each(cases)('%s', (name, p) => {
    const c = runFirmwarePreprocessing(p, test, name.replace(/\W+/g, '-'))
    const ts = applyPreprocessing(p, AXES, test)
    expect(c.length).toBe(ts.length)
    const cBits = new Uint32Array(c.buffer.slice(c.byteOffset, c.byteOffset + c.byteLength))
    const tsBits = new Uint32Array(ts.buffer)
    const differing = tsBits.reduce((n, b, i) => n + (b === cBits[i] ? 0 : 1), 0)
    expect(differing).toBe(0)
    if (p.removeWindowMean) {
      // The window's own offset is gone: each axis averages to (nearly) zero in every window.
      const C = p.axes.length
      for (let a = 0; a < C; a++) {
        let s = 0
        for (let t = 0; t < T; t++) s += ts[t * C + a]
        expect(Math.abs(s / T)).toBeLessThan(1e-5)
      }
    }
  })
})
