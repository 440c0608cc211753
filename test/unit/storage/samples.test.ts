import { promises as fs } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { readSamples, readWindowFiles, readWindowHeads } from '../../../src/main/storage/samples'
import { readSensorWindows } from '../../../src/main/sim/firmware/dataset-windows'
import { tempDir } from '../../helpers/tmp'

/** One reader, one policy: a damaged window file is named everywhere, never dropped in silence. */
describe('samples reader', () => {
  let tmp: { dir: string; cleanup: () => void }
  let project: string
  let projects: ProjectService
  let ds: DatasetService

  beforeEach(async () => {
    tmp = tempDir()
    projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    ds = new DatasetService(projects)
    for (const label of ['punch', 'flex']) {
      await ds.saveWindow(project, { label, axes: ['aX', 'aY'], rateHz: 100, values: [[1, 2], [3, 4]], source: 'test', split: 'train' }, false)
    }
    await fs.writeFile(path.join(project, 'samples', 'torn.json'), '{"format":"microforge-sample","id":"torn","val')
    await fs.writeFile(path.join(project, 'samples', 'short-row.json'), JSON.stringify({ format: 'microforge-sample', version: 1, id: 'short-row', label: 'punch', split: 'train', axes: ['aX', 'aY'], rateHz: 100, values: [[1]], source: 'x', createdAt: '' }))
  })
  afterEach(() => tmp.cleanup())

  it('reads the good windows and names each damaged file with its reason', async () => {
    const { windows, damaged } = await readWindowFiles(project)
    expect(windows.map((w) => w.label).sort()).toEqual(['flex', 'punch'])
    expect(damaged.map((d) => d.file)).toEqual(['samples/short-row.json', 'samples/torn.json'])
    expect(damaged[1].reason).toMatch(/not valid JSON/)
  })

  it('the head reader (summary, lineage) names a file whose head is damaged with the reason the whole reader gives', async () => {
    await fs.writeFile(path.join(project, 'samples', 'no-label.json'), JSON.stringify({ format: 'microforge-sample', version: 1, id: 'no-label', split: 'train', axes: ['aX'], values: [[1]] }))
    const { heads, damaged } = await readWindowHeads(project)
    // short-row's head is sound (its damage is in the values, past the head): it is counted here and named by the whole reader.
    expect(heads.find((h) => h.id === 'short-row')).toEqual({ id: 'short-row', label: 'punch', split: 'train' })
    expect(heads.map((h) => h.label).sort()).toEqual(['flex', 'punch', 'punch'])
    const whole = (await readWindowFiles(project)).damaged
    expect(damaged).toEqual(whole.filter((d) => d.file !== 'samples/short-row.json'))
    expect(damaged.map((d) => d.file)).toEqual(['samples/no-label.json', 'samples/torn.json'])
  })

  it('training, optimize, search, export and the virtual board refuse a dataset with a damaged window, naming it', async () => {
    await expect(readSamples(project)).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: expect.stringMatching(/2 window files are damaged: samples\/short-row\.json .*samples\/torn\.json/) })
    await expect(ds.export(project, 'csv', path.join(tmp.dir, 'out'))).rejects.toMatchObject({ code: 'PROJECT_CORRUPT' })
    await expect(readSensorWindows(project)).rejects.toMatchObject({ code: 'PROJECT_CORRUPT' })
  })

  it('the window list carries the damaged files with their reason, after the good windows, for Capture', async () => {
    const list = await ds.list(project)
    expect(list.filter((w) => !w.damaged).map((w) => w.label).sort()).toEqual(['flex', 'punch'])
    expect(list.filter((w) => w.damaged).map((w) => [w.id, w.source])).toEqual([
      ['short-row', 'samples/short-row.json'],
      ['torn', 'samples/torn.json']
    ])
    expect(list.find((w) => w.id === 'torn')?.damaged).toMatch(/not valid JSON/)
    // Delete works on a damaged file like on any window, and undo brings it back.
    const { undoToken } = await ds.delete(project, ['torn'])
    expect((await readWindowFiles(project)).damaged.map((d) => d.file)).toEqual(['samples/short-row.json'])
    await ds.undoDelete(project, undoToken)
    expect((await readWindowFiles(project)).damaged).toHaveLength(2)
  })

  it('once the damaged files are deleted, every step reads the dataset again', async () => {
    await fs.rm(path.join(project, 'samples', 'torn.json'))
    await fs.rm(path.join(project, 'samples', 'short-row.json'))
    expect(await readSamples(project)).toHaveLength(2)
    expect((await ds.list(project)).filter((w) => w.damaged)).toEqual([])
  })
})
