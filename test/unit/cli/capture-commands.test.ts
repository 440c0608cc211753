import { readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliCommand } from '../../../src/cli/command'
import { command as exportCommand } from '../../../src/cli/commands/export'
import { command as importCommand } from '../../../src/cli/commands/import'
import { command as simBoard } from '../../../src/cli/commands/sim-board'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { createServices, type Services } from '../../../src/main/services'
import { PUNCH_FLEX_DIR } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/tmp'

const fixtures = PUNCH_FLEX_DIR

describe('import / export / sim-board commands', () => {
  let tmp: { dir: string; cleanup: () => void }
  let services: Services
  let run: (c: CliCommand, pos: string[], opts?: Record<string, string | boolean | undefined>) => Promise<unknown>

  beforeEach(() => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: path.join(tmp.dir, 'config') })
    const { client } = createMemoryClient(services.api, services.bus)
    run = (c, pos, opts = {}) => {
      const defaults = Object.fromEntries(Object.entries(c.options).map(([k, o]) => [k, o.default]))
      return c.run({ api: client, json: true, progress: () => undefined, interrupted: new Promise(() => undefined) }, pos, { ...defaults, ...opts })
    }
  })
  afterEach(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  it('import prints classes, window length and axes as JSON; export writes the npy tree', async () => {
    const project = path.join(tmp.dir, 'p')
    await services.api.project.create(project, 'p')
    const r = (await run(importCommand, [project, path.join(fixtures, 'punch.csv'), path.join(fixtures, 'flex.csv')], { format: 'imu-capture' })) as Record<string, unknown>
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ classes: { punch: 17, flex: 43 }, windowLength: 30, axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'] })
    expect(importCommand.format?.(r)).toMatch(/Imported 60 windows from 2 files/)
    const out = path.join(tmp.dir, 'out')
    await run(exportCommand, [project], { format: 'npy', out })
    expect(readdirSync(path.join(out, 'data', 'flex'))).toHaveLength(43)
    const csv = (await run(exportCommand, [project], { format: 'csv', out })) as { out: string }
    expect(csv.out).toBe(path.join(out, 'dataset.csv'))
  })

  it('explains bad options', async () => {
    await expect(run(importCommand, ['p', 'x'], { format: 'xml' })).rejects.toThrow(/Unknown --format xml/)
    await expect(run(exportCommand, ['p'], { format: 'xml' })).rejects.toThrow(/Unknown --format xml/)
    await expect(run(simBoard, [], {})).rejects.toThrow(/--link/)
    await expect(run(simBoard, [], { link: '/tmp/x', rate: 'fast' })).rejects.toThrow(/--rate fast/)
  })
})
