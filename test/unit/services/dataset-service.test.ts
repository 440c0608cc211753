import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseImuCaptureCsv } from '../../../src/main/core/dataset/imu-capture-csv'
import { EventBus } from '../../../src/main/services/event-bus'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { readProjectFile } from '../../../src/main/storage/project-store'
import { PUNCH_FLEX_DIR } from '../../helpers/fixtures'
import { repoRoot, tempDir } from '../../helpers/tmp'

const fixtureDir = PUNCH_FLEX_DIR

describe('DatasetService', () => {
  let tmp: { dir: string; cleanup: () => void }
  let project: string
  let ds: DatasetService
  const events: string[] = []

  beforeEach(async () => {
    tmp = tempDir()
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    const bus = new EventBus()
    bus.on('dataset.changed', (c) => events.push(`dataset.changed:${c.reason}`))
    ds = new DatasetService(projects, bus)
  })
  afterEach(() => tmp.cleanup())

  it('imports the IMU_Capture fixture: 17 punch and 43 flex windows of 30 x 6, and sets up the project', async () => {
    const r = await ds.import(project, [path.join(fixtureDir, 'punch.csv'), path.join(fixtureDir, 'flex.csv')])
    expect(r.classes).toEqual({ punch: 17, flex: 43 })
    expect(r.windowLength).toBe(30)
    expect(r.axes).toEqual(['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'])
    expect(r.resized).toBe(0)
    const list = await ds.list(project)
    expect(list).toHaveLength(60)
    expect(list.filter((w) => w.split === 'test').length).toBe(12)
    const p = await readProjectFile(project)
    expect(p.classes.map((c) => c.name)).toEqual(['punch', 'flex'])
    expect(p.signal.windowLength).toBe(30)
    expect(p.signal.axes).toEqual(['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'])
    const first = await ds.get(project, list[0].id)
    const expected = parseImuCaptureCsv(await fs.readFile(path.join(fixtureDir, 'punch.csv'), 'utf8')).windows[0]
    expect(first.values).toEqual(JSON.parse(JSON.stringify(expected)))
    expect(events).toContain('dataset.changed:imported')
  })

  it('relabels, deletes with undo, splits; exports npy and CSV that import back the same', async () => {
    await ds.import(project, [path.join(fixtureDir, 'punch.csv')])
    const ids = (await ds.list(project)).map((w) => w.id)
    await ds.relabel(project, [ids[0]], 'jab')
    expect((await ds.get(project, ids[0])).label).toBe('jab')
    expect((await readProjectFile(project)).classes.map((c) => c.name)).toEqual(['punch', 'jab'])

    const { undoToken } = await ds.delete(project, ids.slice(0, 2))
    expect(await ds.list(project)).toHaveLength(15)
    await ds.undoDelete(project, undoToken)
    expect(await ds.list(project)).toHaveLength(17)
    await expect(ds.undoDelete(project, undoToken)).rejects.toThrow(/nothing to undo/)

    await ds.setSplit(project, [ids[1]], 'test')
    expect((await ds.get(project, ids[1])).split).toBe('test')
    const counts = await ds.autoSplit(project, 0.25, 9)
    expect(counts.punch).toEqual({ train: 12, test: 4 })

    const out = path.join(tmp.dir, 'out')
    const npy = await ds.export(project, 'npy', out)
    expect(npy.files).toBe(17)
    expect((await fs.readdir(path.join(out, 'data', 'punch'))).length).toBe(16)
    const csv = await ds.export(project, 'csv', out)

    const projects2 = new ProjectService(path.join(tmp.dir, 'config'))
    const p2 = path.join(tmp.dir, 'p2')
    await projects2.create(p2, 'p2')
    const ds2 = new DatasetService(projects2)
    const back = await ds2.import(p2, [path.join(out, 'data')])
    expect(back.classes).toEqual({ jab: 1, punch: 16 })
    expect(back.windowLength).toBe(30)
    const p3 = path.join(tmp.dir, 'p3')
    await projects2.create(p3, 'p3')
    const back3 = await ds2.import(p3, [csv.out])
    expect(back3.classes).toEqual({ jab: 1, punch: 16 })
    const splits = (await ds2.list(p3)).filter((w) => w.split === 'test').length
    expect(splits).toBe(4)
  })

  it('trims and pads .npy windows to a chosen length, and explains bad input', async () => {
    const dir = path.join(tmp.dir, 'data', 'wave')
    await fs.mkdir(dir, { recursive: true })
    await fs.copyFile(path.join(repoRoot, 'test/fixtures/npy/f32_4x3.npy'), path.join(dir, 'a.npy'))
    await fs.copyFile(path.join(repoRoot, 'test/fixtures/npy/one_axis_5.npy'), path.join(tmp.dir, 'bad.npy'))
    // Never padded in silence: without pad it stops and names the lengths.
    await expect(ds.import(project, [path.join(tmp.dir, 'data')], { windowLength: 6 })).rejects.toThrow(/wave\/a\.npy has a recording shorter than a window \(4 samples; a window is 6\)/)
    expect(await ds.list(project)).toHaveLength(0)
    const r = await ds.import(project, [path.join(tmp.dir, 'data')], { windowLength: 6, pad: 'end' })
    expect(r).toMatchObject({ classes: { wave: 1 }, windowLength: 6, resized: 1, axes: ['aX', 'aY', 'aZ'] })
    expect(r.report).toEqual([expect.objectContaining({ file: 'wave/a.npy', label: 'wave', samples: 4, windows: 1, actions: ['rate unknown', 'padded to 6 samples at the end (zeros)'] })])
    expect((await ds.get(project, r.ids[0])).values[5]).toEqual([0, 0, 0])
    await expect(ds.import(project, [path.join(tmp.dir, 'bad.npy')])).rejects.toThrow(/1 axes; this project records 3/)
    await expect(ds.import(project, [path.join(tmp.dir, 'missing.csv')])).rejects.toThrow(/does not exist/)
    await fs.writeFile(path.join(dir, 'notes.txt'), 'recorded on Tuesday')
    expect((await ds.import(project, [path.join(tmp.dir, 'data')], { pad: 'end' })).classes).toEqual({ wave: 1 })
    await fs.writeFile(path.join(tmp.dir, 'model.h5'), '')
    await expect(ds.import(project, [path.join(tmp.dir, 'model.h5')])).rejects.toThrow(/not a file Microforge imports/)
  })
})
