/**
 * Issue #17: a client that never reads its replies must not grow the server without bound (it
 * went from 199 to 605 MB in 10 s), and one client's flood must not starve another.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createServices, type Services } from '../../src/main/services'
import { startWebServer, type RunningWebServer } from '../../src/main/web-server'
import { tempDir } from '../helpers/tmp'

describe('web server under a flood', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let web: RunningWebServer
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/rpc?token=${web.token}`, { origin: web.origin })
      ws.once('open', () => resolve(ws))
      ws.once('error', reject)
    })
  const request = (id: number, method: string): string => JSON.stringify({ type: 'request', id, method, args: [] })

  beforeAll(async () => {
    tmp = tempDir()
    mkdirSync(join(tmp.dir, 'renderer'))
    writeFileSync(join(tmp.dir, 'renderer', 'index.html'), '<!doctype html>')
    services = createServices({ host: 'web', configDir: join(tmp.dir, 'config') })
    web = await startWebServer({ services, staticDir: join(tmp.dir, 'renderer'), limits: { stallMs: 500 } })
  })
  afterAll(async () => {
    await web.close()
    await services.dispose()
    tmp.cleanup()
  })

  it("starts a second client's call while the first one's 5,000 calls are still waiting", async () => {
    // The order the services see calls in: 'a' for the flood, 'b' for the other client.
    const order: string[] = []
    const api = services.api as unknown as Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>>
    const targets = api.optimize.targets.bind(api.optimize)
    const info = api.system.info.bind(api.system)
    api.optimize.targets = () => (order.push('a'), targets())
    api.system.info = () => (order.push('b'), info())
    const a = await open()
    const b = await open()
    let aReplies = 0
    a.on('message', () => aReplies++)
    for (let i = 1; i <= 5000; i++) a.send(request(i, 'optimize.targets'))
    // Sent once the flood is on its way, so the server has it first.
    await new Promise((r) => setTimeout(r, 20))
    await new Promise<void>((resolve) => {
      b.once('message', () => resolve())
      b.send(request(1, 'system.info'))
    })
    await expect.poll(() => aReplies, { timeout: 30_000 }).toBe(5000)
    expect(order.indexOf('b')).toBeGreaterThan(0)
    expect(order.indexOf('b')).toBeLessThan(1000)
    api.optimize.targets = targets
    api.system.info = info
    a.close()
    b.close()
  })

  it('a client that reads nothing holds the server to a bounded buffer, then is told why it is closed', async () => {
    const c = await open()
    c.pause()
    const before = process.memoryUsage()
    // 50,000 replies of 2.6 KB: 130 MB if the server kept them all.
    // The server's side of the socket is a ws WebSocket too: watch for its close, however long a busy machine takes.
    const serverCloses: number[] = []
    const realClose = WebSocket.prototype.close
    const close = vi.spyOn(WebSocket.prototype, 'close').mockImplementation(function (this: WebSocket, code?: number, reason?: string | Buffer) {
      if (this !== c) serverCloses.push(code ?? 0)
      realClose.call(this, code, reason)
    })
    for (let i = 1; i <= 50_000; i++) c.send(request(i, 'optimize.targets'))
    await expect.poll(() => serverCloses, { timeout: 60_000 }).toContain(1008)
    close.mockRestore()
    const after = process.memoryUsage()
    const grownMB = (after.arrayBuffers - before.arrayBuffers + after.external - before.external) / 1024 / 1024
    expect(grownMB).toBeLessThan(48)
    const closed = new Promise<{ code: number; reason: string }>((resolve) => c.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
    c.resume()
    expect(await closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/did not read its replies/) })
  })
})
