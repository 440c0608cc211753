/**
 * Issue #17, problem 2: over RPC (the WebSocket of `npm run web`, the desktop window) every path
 * a call reads or writes is inside the project, the app data folder or a folder the user allowed;
 * error messages never quote other files. The CLI (no policy) keeps its own paths.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { methodPaths } from '../../../src/shared/contract'
import { NO_PATH_METHODS, PATH_RULE_METHODS } from '../../../src/main/rpc/path-policy'
import { createServices, type Services } from '../../../src/main/services'
import { startWebServer, type RunningWebServer } from '../../../src/main/web-server'
import { tempDir } from '../../helpers/tmp'

type Reply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; hint?: string } }

describe('paths over RPC are confined', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let web: RunningWebServer
  let ws: WebSocket
  let nextId = 1
  const project = (): string => join(tmp.dir, 'projects', 'p')
  const outside = (): string => join(tmp.dir, 'home')
  const allowed = (): string => join(tmp.dir, 'allowed')

  function call(method: string, ...args: unknown[]): Promise<Reply> {
    const id = nextId++
    return new Promise((resolve) => {
      const onMessage = (d: WebSocket.RawData): void => {
        const msg = JSON.parse(d.toString()) as { type: string; id?: number } & Reply
        if (msg.type !== 'response' || msg.id !== id) return
        ws.off('message', onMessage)
        resolve(msg)
      }
      ws.on('message', onMessage)
      ws.send(JSON.stringify({ type: 'request', id, method, args }))
    })
  }
  const refused = (r: Reply): string => {
    expect(r.ok).toBe(false)
    if (r.ok) return ''
    expect(r.error.code).toBe('PATH_REFUSED')
    return `${r.error.message} ${r.error.hint ?? ''}`
  }

  beforeAll(async () => {
    tmp = tempDir()
    const staticDir = join(tmp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
    mkdirSync(outside())
    mkdirSync(allowed())
    writeFileSync(join(outside(), '.bashrc'), 'export PATH=$PATH\n')
    writeFileSync(join(outside(), 'keys.csv'), 'aX,secret_api_key\n1,AKIA123\n')
    writeFileSync(join(allowed(), 'keys.csv'), 'aX,secret_api_key\n1,AKIA123\n')
    mkdirSync(join(outside(), 'victim'))
    writeFileSync(join(outside(), 'victim', 'thesis.tex'), 'years of work')
    services = createServices({ host: 'web', configDir: join(tmp.dir, 'config') })
    await services.api.project.create(project(), 'P')
    symlinkSync(outside(), join(project(), 'escape'))
    web = await startWebServer({ services, staticDir, allowDirs: [allowed()] })
    ws = new WebSocket(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, { origin: web.origin })
    await new Promise((r) => ws.once('open', r))
  })
  afterAll(async () => {
    ws.close()
    await web.close()
    await services.dispose()
    tmp.cleanup()
  })

  it('every contract method is classified: a path rule or no path at all', () => {
    const unclassified = methodPaths().filter((m) => !PATH_RULE_METHODS.has(m) && !NO_PATH_METHODS.has(m))
    expect(unclassified).toEqual([])
  })

  it('profile.exportCsv cannot write outside the project (the .bashrc stays)', async () => {
    refused(await call('profile.exportCsv', project(), 'any-session', join(outside(), '.bashrc')))
    expect(readFileSync(join(outside(), '.bashrc'), 'utf8')).toBe('export PATH=$PATH\n')
  })

  it('deploy.generate with overwrite cannot replace a folder or file outside the project', async () => {
    const base = { projectDir: project(), target: 'nano33ble', runtime: 'c', mode: 'capture', overwrite: true }
    refused(await call('deploy.generate', { ...base, out: join(outside(), 'victim') }))
    refused(await call('deploy.generate', { ...base, zip: true, out: join(outside(), '.bashrc') }))
    refused(await call('deploy.generate', { ...base, out: join(project(), 'escape', 'victim') }))
    expect(readFileSync(join(outside(), 'victim', 'thesis.tex'), 'utf8')).toBe('years of work')
    expect(readFileSync(join(outside(), '.bashrc'), 'utf8')).toBe('export PATH=$PATH\n')
    refused(await call('deploy.generate', { ...base, variant: join(outside(), 'stolen.tflite') }))
  })

  it('dataset.export cannot write any *.csv outside; inside the project it works', async () => {
    refused(await call('dataset.export', project(), 'csv', join(outside(), 'out')))
    refused(await call('dataset.export', project(), 'csv', '../../home/out'))
    expect(existsSync(join(outside(), 'out'))).toBe(false)
    const inside = await call('dataset.export', project(), 'csv', join(project(), 'export-csv'))
    // Refused for having no windows, not for the path.
    expect(inside.ok ? '' : inside.error.code).toBe('NOT_FOUND')
  })

  it('model.inspect and imports read nothing outside, and never quote what they read', async () => {
    const inspect = refused(await call('model.inspect', join(outside(), 'keys.csv')))
    expect(inspect).not.toContain('AKIA')
    refused(await call('dataset.import', project(), [join(outside(), 'keys.csv')]))
    refused(await call('dataset.previewImport', project(), [join(outside(), 'keys.csv')]))
    refused(await call('model.run', join(outside(), 'keys.csv'), []))
    // An allowed folder is read, and a parse error names line and column, not the text.
    const r = await call('dataset.import', project(), [join(allowed(), 'keys.csv')], { label: 'x', axes: ['aX', 'secret_api_key'] })
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('PARSE_ERROR')
      expect(`${r.error.message} ${r.error.hint}`).not.toMatch(/AKIA|secret_api_key/)
    }
    const notTflite = await call('model.inspect', join(project(), 'project.json'))
    expect(notTflite.ok).toBe(false)
    if (!notTflite.ok) expect(notTflite.error.message).not.toMatch(/microforge-project|found/)
  })

  it('calls name a project folder, and a new project needs an empty folder', async () => {
    refused(await call('dataset.list', outside()))
    refused(await call('profile.exportCsv', outside(), 'x'))
    refused(await call('project.create', outside(), 'Home'))
    expect(existsSync(join(outside(), 'project.json'))).toBe(false)
    expect((await call('project.create', join(tmp.dir, 'projects', 'fresh'), 'Fresh')).ok).toBe(true)
    refused(await call('device.open', join(outside(), '.bashrc'), 115200))
  })

  it('system.setTflmSdk takes only a folder the user allowed: its code is compiled and run', async () => {
    for (const dir of [outside(), allowed()]) {
      mkdirSync(join(dir, 'tflm', 'include', 'tensorflow', 'lite', 'micro'), { recursive: true })
      mkdirSync(join(dir, 'tflm', 'host'), { recursive: true })
      writeFileSync(join(dir, 'tflm', 'include', 'tensorflow', 'lite', 'micro', 'micro_interpreter.h'), '// layout only\n')
      writeFileSync(join(dir, 'tflm', 'host', 'libtflm.a'), '!<arch>\n')
    }
    refused(await call('system.setTflmSdk', join(outside(), 'tflm')))
    refused(await call('system.setTflmSdk', join(project(), 'escape', 'tflm')))
    const ok = await call('system.setTflmSdk', join(allowed(), 'tflm'))
    expect(ok.ok && (ok.result as { dir: string; from: string; targets: { host: boolean } })).toMatchObject({ dir: join(allowed(), 'tflm'), from: 'setting', targets: { host: true } })
    const bad = await call('system.setTflmSdk', 42)
    expect(!bad.ok && bad.error.code).toBe('INVALID_ARGUMENT')
  })

  it('the CLI (no policy) still writes where its user says', async () => {
    const out = join(outside(), 'cli-export')
    await services.api.project.update(project(), { signal: { sampleRateHz: 50, rateSource: 'user' } })
    const r = await services.api.deploy.generate({ projectDir: project(), target: 'nano33ble', runtime: 'c', mode: 'capture', out })
    expect(r.path.startsWith(out)).toBe(true)
  })
})
