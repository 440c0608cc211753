/**
 * Issue #17 (streaming import): the two-pass import must give the project the in-memory import
 * gave. import-golden.json was written by the in-memory import (the code before the two-pass
 * importer, `MICROFORGE_WRITE_IMPORT_GOLDEN=1`) on the fixture datasets and on labelled CSVs this
 * test writes: per window, in import order, its label, split, rate, source, axes and a hash of its
 * values; per import, what previewImport said first, the result (classes, window, hop, rate, report) and the project's signal and
 * classes; for the refused imports, the message.
 */
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { ImportOptions } from '../../../src/shared/contract/dataset'
import type { SignalPatch } from '../../../src/shared/signal'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { readProjectFile } from '../../../src/main/storage/project-store'
import { readSamples } from '../../../src/main/storage/samples'
import { fixturesDir, PUNCH_FLEX_DIR } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('microforge-import-golden-')
afterAll(() => tmp.cleanup())

const GOLDEN = path.join(fixturesDir, 'import-golden', 'import-golden.json')
const generated = path.join(fixturesDir, 'datasets', 'generated')
const phone = path.join(generated, 'phone-gestures')
const nanoPunch = path.join(generated, 'nano33-119hz', 'punch.csv')

/** A deterministic wave: no Math.random, so the file is the same every run. */
const v = (k: number, a: number): string => (Math.sin(k * 0.37 + a) * (1 + a) + ((k * 7 + a * 3) % 11) / 100).toFixed(4)

/** label,window,t,aX,aY,aZ,split: window ids that repeat, a time column (100 Hz), blank lines between some recordings. */
function idCsv(): string {
  const out = ['label,window,t,aX,aY,aZ,split']
  const classes = ['idle', 'wave', 'punch']
  let t = 0
  for (let w = 0; w < 14; w++) {
    const n = 60 + ((w * 37) % 90)
    for (let k = 0; k < n; k++) {
      out.push(`${classes[w % 3]},${100 + w},${t},${v(k + w, 0)},${v(k, 1)},${v(k, 2)},${w % 5 === 4 ? 'test' : 'train'}`)
      t += 10
    }
    if (w % 4 === 3) out.push('')
  }
  return out.join('\n') + '\n'
}

/** Window indices that restart, no time column, a label column of words. */
function indexCsv(): string {
  const out = ['gesture;index;aX;aY']
  for (let w = 0; w < 9; w++) for (let k = 0; k < 30 + w * 11; k++) out.push(`${w % 2 ? 'left' : 'right'};${k};${v(k, w)};${v(k + 3, 1)}`)
  return out.join('\r\n') + '\r\n'
}

interface Scenario {
  name: string
  signal?: SignalPatch
  files: () => string[]
  options: ImportOptions
}

function write(name: string, text: string): string {
  const file = path.join(tmp.dir, 'in', name)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
  return file
}

function npyFolder(): string {
  const dir = path.join(tmp.dir, 'in', 'npy', 'wave')
  mkdirSync(dir, { recursive: true })
  for (const f of ['stack_2x4x3.npy', 'f32_4x3.npy', 'fortran_4x3.npy']) copyFileSync(path.join(fixturesDir, 'npy', f), path.join(dir, f))
  return path.dirname(dir)
}

