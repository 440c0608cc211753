/**
 * Issue #17: a 207 MB CSV peaked at 2.45 GB, read whole three times, split into lines and cells.
 * A ~50 MB labelled CSV (written here in pieces, never held whole) is imported in a child process
 * of its own; its peak RSS may grow by a bound well under what holding the text, the lines and the
 * cells costs, and every window arrives.
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
const WINDOWS = 3600

/** label,aX,aY,aZ rows, one class per run of WINDOW rows; written 1,000 rows at a time. */
function writeCsv(file: string): void {
  const fd = openSync(file, 'w')
  try {
    writeSync(fd, 'label,aX,aY,aZ\n')
    for (let w = 0; w < WINDOWS; w++) {
      const label = CLASSES[w % CLASSES.length]
      let chunk = ''
      for (let i = 0; i < WINDOW; i++) chunk += `${label},${Math.sin(w + i / 7).toFixed(5)},${Math.cos(i / 11).toFixed(5)},${(9.81 - (w % 13) / 100 + i / 1e4).toFixed(5)}\n`
      writeSync(fd, chunk)
    }
  } finally {
    closeSync(fd)
  }
}

describe('importing a large CSV', () => {
  it('stays within bounded memory (peak RSS growth under 400 MB for a ~50 MB file) and keeps every window', () => {
    const csv = path.join(tmp.dir, 'large.csv')
    writeCsv(csv)
    const mb = statSync(csv).size / 2 ** 20
    expect(mb).toBeGreaterThan(40)
    const child = path.join(repoRoot, 'test/integration/helpers/large-csv-child.ts')
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, path.join(tmp.dir, 'project'), csv, String(WINDOW)], { cwd: repoRoot, encoding: 'utf8', timeout: 600_000 })
    const last = r.stdout.trim().split('\n').pop() ?? ''
    if (r.status !== 0 || !last.startsWith('{')) throw new Error(`the import child failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
    const got = JSON.parse(last) as { rssGrowthMB: number; ms: number; windows: number; classes: Record<string, number> }
    console.log(`large CSV ${mb.toFixed(1)} MB: peak RSS +${got.rssGrowthMB.toFixed(0)} MB, ${(got.ms / 1000).toFixed(1)} s`)
    expect(got.windows).toBe(WINDOWS)
    expect(got.classes).toEqual(Object.fromEntries(CLASSES.map((c) => [c, WINDOWS / CLASSES.length])))
    expect(got.rssGrowthMB).toBeLessThan(400)
  }, 900_000)
})
