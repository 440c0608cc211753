import { describe, expect, it } from 'vitest'
import { MicroforgeError } from '../../../../src/shared/errors'
import { npyToWindows } from '../../../../src/main/core/dataset/npy'
import { rowsOf } from '../../../../src/main/core/dataset/window-rows'

describe('rowsOf: one window cut into rows, for every reader', () => {
  it('cuts row-major values into rows of `axes` and drops a partial last row', () => {
    expect(rowsOf(new Float64Array([1, 2, 3, 4, 5, 6, 7]), 3)).toEqual([[1, 2, 3], [4, 5, 6]])
    expect(rowsOf(new Float64Array([]), 2)).toEqual([])
  })

  it('refuses 0 axes with a clear error instead of looping forever', () => {
    const err = (() => {
      try {
        rowsOf(new Float64Array([1, 2]), 0, 'gestures.npy')
      } catch (e) {
        return e
      }
      return null
    })()
    expect(err).toBeInstanceOf(MicroforgeError)
    expect((err as MicroforgeError).message).toBe('gestures.npy has 0 sensor axes per sample; a window needs at least one.')
    expect((err as MicroforgeError).hint).toMatch(/at least one sensor column/)
  })

  it('a .npy shaped (samples, 0) gets the same error, naming the file', () => {
    expect(() => npyToWindows({ shape: [3, 0], data: new Float64Array(0), dtype: '<f4' }, 'flat.npy')).toThrow('flat.npy has 0 sensor axes per sample')
  })
})
