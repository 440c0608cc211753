import { describe, expect, it } from 'vitest'
import { exportCsv, exportNpyTree, safeName } from '../../../../src/main/core/dataset/dataset-export'
import { splitCsvLine } from '../../../../src/main/core/dataset/csv-columns'
import { parseLabelledCsv } from '../../../../src/main/core/dataset/labelled-csv'
import { npyToWindows, readNpy } from '../../../../src/main/core/dataset/npy'
import { MicroforgeError } from '../../../../src/shared/errors'

describe('parseLabelledCsv', () => {
  it('reads a label column; windows end where the label changes or at blank lines', () => {
    const r = parseLabelledCsv('aX,aY,label\n1,2,wave\n3,4,wave\n5,6,punch\n\n7,8,punch\n')
    expect(r.axes).toEqual(['aX', 'aY'])
    expect(r.windows.map((w) => [w.label, w.values.length])).toEqual([
      ['wave', 2],
      ['punch', 1],
      ['punch', 1]
    ])
  })

  it('uses a window id column, or an index column that restarts', () => {
    const ids = parseLabelledCsv('window,class,x\n7,a,1\n7,a,2\n8,a,3\n8,a,4\n')
    expect(ids.windows.map((w) => w.values)).toEqual([[[1], [2]], [[3], [4]]])
    const idx = parseLabelledCsv('sample,class,x\n0,a,1\n1,a,2\n0,a,3\n1,a,4\n')
    expect(idx.windows.map((w) => w.values)).toEqual([[[1], [2]], [[3], [4]]])
  })

  it('reads a timestamp column: excluded from axes, gives the rate, a step back starts a window', () => {
    const r = parseLabelledCsv('time_ms,aX,aY,aZ\n0,1,2,3\n20,1,2,3\n40,1,2,3\n0,4,5,6\n20,4,5,6\n', { label: 'flex' })
    expect(r.axes).toEqual(['aX', 'aY', 'aZ'])
    expect(r.windows).toHaveLength(2)
    expect(r.windows[0]).toMatchObject({ label: 'flex', rateHz: 50 })
    const us = parseLabelledCsv('micros,x\n0,1\n1000,2\n', { label: 'a' })
    expect(us.windows[0].rateHz).toBe(1000)
  })

  it('reads a phone-style recording: time columns are clocks, never axes; a numeric y is an axis, not a label', () => {
    const rows = ['t,tRel,x,y,z,alpha,beta,gamma']
    for (let i = 0; i < 120; i++) {
      const t = 1733300000000 + Math.round(i * 16.667)
      rows.push(`${t},${(i / 60).toFixed(3)},${(0.1 * i).toFixed(3)},${(-0.05 * i).toFixed(3)},0.98,${i},${-i},${2 * i}`)
    }
    const r = parseLabelledCsv(rows.join('\n'), { label: 'circle', name: 'rec1.csv' })
    expect(r.timeColumns).toEqual(['t', 'tRel'])
    expect(r.axisColumns).toEqual(['x', 'y', 'z', 'alpha', 'beta', 'gamma'])
    // Accelerometer axes by default; orientation angles only when picked.
    expect(r.axes).toEqual(['x', 'y', 'z'])
    expect(r.windows).toHaveLength(1)
    expect(r.windows[0]).toMatchObject({ label: 'circle' })
    expect(r.windows[0].values).toHaveLength(120)
    expect(r.windows[0].rateHz).toBeGreaterThan(59.5)
    expect(r.windows[0].rateHz).toBeLessThan(60.5)
    const all = parseLabelledCsv(rows.join('\n'), { label: 'circle', axes: ['gamma', 'x'] })
    expect(all.windows[0].values[3]).toEqual([6, 0.3])
    expect(() => parseLabelledCsv(rows.join('\n'), { axes: ['x'] })).toThrow(/no label column/)
    expect(() => parseLabelledCsv(rows.join('\n'), { label: 'a', axes: ['t'] })).toThrow(/no axis column "t"/)
  })

  it('explains what is wrong', () => {
    expect(() => parseLabelledCsv('aX,aY\n1,2\n')).toThrow(/no label column/)
    expect(() => parseLabelledCsv('aX,label\n1,a\n2\n')).toThrow(/Line 3.*1 columns, the header has 2/)
    expect(() => parseLabelledCsv('aX,label\nnan,a\n')).toThrow(MicroforgeError)
    expect(() => parseLabelledCsv('\n\n')).toThrow(/empty/)
  })

  it('splits quoted cells', () => {
    expect(splitCsvLine('"a, b",1,"say ""hi"""')).toEqual(['a, b', '1', 'say "hi"'])
    expect(splitCsvLine('1\t2')).toEqual(['1', '2'])
    expect(splitCsvLine(' 1  2 ')).toEqual(['1', '2'])
  })
})

describe('export', () => {
  const windows = [
    { id: 'w1', label: 'wave', split: 'train' as const, axes: ['aX', 'aY'], values: [[1, 2], [3, 4]] },
    { id: 'w2', label: 'punch, hard', split: 'test' as const, axes: ['aX', 'aY'], values: [[5, 6], [7, 8]] }
  ]

  it('writes CSV that reads back with labels and splits', () => {
    const back = parseLabelledCsv(exportCsv(windows))
    expect(back.axes).toEqual(['aX', 'aY'])
    expect(back.windows.map((w) => [w.label, w.split, w.values])).toEqual(windows.map((w) => [w.label, w.split, w.values]))
  })

  it('writes data/<class>/<id>.npy float32 files', () => {
    const files = exportNpyTree(windows)
    expect(files.map((f) => f.path)).toEqual(['data/wave/w1.npy', 'data/punch, hard/w2.npy'])
    expect(npyToWindows(readNpy(files[1].bytes))).toEqual([[[5, 6], [7, 8]]])
    expect(safeName('../a/b')).toBe('__a_b')
    expect(safeName('..')).toBe('_')
  })
})
