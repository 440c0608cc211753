import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { ProjectService } from '../../../src/main/services/project-service'
import { tempDir } from '../../helpers/tmp'

describe('recorded windows are split per class as they arrive', () => {
  let tmp: { dir: string; cleanup: () => void }
  let projects: ProjectService
  let ds: DatasetService
  let project: string

  beforeEach(async () => {
    tmp = tempDir()
    projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    ds = new DatasetService(projects)
  })
  afterEach(() => tmp.cleanup())

  const record = async (label: string, seed: number): Promise<void> => {
    await ds.saveWindow(project, { label, axes: ['aX'], rateHz: 50, values: [[0], [1]], source: 'capture:test', split: { testFraction: 0.2, seed } })
  }

  for (const seed of [1234, 7, 99]) {
    it(`3 classes x 15 windows give every class at least 2 test windows (seed ${seed})`, async () => {
      // Class by class, as a user records them: 15 wave, then 15 punch, then 15 flex.
      for (const label of ['wave', 'punch', 'flex']) for (let i = 0; i < 15; i++) await record(label, seed)
      const split = (await projects.summarize(project)).split
      for (const label of ['wave', 'punch', 'flex']) expect(split[label]).toEqual({ train: 12, test: 3 })
    })
  }

  it('keeps the proportion after windows are deleted or moved, and for a class recorded in turns', async () => {
    for (let i = 0; i < 4; i++) for (const label of ['a', 'b']) await record(label, 1)
    const list = await ds.list(project)
    const testA = list.filter((w) => w.label === 'a' && w.split === 'test').map((w) => w.id)
    await ds.delete(project, testA)
    for (let i = 0; i < 6; i++) await record('a', 1)
    const split = (await projects.summarize(project)).split
    expect(split.a.test).toBe(2)
    expect(split.b).toEqual({ train: 3, test: 1 })
  })
})
