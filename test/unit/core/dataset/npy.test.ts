import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { npyToWindows, readNpy, writeNpy } from '../../../../src/main/core/dataset/npy'
import { repoRoot } from '../../../helpers/tmp'

const fx = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'npy', name)))
const A = [
  [-1, -0.75, -0.5],
  [-0.25, 0, 0.25],
  [0.5, 0.75, 1],
  [1.25, 1.5, 1.75]
]

describe('npy', () => {
  it('reads float32, float64, big-endian and Fortran-order files written by numpy', () => {
    for (const f of ['f32_4x3.npy', 'f64_4x3.npy', 'be_f32_4x3.npy', 'fortran_4x3.npy']) {
      const arr = readNpy(fx(f))
      expect(arr.shape).toEqual([4, 3])
      expect(npyToWindows(arr)).toEqual([A])
    }
  })

  it('reads integer files', () => {
    for (const f of ['i16_4x3.npy', 'i64_4x3.npy']) {
      expect(npyToWindows(readNpy(fx(f)))[0][3]).toEqual([125, 150, 175])
    }
  })

  it('reads a 1-D file as one axis and a 3-D file as a stack of windows', () => {
    expect(npyToWindows(readNpy(fx('one_axis_5.npy')))).toEqual([[[0], [1], [2], [3], [4]]])
    const stack = npyToWindows(readNpy(fx('stack_2x4x3.npy')))
    expect(stack).toHaveLength(2)
    expect(stack[1][0]).toEqual([9, 9.25, 9.5])
  })

  it('writes exactly what numpy.save writes for float32 (samples, axes)', () => {
    expect(Buffer.from(writeNpy(A)).equals(Buffer.from(fx('f32_4x3.npy')))).toBe(true)
    expect(npyToWindows(readNpy(writeNpy([[1.5, 2]])))).toEqual([[[1.5, 2]]])
  })

  it('rejects malformed and unsupported files with a clear message', () => {
    expect(() => readNpy(new TextEncoder().encode('aX,aY\n1,2\n'), 'x.npy')).toThrow(/x.npy is not a NumPy array file.*signature/)
    expect(() => readNpy(fx('complex.npy'))).toThrow(/not supported/)
    expect(() => readNpy(fx('obj.npy'))).toThrow(/not supported/)
    expect(() => readNpy(fx('f32_4x3.npy').subarray(0, 150))).toThrow(/fewer values/)
    expect(() => readNpy(fx('f32_4x3.npy').subarray(0, 40))).toThrow(/cut short/)
    const bad = fx('f32_4x3.npy').slice()
    bad.set(new TextEncoder().encode("'shape': (4, x)"), 45)
    expect(() => readNpy(bad)).toThrow(/malformed/)
  })
})
