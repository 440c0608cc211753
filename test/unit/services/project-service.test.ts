import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ProjectService } from '../../../src/main/services/project-service'
import { parseProjectFile } from '../../../src/main/storage/project-store'
import { writeFileAtomic } from '../../../src/main/storage/atomic-fs'
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
    expect(pj).toMatchObject({ format: 'microforge-project', version: 2, name: 'P', classes: [], signal: { axes: [], sampleRateHz: null, windowLength: null } })
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

  it('migrates a format-1 project.json into one signal spec and writes format 2 on the next change', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    const v1 = {
      format: 'microforge-project',
      version: 1,
      name: 'old',
      createdAt: '2026-01-01T00:00:00.000Z',
      classes: [{ name: 'punch', color: '#4e79a7' }],
      sensor: { axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], rateHz: 119, baud: 115200, port: '/dev/ttyACM0' },
      windowLength: 119,
      preprocessing: { method: 'none', axes: ['aX'], windowLength: 119, offset: [0], scale: [1] },
      settings: { splitSeed: 7 }
    }
    writeFileSync(join(dir, 'project.json'), JSON.stringify(v1))
    const s = await svc.open(dir)
    expect(s.project.signal).toEqual({
      sampleRateHz: 119,
      rateSource: 'earlier-version',
      windowLength: 119,
      hop: null,
      axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'],
      units: ['g', 'g', 'g', 'deg/s', 'deg/s', 'deg/s'],
      scale: [1, 1, 1, 1, 1, 1],
      sensor: { name: null, baud: 115200, port: '/dev/ttyACM0' },
      preprocessing: v1.preprocessing
    })
    expect(s.project).not.toHaveProperty('sensor')
    await svc.update(dir, { name: 'renamed' })
    const pj = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))
    expect(pj).toMatchObject({ version: 2, name: 'renamed', settings: { splitSeed: 7 }, signal: { sampleRateHz: 119, windowLength: 119 } })
    expect(pj).not.toHaveProperty('windowLength')
    const nothingKnown = { ...v1, sensor: null, windowLength: null, preprocessing: {} }
    expect(parseProjectFile(JSON.stringify(nothingKnown)).signal).toMatchObject({ sampleRateHz: null, rateSource: null, axes: [], windowLength: null })
  })

  it('rejects a signal spec that does not hold together', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    await expect(svc.update(dir, { signal: { axes: ['aX', 'aY'], units: ['g'] } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    const pj = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))
    pj.signal.scale = [1, 2]
    expect(() => parseProjectFile(JSON.stringify(pj))).toThrow(/signal/)
  })

  it('serialises concurrent updates so none is lost', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    await Promise.all([
      svc.update(dir, { classes: [{ name: 'wave', color: '#112233' }] }),
      svc.update(dir, { signal: { windowLength: 119 } }),
      svc.update(dir, { signal: { axes: ['aX', 'aY', 'aZ'], sampleRateHz: 119, sensor: { baud: 115200, port: null } } })
    ])
    const s = await svc.open(dir)
    expect(s.project.classes).toHaveLength(1)
    expect(s.project.signal.windowLength).toBe(119)
    expect(s.project.signal.sampleRateHz).toBe(119)
    expect(s.project.signal.units).toEqual(['g', 'g', 'g'])
    expect(s.steps[0]).toMatchObject({ id: 'connect', state: 'done' })
    await expect(svc.update(dir, { classes: [{ name: 'a', color: '#000000' }, { name: 'a', color: '#111111' }] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('counts samples per class and derives step states', async () => {
    const dir = join(tmp.dir, 'p')
    await svc.create(dir, 'P')
    for (const [i, label] of ['punch', 'punch', 'flex'].entries()) {
      writeFileSync(join(dir, 'samples', `w${i}.json`), JSON.stringify({ format: 'microforge-sample', version: 1, id: `w${i}`, label, split: i === 1 ? 'test' : 'train', axes: ['aX'], rateHz: null, values: [[0.5]], source: 'test', createdAt: '' }))
    }
    writeFileSync(join(dir, 'samples', 'garbage.json'), '{not json')
    const s = await svc.open(dir)
    expect(s.samplesPerClass).toEqual({ punch: 2, flex: 1 })
    expect(s.split).toEqual({ punch: { train: 1, test: 1 }, flex: { train: 1, test: 0 } })
    expect(s.signal).toEqual({ sampleRateHz: null, windowLength: null, axes: [] })
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
