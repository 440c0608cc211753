/**
 * Issue #17: a 207 MB CSV peaked at 2.45 GB, read whole three times, split into lines and cells;
 * then, read as a stream but with every recording held until the commit, a 52 MB CSV still grew
 * the process by +319 MB (about 6x the file). The import now holds one recording at a time, so its
 * peak memory must not follow the file: a 13 MB and a 52 MB labelled CSV (written here in pieces,
 * never held whole) grow a fresh child process by about the same, far below the file; so do a large
 * IMU_Capture file and a large stacked .npy file. Every window arrives.
 */
import { spawnSync } from 'node:child_process'
import { closeSync, openSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot, tempDir } from '../helpers/tmp'

const tmp = tempDir('microforge-large-csv-')
afterAll(() => tmp.cleanup())

const CLASSES = ['idle', 'wave', 'punch', 'flex']
const WINDOW = 500

interface ChildResult {
  rssGrowthMB: number
  ms: number
  windows: number
  classes: Record<string, number>
}

/** label,aX,aY,aZ rows, one class per run of WINDOW rows; written 1,000 rows at a time. */
function writeCsv(file: string, windows: number): number {
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, 'label,aX,aY,aZ\n')
    for (let w = 0; w < windows; w++) {
      const label = CLASSES[w % CLASSES.length]
      let chunk = ''
      for (let i = 0; i < WINDOW; i++) chunk += `${label},${Math.sin(w + i / 7).toFixed(5)},${Math.cos(i / 11).toFixed(5)},${(9.81 - (w % 13) / 100 + i / 1e4).toFixed(5)}\n`
      writeSync(fd, chunk)
    }
  } finally {
    closeSync(fd)
  }
  return statSync(file).size / 2 ** 20
}

/** The IMU_Capture layout: a header, then gestures of `samples` lines of six numbers, a blank line after each. */
function writeImuCapture(file: string, gestures: number, samples: number): number {
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, 'aX,aY,aZ,gX,gY,gZ\n')
    for (let g = 0; g < gestures; g++) {
      let chunk = ''
      for (let i = 0; i < samples; i++) chunk += `${Math.sin(g + i / 9).toFixed(3)},${Math.cos(i / 5).toFixed(3)},${(0.98 + (g % 7) / 100).toFixed(3)},${(100 * Math.sin(i / 3)).toFixed(2)},${(g % 50).toFixed(2)},${(-i).toFixed(2)}\n`
      writeSync(fd, chunk + '\n')
    }
  } finally {
    closeSync(fd)
  }
  return statSync(file).size / 2 ** 20
}

/** A float32 stack shaped (windows, samples, axes), as numpy.save writes it. */
function writeNpyStack(file: string, windows: number, samples: number, axes: number): number {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${windows}, ${samples}, ${axes}), }`
  const total = Math.ceil((10 + header.length + 1) / 64) * 64
  header = header.padEnd(total - 11, ' ') + '\n'
  const head = Buffer.alloc(total)
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0)
  head.writeUInt16LE(header.length, 8)
  head.write(header, 10, 'latin1')
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, head)
    const one = new Float32Array(samples * axes)
    for (let w = 0; w < windows; w++) {
      for (let k = 0; k < one.length; k++) one[k] = Math.sin(w + k / 13)
      writeSync(fd, new Uint8Array(one.buffer))
    }
  } finally {
    closeSync(fd)
  }
  return statSync(file).size / 2 ** 20
}

/** Imports `file` into a fresh project in a child process of its own (its peak RSS is this import's). */
function importInChild(name: string, file: string, windowLength: number): ChildResult {
  const child = path.join(repoRoot, 'test/integration/helpers/large-csv-child.ts')
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, path.join(tmp.dir, `project-${name}`), file, String(windowLength)], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 })
  const last = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`the import child failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(last) as ChildResult
}

describe('importing large files', () => {
  it('a 4x larger CSV grows memory by about the same, under 60 MB (not with the file), and keeps every window', () => {
    const got: ChildResult[] = []
    for (const windows of [900, 3600]) {
      const csv = path.join(tmp.dir, `large-${windows}.csv`)
      const mb = writeCsv(csv, windows)
      const r = importInChild(`csv-${windows}`, csv, WINDOW)
      console.log(`large CSV ${mb.toFixed(1)} MB: peak RSS +${r.rssGrowthMB.toFixed(0)} MB, ${(r.ms / 1000).toFixed(1)} s`)
      expect(r.windows).toBe(windows)
      expect(r.classes).toEqual(Object.fromEntries(CLASSES.map((c) => [c, windows / CLASSES.length])))
      got.push(r)
    }
    const [small, large] = got
    expect(large.rssGrowthMB).toBeLessThan(60)
    expect(large.rssGrowthMB - small.rssGrowthMB).toBeLessThan(30)
  }, 1_200_000)

  it('a large IMU_Capture file and a large .npy stack are read in bounded memory too', () => {
    const imu = path.join(tmp.dir, 'punch.csv')
    const imuMB = writeImuCapture(imu, 6000, 119)
    const a = importInChild('imu', imu, 119)
    console.log(`IMU_Capture ${imuMB.toFixed(1)} MB: peak RSS +${a.rssGrowthMB.toFixed(0)} MB, ${(a.ms / 1000).toFixed(1)} s`)
    expect(a.windows).toBe(6000)
    expect(a.classes).toEqual({ punch: 6000 })
    expect(a.rssGrowthMB).toBeLessThan(60)

    const npy = path.join(tmp.dir, 'wave.npy')
    const npyMB = writeNpyStack(npy, 8000, 200, 6)
    const b = importInChild('npy', npy, 200)
    console.log(`.npy stack ${npyMB.toFixed(1)} MB: peak RSS +${b.rssGrowthMB.toFixed(0)} MB, ${(b.ms / 1000).toFixed(1)} s`)
    expect(b.windows).toBe(8000)
    expect(b.classes).toEqual({ wave: 8000 })
    expect(b.rssGrowthMB).toBeLessThan(60)
  }, 1_200_000)
})
