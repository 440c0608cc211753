import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectService } from '../../../src/main/services/project-service'
import { parseProjectFile } from '../../../src/main/services/project-store'
import { writeFileAtomic } from '../../../src/main/services/atomic-fs'
import { tempDir } from '../../helpers/tmp'

describe('ProjectService', () => {
  let tmp: ReturnType<typeof tempDir>
  let svc: ProjectService

  beforeEach(() => {
    tmp = tempDir()
    svc = new ProjectService(join(tmp.dir, 'config'))
  })
  afterEach(() => tmp.cleanup())

  it('creates the folder layout and a versioned project.json', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    for (const d of ['samples', 'models', 'firmware', 'profiles']) expect(existsSync(join(dir, d)), d).toBe(true)
    const pj = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))
    expect(pj).toMatchObject({ format: 'microforge-project', version: 1, name: 'P', classes: [], sensor: null })
    await expect(svc.create(dir, 'again')).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
  })

  it('never overwrites a corrupt project.json', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    const broken = '{"format":"microforge-project", "version": 1, "name": '
    writeFileSync(join(dir, 'project.json'), broken)
    await expect(svc.open(dir)).rejects.toMatchObject({ code: 'PROJECT_CORRUPT' })
    await expect(svc.update(dir, { name: 'Q' })).rejects.toMatchObject({ code: 'PROJECT_CORRUPT' })
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe(broken)
  })

  it('refuses a project from a newer version and leaves it untouched', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    const future = JSON.stringify({ format: 'microforge-project', version: 99, name: 'Future' })
    writeFileSync(join(dir, 'project.json'), future)
    const err = await svc.update(dir, { name: 'Q' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'PROJECT_TOO_NEW' })
    expect((err as Error).message).toMatch(/newer Microforge/)
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe(future)
  })

  it('names what is wrong in a structurally damaged file', () => {
    const bad = JSON.stringify({ format: 'microforge-project', version: 1, name: 'x', createdAt: 'y', classes: 'nope', sensor: null, windowLength: -3, preprocessing: {}, settings: {} })
    expect(() => parseProjectFile(bad)).toThrow(/classes, windowLength/)
  })

  it('serialises concurrent updates so none is lost', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    await Promise.all([
      svc.update(dir, { classes: [{ name: 'wave', color: '#112233' }] }),
      svc.update(dir, { windowLength: 119 }),
      svc.update(dir, { sensor: { axes: ['aX', 'aY', 'aZ'], rateHz: 119, baud: 115200, port: null } })
    ])
    const s = await svc.open(dir)
    expect(s.project.classes).toHaveLength(1)
    expect(s.project.windowLength).toBe(119)
    expect(s.project.sensor?.rateHz).toBe(119)
    expect(s.steps[0]).toMatchObject({ id: 'connect', state: 'done' })
    await expect(svc.update(dir, { classes: [{ name: 'a', color: '#000000' }, { name: 'a', color: '#111111' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('counts samples per class and derives step states', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    for (const [i, label] of ['punch', 'punch', 'flex'].entries()) {
      writeFileSync(join(dir, 'samples', `w${i}.json`), JSON.stringify({ format: 'microforge-sample', version: 1, id: `w${i}`, label }))
    }
    writeFileSync(join(dir, 'samples', 'garbage.json'), '{not json')
    const s = await svc.open(dir)
    expect(s.samplesPerClass).toEqual({ punch: 2, flex: 1 })
    expect(s.steps.find((x) => x.id === 'train')?.state).toBe('ready')
  })

  it('counts firmware folders and saved .zip projects, nothing else, for the Deploy and Profile steps', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    expect((await svc.open(dir)).steps.find((x) => x.id === 'profile')?.state).toBe('blocked')
    writeFileSync(join(dir, 'firmware', 'ptq_esp32_classify.zip'), 'PK')
    writeFileSync(join(dir, 'firmware', 'notes.txt'), 'not a project')
    writeFileSync(join(dir, 'firmware', '.ptq.zip.tmp'), '')
    let s = await svc.open(dir)
    expect(s.firmwareCount).toBe(1)
    expect(s.steps.find((x) => x.id === 'deploy')?.state).toBe('done')
    expect(s.steps.find((x) => x.id === 'profile')?.state).toBe('ready')
    mkdirSync(join(dir, 'firmware', 'ptq_nano33ble_profile'))
    s = await svc.open(dir)
    expect(s.firmwareCount).toBe(2)
  })

  it('keeps the recent list, marks missing folders, and forgets on request', async () => {
    const a = join(tmp.dir, 'a')
    const b = join(tmp.dir, 'b')
    await svc.create(a, 'A')
    await svc.create(b, 'B')
    expect((await svc.recent()).map((r) => r.name)).toEqual(['B', 'A'])
    writeFileSync(join(tmp.dir, 'config', 'recent.json'), readFileSync(join(tmp.dir, 'config', 'recent.json'), 'utf8').replace(a, join(tmp.dir, 'gone')))
    const recent = await svc.recent()
    expect(recent.find((r) => r.name === 'A')?.available).toBe(false)
    await svc.forget(b)
    expect((await svc.recent()).map((r) => r.name)).toEqual(['A'])
  })

  it('writes atomically: no temporary files remain, and the old content survives a failed write', async () => {
    const file = join(tmp.dir, 'x.json')
    await writeFileAtomic(file, 'one')
    await writeFileAtomic(file, 'two')
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(readdirSync(tmp.dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
    await expect(writeFileAtomic(join(tmp.dir, 'no', 'such', 'dir', 'x.json'), 'three')).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
