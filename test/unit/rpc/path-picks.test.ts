/**
 * Issue #17: in the desktop app a path the user picked in an open or save dialog is allowed for
 * the call it was picked for (PathPolicy.pick), and only for that one call of that method. The
 * Electron shell cannot run here; this is the grant logic the dialog handler feeds.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PathPolicy, PICK_TTL_MS } from '../../../src/main/rpc/path-policy'
import { tempDir } from '../../helpers/tmp'

describe('paths picked in a dialog', () => {
  const tmp = tempDir('mf-picks-')
  const project = join(tmp.dir, 'p')
  const csv = join(tmp.dir, 'downloads', 'walk.csv')
  const folder = join(tmp.dir, 'recordings')
  const refused = { code: 'PATH_REFUSED' }
  beforeAll(() => {
    mkdirSync(project)
    writeFileSync(join(project, 'project.json'), '{}')
    mkdirSync(join(tmp.dir, 'downloads'))
    writeFileSync(csv, 'label,aX\nup,1\n')
    mkdirSync(join(folder, 'up'), { recursive: true })
    writeFileSync(join(folder, 'up', 'a.csv'), 'aX\n1\n')
  })
  afterAll(() => tmp.cleanup())

  it('allows a picked file for one call of its method, then refuses it again', async () => {
    const policy = new PathPolicy(join(tmp.dir, 'config'))
    await expect(policy.check('dataset.import', [project, [csv]])).rejects.toMatchObject(refused)
    policy.pick('dataset.import', [csv])
    // Not for another method.
    await expect(policy.check('dataset.export', [project, 'csv', csv])).rejects.toMatchObject(refused)
    await policy.check('dataset.import', [project, [csv]])
    await expect(policy.check('dataset.import', [project, [csv]])).rejects.toMatchObject(refused)
  })

  it('a picked folder covers the files in it; a picked file covers nothing beside it', async () => {
    const policy = new PathPolicy(join(tmp.dir, 'config'))
    policy.pick('dataset.previewImport', [folder])
    await policy.check('dataset.previewImport', [project, [folder, join(folder, 'up', 'a.csv')]])
    policy.pick('dataset.import', [csv])
    await expect(policy.check('dataset.import', [project, [join(tmp.dir, 'downloads', 'other.csv')]])).rejects.toMatchObject(refused)
  })

  it('a save dialog grants the new file it names, for export', async () => {
    const policy = new PathPolicy(join(tmp.dir, 'config'))
    const out = join(tmp.dir, 'downloads', 'dataset.csv')
    policy.pick('dataset.export', [out])
    await policy.check('dataset.export', [project, 'csv', out])
  })

  it('a pick not used in time lapses', async () => {
    const policy = new PathPolicy(join(tmp.dir, 'config'))
    const now = Date.now()
    policy.pick('dataset.import', [csv], now)
    await expect(policy.check('dataset.import', [project, [csv]], now + PICK_TTL_MS + 1)).rejects.toMatchObject(refused)
  })
})
