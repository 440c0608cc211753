/**
 * Issue #17: file-system trouble a user can hit is named for what it is. A symbolic link loop is
 * a link loop (it said "Could not write", or INTERNAL from a cleanup), and a read-only folder is a
 * permission problem (it said NOT_FOUND). Read-only needs a user the permissions apply to: as root
 * the CLI runs as nobody (setpriv), otherwise as the user running the tests.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../src/main/services'
import { repoRoot, tempDir } from '../helpers/tmp'

const LOOP = /symbolic link on the way points back to itself \(a link loop\)/

describe('file-system messages', () => {
  const tmp = tempDir('mf-fsmsg-')
  /** A home folder that user can write its settings to. */
  const home = (): string => {
    const dir = join(tmp.dir, 'home')
    mkdirSync(dir, { recursive: true })
    chmodSync(dir, 0o777)
    return dir
  }
  /** The CLI's last JSON line, run as a user the permissions apply to (nobody when the tests run as root). */
  const cliAsUser = (args: string[]): { error?: { code?: string; message?: string }; damagedWindows?: Array<{ file: string; reason: string }> } => {
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : []
    const cmd = [...asUser, 'env', `HOME=${home()}`, process.execPath, join(repoRoot, 'bin', 'microforge.mjs'), ...args, '--json']
    // A cold start of the CLI: about 20 s at nice 10 beside two busy loops. One that hangs is stopped, and said so.
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 120_000 })
    if (r.error || r.signal) throw new Error(`microforge ${args[0]} did not finish (${r.error?.message ?? r.signal}):\n${r.stderr}`)
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ReturnType<typeof cliAsUser>
  }
  let services: Services
  let project: string
  beforeAll(async () => {
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
    project = join(tmp.dir, 'p')
    await services.api.project.create(project, 'Messages')
    await services.api.project.update(project, { signal: { sampleRateHz: 50 } })
    writeFileSync(join(tmp.dir, 'in.csv'), 'label,aX\nup,1\nup,2\ndown,3\ndown,4\n')
    await services.api.dataset.import(project, [join(tmp.dir, 'in.csv')], { windowLength: 2 })
    symlinkSync('loop', join(tmp.dir, 'loop'))
  })
  afterAll(async () => {
    await services.dispose()
    chmodSync(tmp.dir, 0o700)
    tmp.cleanup()
  })

  it('a symbolic link loop is called a link loop, wherever it is met', async () => {
    const loop = join(tmp.dir, 'loop')
    const req = { projectDir: project, target: 'nano33ble' as const, runtime: 'c' as const, mode: 'capture' as const, kind: 'platformio' as const, name: 'fw' }
    const calls: Array<[string, Promise<unknown>]> = [
      ['open', services.api.project.open(loop)],
      ['import', services.api.dataset.import(project, [loop])],
      ['export', services.api.dataset.export(project, 'csv', join(loop, 'x.csv'))],
      ['generate', services.api.deploy.generate({ ...req, out: join(loop, 'fw'), overwrite: true })]
    ]
    for (const [name, call] of calls) {
      const err = await call.then(() => null, (e: unknown) => e as { code?: string; message?: string; hint?: string })
      expect(err, name).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(LOOP), hint: expect.stringMatching(/Fix or remove that link/) })
    }
  })

  it('read-only folders give a permission error for generate --force and export', () => {
    const req = { projectDir: project, target: 'nano33ble' as const, runtime: 'c' as const, mode: 'capture' as const, kind: 'platformio' as const, name: 'fw' }
    return services.api.deploy.generate(req).then(() => {
      const ro = join(tmp.dir, 'ro')
      mkdirSync(ro)
      for (const d of [tmp.dir, project]) chmodSync(d, 0o755)
      chmodSync(join(project, 'firmware'), 0o555)
      chmodSync(ro, 0o555)
      const cli = (args: string[]): { code?: string; message?: string } => cliAsUser(args).error ?? {}
      const generate = cli(['generate', project, '--mode', 'capture', '--target', 'nano33ble', '--ide', 'platformio', '--name', 'fw', '--force'])
      const denied = { code: 'IO_ERROR', message: expect.stringMatching(/^Cannot write to \S+ \(permission denied\)\.$/) }
      expect(generate).toMatchObject(denied)
      const exported = cli(['export', project, '--format', 'csv', '--out', join(ro, 'x.csv')])
      expect(exported).toMatchObject(denied)
      chmodSync(join(project, 'firmware'), 0o755)
    })
    // Two CLI runs of up to 120 s each.
  }, 300_000)

  it('a window file the user cannot read is named as unreadable, not as a folder it cannot write to', async () => {
    for (const d of [tmp.dir, project, join(project, 'samples')]) chmodSync(d, 0o755)
    const [id] = (await services.api.dataset.list(project)).map((w) => w.id)
    const file = join(project, 'samples', `${id}.json`)
    chmodSync(file, 0o000)
    try {
      const info = cliAsUser(['project', 'info', project])
      expect(info.error).toBeUndefined()
      expect(info.damagedWindows).toEqual([{ file: `samples/${id}.json`, reason: `Cannot read ${file} (permission denied).` }])
    } finally {
      chmodSync(file, 0o644)
    }
  })
})
