import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { runCli } from '../../../src/cli'
import { repoRoot, tempDir } from '../../helpers/tmp'

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(args, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') })
  return { code, out, err }
}

describe('microforge CLI', () => {
  let tmp: ReturnType<typeof tempDir>
  const oldHome = process.env.MICROFORGE_HOME
  beforeEach(() => {
    tmp = tempDir()
    process.env.MICROFORGE_HOME = join(tmp.dir, 'config')
  })
  afterEach(() => {
    if (oldHome === undefined) delete process.env.MICROFORGE_HOME
    else process.env.MICROFORGE_HOME = oldHome
    tmp.cleanup()
  })

  it('prints help and version', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.out).toMatch(/project create/)
    const v = await cli(['--version', '--json'])
    expect(JSON.parse(v.out)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) })
  })

  it('creates a project and reports it as JSON', async () => {
    const dir = join(tmp.dir, 'proj')
    const created = await cli(['project', 'create', dir, '--name', 'Wrist', '--json'])
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out)).toMatchObject({ dir, project: { name: 'Wrist', version: 2 }, signal: { sampleRateHz: null, windowLength: null, axes: [] }, split: {} })
    const info = await cli(['project', 'info', dir, '--json'])
    const summary = JSON.parse(info.out)
    expect(summary.steps).toHaveLength(6)
    const human = await cli(['project', 'info', dir])
    expect(human.out).toMatch(/Wrist/)
    expect(human.out).toMatch(/Train\s+blocked/)
  })

  it('fails with a clear message, a next step and a non-zero code', async () => {
    const missing = await cli(['project', 'info', join(tmp.dir, 'nothing'), '--json'])
    expect(missing.code).toBe(1)
    expect(JSON.parse(missing.out).error).toMatchObject({ code: 'NOT_FOUND', hint: expect.any(String) })
    const unknown = await cli(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.err).toMatch(/microforge --help/)
    const badOpt = await cli(['project', 'create', join(tmp.dir, 'x'), '--colour', 'red'])
    expect(badOpt.code).toBe(2)
  })

  // A cold start of the CLI through tsx: 2.5 s at nice 10 beside other tests, 29.6 s beside two busy
  // processes. A CLI that hangs is stopped after 120 s, within the test's limit.
  it('runs as the installed bin from a fresh checkout (no build)', () => {
    const out = execFileSync(process.execPath, [join(repoRoot, 'bin', 'microforge.mjs'), '--version', '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(JSON.parse(out).version).toMatch(/\d+\.\d+\.\d+/)
  })
})
