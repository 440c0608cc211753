import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../src/main/services'
import { startWebServer, type RunningWebServer } from '../../src/main/web-server'
import { MAX_UPLOAD_BYTES, safeRelativePath, uploadProblem } from '../../src/shared/upload'
import { tempDir } from '../helpers/tmp'

/** Browser mode's file upload: into the project's imports/ folder, for the page that holds the token only. */
describe('POST /upload', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let web: RunningWebServer
  let project: string

  beforeAll(async () => {
    tmp = tempDir()
    const staticDir = join(tmp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
    services = createServices({ host: 'web', configDir: join(tmp.dir, 'config') })
    web = await startWebServer({ services, staticDir })
    project = join(tmp.dir, 'p')
    await services.api.project.create(project, 'P')
  })
  afterAll(async () => {
    await web.close()
    await services.dispose()
    tmp.cleanup()
  })

  const send = (body: string, over: Record<string, string> = {}) =>
    fetch(`${web.origin}/upload`, {
      method: 'POST',
      headers: { 'x-microforge-token': web.token, origin: web.origin, 'x-microforge-project': encodeURIComponent(project), 'x-microforge-path': 'punch/rec1.csv', 'x-microforge-batch': '20260101-120000-ab', ...over },
      body
    })

  it('writes the file below <project>/imports/<batch>/ keeping the dropped folder', async () => {
    const r = await send('aX,aY,aZ\n1,2,3\n')
    expect(r.status).toBe(200)
    const { path } = (await r.json()) as { path: string }
    expect(path).toBe(join(project, 'imports', '20260101-120000-ab', 'punch', 'rec1.csv'))
    expect(readFileSync(path, 'utf8')).toBe('aX,aY,aZ\n1,2,3\n')
  })

  it('refuses a missing token, a foreign origin, a folder that is not a project, and escaping names', async () => {
    expect((await send('x', { 'x-microforge-token': 'stale' })).status).toBe(401)
    expect((await send('x', { origin: 'http://evil.example' })).status).toBe(401)
    expect((await send('x', { 'x-microforge-project': encodeURIComponent(tmp.dir) })).status).toBe(400)
    for (const bad of ['../../.bashrc', '/etc/passwd/../x', 'a/../../b', 'C:\\\\x']) {
      expect((await send('x', { 'x-microforge-path': encodeURIComponent(bad) })).status, bad).toBe(400)
    }
    expect(existsSync(join(tmp.dir, '.bashrc'))).toBe(false)
    expect((await send('x', { 'x-microforge-batch': '../x' })).status).toBe(400)
  })

  it('refuses a file above the size limit with a message that says what to do', async () => {
    const r = await send('x'.repeat(MAX_UPLOAD_BYTES + 1), { 'x-microforge-path': 'huge.csv', 'x-microforge-batch': 'big' })
    expect(r.status).toBe(413)
    const { error } = (await r.json()) as { error: { message: string; hint: string } }
    expect(error.message).toContain('huge.csv')
    expect(error.hint).toMatch(/microforge import/)
    const big = join(project, 'imports', 'big')
    expect(existsSync(big) ? readdirSync(big) : []).toEqual([])
  })
})

describe('upload names and limits', () => {
  it('keeps dropped folders and refuses names that escape', () => {
    expect(safeRelativePath('gestures/punch/rec1.csv')).toBe('gestures/punch/rec1.csv')
    expect(safeRelativePath('./a//b.csv')).toBe('a/b.csv')
    expect(() => safeRelativePath('../x')).toThrow()
    expect(() => safeRelativePath('')).toThrow()
  })

  it('names a file that is too big before sending anything', () => {
    expect(uploadProblem([{ name: 'ok.csv', size: 10 }])).toBeNull()
    expect(uploadProblem([{ name: 'ok.csv', size: 10 }, { name: 'big.csv', size: MAX_UPLOAD_BYTES + 1 }])).toMatch(/^big\.csv is 50\.0 MB.*microforge import/)
  })
})
