import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseLabelledCsv } from '../../../src/main/core/dataset/labelled-csv'
import { scanImport } from '../../../src/main/services/dataset-import'
import { readRecordings, scanFile } from '../../../src/main/services/import-readers'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('microforge-csv-stream-')
afterAll(() => tmp.cleanup())

/** 20,000 rows (~0.5 MB, more than the 256 KB head) of label,t,aX,aY. */
function rows(eol: string, bad?: { line: number; text: string }): string {
  const out = ['\uFEFFlabel,t,aX,aY']
  for (let k = 0; k < 20_000; k++) out.push(`${k < 12_000 ? 'wave' : 'idle'},${k * 10},${(k % 17) / 10},${-(k % 5)}`)
  if (bad) out[bad.line - 1] = bad.text
  return out.join(eol) + eol
}

/** A file read as the import reads it: a first pass, then each recording with its samples. */
async function readCsv(file: string, name: string): Promise<{ axes: string[]; windows: { label: string; values: number[][]; split: string | null; rateHz: number | null }[] }> {
  const scanned = await scanFile({ path: file, file: name, format: 'csv', label: 'unused' }, {}, [])
  const windows = []
  for await (const r of readRecordings(scanned)) windows.push({ label: r.label, values: r.values, split: r.split, rateHz: r.rateHz })
  return { axes: scanned.axes, windows }
}

describe('CSV read as a stream of lines', () => {
  it('gives what the whole-text parser gives, for \\n, \\r\\n and \\r line endings', async () => {
    for (const eol of ['\n', '\r\n', '\r']) {
      const file = path.join(tmp.dir, `rows-${eol.length}-${eol.charCodeAt(0)}.csv`)
      writeFileSync(file, rows(eol))
      const streamed = await readCsv(file, 'rows.csv')
      const whole = parseLabelledCsv(rows(eol), { name: 'rows.csv' })
      expect(streamed).toEqual({ axes: whole.axes, windows: whole.windows })
      expect(streamed.windows.map((w) => [w.label, w.values.length, w.rateHz])).toEqual([['wave', 12_000, 100], ['idle', 8_000, 100]])
    }
  })

  it('names the line of a bad number or a short row far past the first chunk; a short row anywhere is named first', async () => {
    const file = path.join(tmp.dir, 'bad.csv')
    writeFileSync(file, rows('\n', { line: 19_000, text: 'idle,189980,1e999,0' }))
    await expect(readCsv(file, 'bad.csv')).rejects.toThrow('Line 19000 of bad.csv, column 3: not a finite number.')
    const both = rows('\n', { line: 19_000, text: 'idle,189980,1e999,0' }).split('\n')
    both[19_500 - 1] = 'idle,195000,1'
    writeFileSync(file, both.join('\n'))
    await expect(readCsv(file, 'bad.csv')).rejects.toThrow('Line 19500 of bad.csv has 3 columns, the header has 4.')
  })

  it('detects the IMU_Capture layout from a blank line past the first 256 KB', async () => {
    const lines = ['aX,aY,aZ,gX,gY,gZ']
    for (let k = 0; k < 14_000; k++) lines.push(`${k % 7}.5,0.25,-1.5,10,20,30`)
    lines.splice(13_000, 0, '') // ~300 KB in
    const file = path.join(tmp.dir, 'punch.csv')
    writeFileSync(file, lines.join('\n') + '\n')
    const loaded = await scanImport([file], {}, [])
    expect(loaded.files[0].format).toBe('imu-capture')
    writeFileSync(file, lines.filter((l) => l !== '').join('\n') + '\n')
    expect((await scanImport([file], {}, [])).files[0].format).toBe('csv')
  })
})
