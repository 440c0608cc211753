import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import WebSocket from 'ws'
import { createServices, type Services } from '../../src/main/services'
import type { SampleBatch } from '../../src/shared/contract/device'
import { startWebServer, type RunningWebServer } from '../../src/main/web-server'
import { tempDir } from '../helpers/tmp'

function connect(url: string, origin?: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.once('error', () => resolve({ status: -1 }))
  })
}

describe('web server (npm run web)', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let web: RunningWebServer

  beforeAll(async () => {
    tmp = tempDir()
    const staticDir = join(tmp.dir, 'renderer')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>')
    writeFileSync(join(tmp.dir, 'secret.txt'), 'secret')
    services = createServices({ host: 'web', configDir: join(tmp.dir, 'config') })
    web = await startWebServer({ services, staticDir })
  })
  afterAll(async () => {
    await web.close()
    await services.dispose()
    tmp.cleanup()
  })

  it('binds to 127.0.0.1 only', () => {
    const addr = web.server.address()
    expect(typeof addr === 'object' && addr?.address).toBe('127.0.0.1')
  })

  it('accepts the right token from its own origin and answers calls', async () => {
    const r = await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, web.origin)
    expect('ws' in r).toBe(true)
    if (!('ws' in r)) return
    const reply = await new Promise<unknown>((resolve) => {
      r.ws.once('message', (d) => resolve(JSON.parse(d.toString())))
      r.ws.send(JSON.stringify({ type: 'request', id: 7, method: 'system.info', args: [] }))
    })
    expect(reply).toMatchObject({ type: 'response', id: 7, ok: true, result: { host: 'web' } })
    r.ws.close()
  })

  it('answers a malformed message with an error instead of silence', async () => {
    const r = await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, web.origin)
    if (!('ws' in r)) throw new Error('no socket')
    const replies: unknown[] = []
    r.ws.on('message', (d) => replies.push(JSON.parse(d.toString())))
    r.ws.send('{not json')
    r.ws.send(JSON.stringify({ type: 'request', id: 9, method: 'system.info' }))
    await expect.poll(() => replies.length).toBe(2)
    expect(replies[0]).toMatchObject({ type: 'response', id: -1, ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(replies[1]).toMatchObject({ type: 'response', id: 9, ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining('Malformed') } })
    r.ws.close()
  })

  it('refuses a wrong or missing token', async () => {
    expect(await connect(`ws://127.0.0.1:${web.port}/rpc?token=wrong`, web.origin)).toEqual({ status: 401 })
    expect(await connect(`ws://127.0.0.1:${web.port}/rpc`, web.origin)).toEqual({ status: 401 })
  })

  it('refuses a foreign or missing Origin even with the right token', async () => {
    expect(await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, 'http://evil.example')).toEqual({ status: 403 })
    expect(await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, `http://127.0.0.1:${web.port + 1}`)).toEqual({ status: 403 })
    expect(await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`)).toEqual({ status: 403 })
  })

  it('tells the page whether its token is the current one, without revealing it', async () => {
    expect((await fetch(`${web.origin}/session`, { headers: { 'x-microforge-token': web.token } })).status).toBe(204)
    expect((await fetch(`${web.origin}/session`, { headers: { 'x-microforge-token': 'stale-token-from-yesterday' } })).status).toBe(401)
    const none = await fetch(`${web.origin}/session`)
    expect(none.status).toBe(401)
    expect(await none.text()).toBe('')
  })

  it('serves the renderer with a CSP and nothing outside its folder', async () => {
    const res = await fetch(`${web.origin}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
    expect(res.headers.get('content-security-policy')).not.toMatch(/'unsafe-eval'/)
    const traversal = await fetch(`${web.origin}/..%2Fsecret.txt`)
    expect([403, 404]).toContain(traversal.status)
    expect(await traversal.text()).not.toBe('secret')
  })

  it('keeps serving after malformed messages', async () => {
    const r = await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, web.origin)
    if (!('ws' in r)) throw new Error('no socket')
    r.ws.send('not json')
    r.ws.send(JSON.stringify({ type: 'request', id: 'x', method: 'system.info', args: [] }))
    const reply = await new Promise<unknown>((resolve) => {
      r.ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { id?: number }
        if (m.id === 8) resolve(m)
      })
      r.ws.send(JSON.stringify({ type: 'request', id: 8, method: 'project.open', args: [123] }))
    })
    expect(reply).toMatchObject({ id: 8, ok: false, error: { code: 'INVALID_ARGUMENT' } })
    r.ws.close()
  })

  it('sends a socket only the events it subscribed to, and none after it unsubscribes or closes', async () => {
    const open = async (): Promise<{ ws: WebSocket; got: Array<{ event: string }> }> => {
      const r = await connect(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, web.origin)
      if (!('ws' in r)) throw new Error('no socket')
      const got: Array<{ event: string }> = []
      r.ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { type: string; event: string }
        if (m.type === 'event') got.push(m)
      })
      return { ws: r.ws, got }
    }
    // A round trip after a subscription message: the server has applied it once the answer is back.
    const settle = (ws: WebSocket): Promise<void> =>
      new Promise((resolve) => {
        ws.once('message', () => resolve())
        ws.send(JSON.stringify({ type: 'request', id: 99, method: 'system.info', args: [] }))
      })
    const jobsOnly = await open()
    const samples = await open()
    jobsOnly.ws.send(JSON.stringify({ type: 'subscribe', event: 'jobs.update' }))
    samples.ws.send(JSON.stringify({ type: 'subscribe', event: 'device.samples' }))
    samples.ws.send(JSON.stringify({ type: 'subscribe', event: 'no.such.event' }))
    await Promise.all([settle(jobsOnly.ws), settle(samples.ws)])

    const batch = { port: '/dev/ttyACM0', seq: 1, times: [0], values: [[1, 2, 3]] } as unknown as SampleBatch
    services.bus.emit('device.samples', batch)
    services.bus.emit('jobs.update', { jobId: 'j', kind: 'train', state: 'running', progress: 0.5, message: '', startedAt: 0 })
    await Promise.all([settle(jobsOnly.ws), settle(samples.ws)])
    expect(jobsOnly.got.map((m) => m.event)).toEqual(['jobs.update'])
    expect(samples.got.map((m) => m.event)).toEqual(['device.samples'])

    samples.ws.send(JSON.stringify({ type: 'unsubscribe', event: 'device.samples' }))
    await settle(samples.ws)
    services.bus.emit('device.samples', batch)
    await settle(samples.ws)
    expect(samples.got).toHaveLength(1)
    expect(services.bus.hasListeners('device.samples')).toBe(false)

    jobsOnly.ws.close()
    samples.ws.close()
    await expect.poll(() => services.bus.hasListeners('jobs.update')).toBe(false)
  })
})
