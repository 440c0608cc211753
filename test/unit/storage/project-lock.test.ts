import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { LOCK_FILE, lockHolder, withProjectLock } from '../../../src/main/storage/project-lock'
import { ProjectService } from '../../../src/main/services/project-service'
import { tempDir } from '../../helpers/tmp'

describe('project lock (one writer per project across processes)', () => {
  let tmp: ReturnType<typeof tempDir>
  let dir: string
  beforeEach(() => {
    tmp = tempDir()
    dir = join(tmp.dir, 'p')
    mkdirSync(dir)
  })
  afterEach(() => tmp.cleanup())

  const lockWith = (owner: object): void => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ host: hostname(), since: 'x', nonce: 'n1', ...owner }))

  it('holds the lock file while the change runs and removes it after', async () => {
    let during = false
    await withProjectLock(dir, async () => {
      during = existsSync(join(dir, LOCK_FILE))
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid })
    })
    expect(during).toBe(true)
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('is re-entrant within one call chain and serialises separate calls', async () => {
    const order: string[] = []
    await Promise.all([
      withProjectLock(dir, async () => {
        order.push('a1')
        await withProjectLock(dir, async () => order.push('inner'))
        await new Promise((r) => setTimeout(r, 30))
        order.push('a2')
      }),
      withProjectLock(dir, async () => order.push('b'))
    ])
    expect(order).toEqual(['a1', 'inner', 'a2', 'b'])
  })

  it('breaks a stale lock whose process is dead', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString()
    lockWith({ pid: Number(dead), start: null })
    expect(await lockHolder(dir)).toBeNull()
    await withProjectLock(dir, async () => undefined, { waitMs: 200 })
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
  })

  it('breaks a lock whose pid was reused by another process (start time differs)', async () => {
    lockWith({ pid: process.pid, start: '1' })
    await withProjectLock(dir, async () => undefined, { waitMs: 200 })
  })

  it('waits for a live holder, then fails clearly naming it', async () => {
    const start = readFileSync(`/proc/${process.pid}/stat`, 'utf8')
    const startTime = start.slice(start.lastIndexOf(')') + 2).split(' ')[19]
    lockWith({ pid: process.pid, start: startTime })
    const err = await withProjectLock(dir, async () => undefined, { waitMs: 300 }).catch((e: unknown) => e as Error & { code: string; hint: string })
    expect(err).toMatchObject({ code: 'PROJECT_LOCKED' })
    expect((err as Error).message).toContain(`process ${process.pid}`)
    expect((err as { hint: string }).hint).toContain(LOCK_FILE)
  })

  it('a recorded window waits while another process holds the project', async () => {
    const projects = new ProjectService(join(tmp.dir, 'home'))
    const p = join(tmp.dir, 'rec')
    await projects.create(p, 'Rec')
    const dataset = new DatasetService(projects)
    const start = readFileSync(`/proc/${process.pid}/stat`, 'utf8')
    writeFileSync(join(p, LOCK_FILE), JSON.stringify({ host: hostname(), since: 'x', nonce: 'other', pid: process.pid, start: start.slice(start.lastIndexOf(')') + 2).split(' ')[19] }))
    let saved = false
    const saving = dataset.saveWindow(p, { label: 'wave', axes: ['aX'], rateHz: 50, values: [[1], [2]], source: 'capture' }).then((w) => ((saved = true), w))
    await new Promise((r) => setTimeout(r, 400))
    expect(saved).toBe(false)
    expect(readdirSync(join(p, 'samples')).filter((n) => n.endsWith('.json'))).toEqual([])
    unlinkSync(join(p, LOCK_FILE))
    const w = await saving
    expect(existsSync(join(p, 'samples', `${w.id}.json`))).toBe(true)
  })

  it('project info gives back a class that has windows but is missing from project.json', async () => {
    const projects = new ProjectService(join(tmp.dir, 'home'))
    const p = join(tmp.dir, 'q')
    await projects.create(p, 'Q')
    writeFileSync(join(p, 'samples', 'w1.json'), JSON.stringify({ format: 'microforge-sample', version: 1, id: 'w1', label: 'ghost', split: 'train', axes: ['aX'], rateHz: 50, values: [[1]], createdAt: 'x' }))
    const summary = await projects.open(p)
    expect(summary.project.classes.map((c) => c.name)).toEqual(['ghost'])
  })
})
