import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { looksLikeSensorText } from '../../../src/main/core/dataset/sensor-text'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { EventBus } from '../../../src/main/services/event-bus'
import { ProjectService } from '../../../src/main/services/project-service'
import { PUNCH_FLEX_DIR } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/tmp'

describe('importing a file that is not sensor data', () => {
  let tmp: ReturnType<typeof tempDir>
  let project: string
  let ds: DatasetService

  beforeEach(async () => {
    tmp = tempDir()
    const projects = new ProjectService(path.join(tmp.dir, 'config'))
    project = path.join(tmp.dir, 'p')
    await projects.create(project, 'p')
    ds = new DatasetService(projects, new EventBus())
  })
  afterEach(() => tmp.cleanup())

  it('names the file and says it is not sensor data, instead of complaining about line 2', async () => {
    const list = path.join(tmp.dir, 'shopping.txt')
    writeFileSync(list, 'Shopping\n- milk\n- eggs\n- 2 apples\n- bread\n')
    for (const call of [() => ds.previewImport(project, [list]), () => ds.import(project, [list])]) {
      const err = await call().then(
        () => null,
        (e: { code: string; message: string; hint?: string }) => e
      )
      expect(err).toMatchObject({ code: 'PARSE_ERROR' })
      expect(err!.message).toContain('shopping.txt')
      expect(err!.message).toMatch(/not sensor data/)
      expect(err!.message).not.toMatch(/milk|Line 2/)
    }
  })

  it('still imports real recordings', async () => {
    const r = await ds.import(project, [path.join(PUNCH_FLEX_DIR, 'punch.csv')])
    expect(r.files).toBe(1)
  })

  it('tells numbers from words by line', () => {
    expect(looksLikeSensorText('aX,aY,aZ\n0.1,0.2,0.3\n0.2,0.1,0.0\n')).toBe(true)
    expect(looksLikeSensorText('Dear diary,\ntoday I waved 3 times.\nThe end.\n')).toBe(false)
    expect(looksLikeSensorText('')).toBe(false)
  })
})
