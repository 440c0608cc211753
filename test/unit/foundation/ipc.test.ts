import { describe, expect, it, vi } from 'vitest'

// The Electron binary cannot run here: ipcMain is the one piece replaced, to check what the
// handlers do with trusted and untrusted senders. Everything behind it is the real RpcHost.
const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>()
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel)
  }
}))

const { registerIpc, IPC_CALL } = await import('../../../src/main/ipc')
const { RpcHost } = await import('../../../src/main/rpc/rpc-host')
const { EventBus } = await import('../../../src/main/services/event-bus')
const { methodPaths } = await import('../../../src/shared/contract')
const { createServices } = await import('../../../src/main/services')

describe('Electron IPC handlers', () => {
  it('registers one handler per contract method, checks the sender and validates payloads', async () => {
    const services = createServices({ host: 'electron', configDir: '/nonexistent-microforge-test' })
    const sent: unknown[] = []
    const trusted = { trusted: true }
    const unregister = registerIpc(
      new RpcHost(services.api),
      services.bus,
      (e) => (e as unknown as typeof trusted).trusted === true,
      () => ({ isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) }) as never
    )
    expect([...handlers.keys()].sort()).toEqual(methodPaths().map((m) => `${IPC_CALL}:${m}`).sort())

    const info = handlers.get(`${IPC_CALL}:system.info`)!
    expect(await info(trusted, [])).toMatchObject({ ok: true, result: { host: 'electron' } })
    expect(await info({ trusted: false }, [])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Refused/) } })

    const open = handlers.get(`${IPC_CALL}:project.open`)!
    expect(await open(trusted, [{ not: 'a path' }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(await open(trusted, 'not an array')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })

    services.bus.emit('jobs.update', { jobId: 'j', kind: 'k', state: 'running', progress: 0, message: '', startedAt: 0 })
    expect(sent).toHaveLength(1)
    unregister()
    expect(handlers.size).toBe(0)
    void EventBus
  })
})
