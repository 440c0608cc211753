import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from '../../../src/cli'
import { servicesProject, type ServicesProject } from '../../helpers/services-project'

/** A saved profiling session that cannot be read is reported with its reason, not left out of the list in silence (issue #16). */
describe('damaged profiling sessions are named, not skipped', () => {
  let project: ServicesProject
  const profiles = (): string => join(project.dir, 'profiles')
  const session = (id: string, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ format: 'microforge-profile', version: 1, id, name: id, createdAt: '2026-01-01T00:00:00.000Z', samples: [], ...extra })

  beforeEach(async () => {
    project = await servicesProject('Sessions', 'sessions')
    mkdirSync(profiles(), { recursive: true })
    writeFileSync(join(profiles(), 'good.json'), session('good'))
    writeFileSync(join(profiles(), 'cut.json'), session('cut').slice(0, 40))
    writeFileSync(join(profiles(), 'newer.json'), session('newer', { version: 2 }))
  })

  it('only a damaged file is offered for deletion: not one from a newer Microforge, one that cannot be opened, or one whose name is no session id', async () => {
    const { profile } = project.services.api
    writeFileSync(join(profiles(), 'bad name.json'), '{')
    // Reading a folder fails like a file without permission does (the tests run as root, which chmod does not stop).
    mkdirSync(join(profiles(), 'locked.json'))
    const found = (await profile.saved(project.dir)).damaged.map((d) => [d.id, d.kind, d.deletable, d.reason])
    expect(found).toEqual([
      ['bad name', 'damaged', false, expect.stringMatching(/not valid JSON\..* Its name is not a session id: delete it in the profiles folder yourself\.$/)],
      ['cut', 'damaged', true, expect.stringMatching(/Delete this session and profile again\.$/)],
      ['locked', 'unreadable', false, expect.stringContaining(join(profiles(), 'locked.json'))],
      ['newer', 'unreadable', false, expect.stringMatching(/Update Microforge to open it\.$/)]
    ])
  })
  afterEach(() => project.dispose())

  it('saved().damaged names each file with the reason and what to do; list() keeps the readable ones', async () => {
    const { profile } = project.services.api
    expect((await profile.list(project.dir)).map((s) => s.id)).toEqual(['good'])
    expect((await profile.saved(project.dir)).damaged).toEqual([
      { id: 'cut', file: 'profiles/cut.json', reason: `${join(profiles(), 'cut.json')} is not valid JSON. Delete this session and profile again.`, kind: 'damaged', deletable: true },
      { id: 'newer', file: 'profiles/newer.json', reason: `${join(profiles(), 'newer.json')} was saved by a newer Microforge. Update Microforge to open it.`, kind: 'unreadable', deletable: false }
    ])
    // One call gives both (the Profile step and the CLI read the folder once).
    expect(await profile.saved(project.dir)).toEqual({ sessions: await profile.list(project.dir), damaged: (await profile.saved(project.dir)).damaged })
    expect((await profile.saved(project.dir)).damaged.map((d) => d.id)).toEqual(['cut', 'newer'])
    // Delete is the way out the reason names: it works on a file that cannot be read.
    await profile.remove(project.dir, 'cut')
    expect((await profile.saved(project.dir)).damaged.map((d) => d.id)).toEqual(['newer'])
  })

  it('`microforge profile list` says so on stderr, with --json too, and keeps its JSON the list of sessions', async () => {
    const old = process.env.MICROFORGE_HOME
    process.env.MICROFORGE_HOME = join(project.root, 'cli-config')
    try {
      let out = ''
      let err = ''
      const code = await runCli(['profile', 'list', project.dir, '--json'], { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') })
      expect(code).toBe(0)
      expect((JSON.parse(out) as Array<{ id: string }>).map((s) => s.id)).toEqual(['good'])
      expect(err.split('\n').filter(Boolean)).toEqual([
        `Damaged: profiles/cut.json: ${join(profiles(), 'cut.json')} is not valid JSON. Delete this session and profile again.`,
        `Cannot be read: profiles/newer.json: ${join(profiles(), 'newer.json')} was saved by a newer Microforge. Update Microforge to open it.`
      ])
    } finally {
      if (old === undefined) delete process.env.MICROFORGE_HOME
      else process.env.MICROFORGE_HOME = old
    }
  })
})
