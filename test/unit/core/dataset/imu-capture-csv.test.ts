import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseImuCaptureCsv } from '../../../../src/main/core/dataset/imu-capture-csv'
import { MicroforgeError } from '../../../../src/shared/errors'
import { PUNCH_FLEX_DIR } from '../../../helpers/fixtures'

const fixture = (name: string): string => readFileSync(path.join(PUNCH_FLEX_DIR, name), 'utf8')

describe('parseImuCaptureCsv', () => {
  it('reads the real MPU6050 punch capture: 17 windows of 30 x 6', () => {
    const { axes, windows } = parseImuCaptureCsv(fixture('punch.csv'))
    expect(axes).toEqual(['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'])
    expect(windows).toHaveLength(17)
    for (const w of windows) {
      expect(w).toHaveLength(30)
      for (const row of w) expect(row).toHaveLength(6)
    }
    expect(windows[0][0]).toEqual([0.017, -1.43, -0, 126.771, 463.763, -37.985])
  })

  it('reads the real MPU6050 flex capture: 43 windows of 30 x 6', () => {
    const { windows } = parseImuCaptureCsv(fixture('flex.csv'))
    expect(windows).toHaveLength(43)
    expect(windows.every((w) => w.length === 30 && w.every((r) => r.length === 6))).toBe(true)
    expect(windows[0][0]).toEqual([0.857, 1.691, 0.156, -94.069, 48.079, 73.877])
  })

  it('takes the window length from the file, LF or CRLF, several blank lines', () => {
    const text = 'aX,aY,aZ\n1,2,3\n4,5,6\n\n\n7,8,9\n'
    expect(parseImuCaptureCsv(text)).toEqual({ axes: ['aX', 'aY', 'aZ'], windows: [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9]]] })
    expect(parseImuCaptureCsv(text.replace(/\n/g, '\r\n'))).toEqual(parseImuCaptureCsv(text))
  })

  it('names axes by convention without a header, and accepts a header repeated per gesture', () => {
    expect(parseImuCaptureCsv('1,2,3\n').axes).toEqual(['aX', 'aY', 'aZ'])
    const r = parseImuCaptureCsv('x,y\n1,2\nx,y\n3,4\n')
    expect(r.windows).toEqual([[[1, 2]], [[3, 4]]])
  })

  it('rejects NaN, wrong column counts and empty files with the line number', () => {
    expect(() => parseImuCaptureCsv('aX,aY\n1,nan\n')).toThrow(/Line 2/)
    expect(() => parseImuCaptureCsv('aX,aY\n1,2,3\n')).toThrow(/3 columns, expected 2/)
    expect(() => parseImuCaptureCsv('aX,aY\n\n')).toThrow(MicroforgeError)
  })
})