const scenarios: Scenario[] = [
  { name: 'IMU_Capture folder (mpu6050 punch/flex)', files: () => [PUNCH_FLEX_DIR], options: {} },
  { name: 'IMU_Capture, two axes, hop 10', files: () => [path.join(PUNCH_FLEX_DIR, 'flex.csv')], options: { axes: ['gX', 'aY'], windowLength: 20, hop: 10, testFraction: 0.3 } },
  { name: '119 Hz file resampled into a 50 Hz project', signal: { sampleRateHz: 50, rateSource: 'user', windowLength: 50 }, files: () => [nanoPunch], options: { rateHz: 119, resample: true } },
  { name: 'phone gestures by folder, default window', files: () => [phone], options: {} },
  { name: 'phone gestures, window 40 hop 20', files: () => [phone], options: { windowLength: 40, hop: 20 } },
  { name: 'phone gestures padded at the start', files: () => [phone], options: { windowLength: 200, pad: 'start', padWith: 'repeat-last' } },
  { name: 'phone gestures cropped in the middle', files: () => [phone], options: { windowLength: 100, crop: 'center' } },
  { name: 'phone gestures resampled to 40 Hz', signal: { sampleRateHz: 40, rateSource: 'user' }, files: () => [phone], options: { resample: true, windowLength: 30, hop: 15 } },
  { name: 'labelled CSV with window ids, time and split', files: () => [write('ids.csv', idCsv())], options: { windowLength: 50, hop: 25, testFraction: 0.3 } },
  { name: 'labelled CSV with window ids, default window', files: () => [write('ids2.csv', idCsv())], options: {} },
  { name: 'labelled CSV with restarting indices', files: () => [write('index.csv', indexCsv())], options: { rateHz: 100, windowLength: 25, pad: 'end' } },
  { name: 'labelled CSV resampled to 50 Hz', signal: { sampleRateHz: 50, rateSource: 'user' }, files: () => [write('ids3.csv', idCsv())], options: { resample: true, windowLength: 20 } },
  { name: 'npy folder', files: () => [npyFolder()], options: { windowLength: 4 } },
  { name: 'refused: a bad number after an empty label', files: () => [write('bad1.csv', 'label,aX\na,1\na,2\n,3\n,4\nb,1e999\nb,2\n')], options: {} },
  { name: 'refused: a bad number before an empty label', files: () => [write('bad2.csv', 'label,aX\na,1\na,nan\n,3\n,4\nb,1\n')], options: {} },
  { name: 'refused: a short row after a bad number', files: () => [write('bad3.csv', 'label,aX,aY\na,1,2\na,x,2\nb,1\n')], options: {} },
  { name: 'refused: too large a value', files: () => [write('bad4.csv', 'label,aX\na,1\na,1e300\n')], options: {} },
  { name: 'refused: IMU_Capture with a bad number', files: () => [write('imu-bad.csv', 'aX,aY\n1,2\n3,4\n\n5,6\n7,inf\n')], options: {} },
  { name: 'refused: IMU_Capture with a second header', files: () => [write('imu-bad2.csv', 'aX,aY\n1,2\n3,4\n\ngX,gY\n7,8\n')], options: {} },
  { name: 'refused: shorter than a window', files: () => [phone], options: { windowLength: 200 } },
  { name: 'refused: another rate', signal: { sampleRateHz: 50, rateSource: 'user', windowLength: 50 }, files: () => [nanoPunch], options: { rateHz: 119 } }
]

interface Outcome {
  /** What previewImport said before the import (or its error). */
  preview: unknown
  error?: string
  result?: unknown
  signal?: unknown
  classes?: string[]
  windows?: Array<{ label: string; split: string; rateHz: number | null; source: string; axes: string[]; samples: number; values: string }>
}

async function run(s: Scenario, k: number): Promise<Outcome> {
  const project = path.join(tmp.dir, `p${k}`)
  const projects = new ProjectService(path.join(tmp.dir, 'config'))
  await projects.create(project, `golden ${k}`)
  if (s.signal) await projects.update(project, { signal: s.signal })
  const ds = new DatasetService(projects)
  const preview = await ds.previewImport(project, s.files(), s.options).catch((err: Error) => err.message)
  let r
  try {
    r = await ds.import(project, s.files(), s.options)
  } catch (err) {
    return { preview, error: (err as Error).message }
  }
  const byId = new Map((await readSamples(project)).map((w) => [w.id, w]))
  const p = await readProjectFile(project)
  const { ids, ...result } = r
  return {
    preview,
    result,
    signal: p.signal,
    classes: p.classes.map((c) => c.name),
    windows: ids.map((id) => {
      const w = byId.get(id)
      if (!w) throw new Error(`window ${id} was not written`)
      return { label: w.label, split: w.split, rateHz: w.rateHz, source: w.source, axes: w.axes, samples: w.values.length, values: createHash('sha256').update(JSON.stringify(w.values)).digest('hex').slice(0, 16) }
    })
  }
}

describe('the streaming import gives the project the in-memory import gave', () => {
  it('on the fixture datasets and written CSVs: same windows, splits, labels, rates, reports and errors', async () => {
    const got: Record<string, Outcome> = {}
    for (const [k, s] of scenarios.entries()) got[s.name] = await run(s, k)
    if (process.env.MICROFORGE_WRITE_IMPORT_GOLDEN === '1') {
      mkdirSync(path.dirname(GOLDEN), { recursive: true })
      writeFileSync(GOLDEN, JSON.stringify(got, null, 1) + '\n')
    }
    const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Record<string, Outcome>
    expect(Object.keys(golden)).toEqual(scenarios.map((s) => s.name))
    for (const s of scenarios) expect(got[s.name], s.name).toEqual(golden[s.name])
    // The golden holds real imports, not only refusals.
    expect(Object.values(golden).filter((o) => (o.windows?.length ?? 0) > 0).length).toBe(13)
  })
})
