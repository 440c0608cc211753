import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { tempDir } from '../helpers/tmp'
import type { SampleBatch } from '../../src/shared/contract/device'
import type { JobUpdate } from '../../src/shared/contract/jobs'

// The Electron binary cannot run here: ipcMain is the one piece replaced, to see what the handlers
// do with trusted and untrusted senders. The sender check is the app's own (window-trust.ts), and
// everything behind it is the real RpcHost and event bus.
const handlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>()
// What the fake dialog answers next (the user's choice), and what it was asked to show.
const dialogAnswer: { paths: string[]; shown: unknown[] } = { paths: [], shown: [] }
const listeners = new Map<string, (event: unknown, ...args: unknown[]) => void>()
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, args: unknown) => Promise<unknown>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
    on: (channel: string, fn: (event: unknown, ...args: unknown[]) => void) => listeners.set(channel, fn),
    removeListener: (channel: string) => listeners.delete(channel)
  },
  BrowserWindow: { fromWebContents: () => null },
  dialog: {
    showOpenDialog: async (options: unknown) => {
      dialogAnswer.shown.push(options)
      return { canceled: dialogAnswer.paths.length === 0, filePaths: dialogAnswer.paths }
    },
    showSaveDialog: async (options: unknown) => {
      dialogAnswer.shown.push(options)
      return { canceled: dialogAnswer.paths.length === 0, filePath: dialogAnswer.paths[0] }
    }
  }
}))

const { registerIpc, IPC_CALL, IPC_SUBSCRIBE, IPC_EVENT } = await import('../../src/main/ipc')
const { IPC_PICK } = await import('../../src/main/dialog-picks')
const { PathPolicy } = await import('../../src/main/rpc/path-policy')
const { RpcHost } = await import('../../src/main/rpc/rpc-host')
const { isOurPage, isTrustedSender } = await import('../../src/main/window-trust')
const { methodPaths } = await import('../../src/shared/contract')
const { createServices } = await import('../../src/main/services')

const PAGE = 'file:///opt/Microforge/resources/app.asar/out/renderer/index.html'

function fakeWindow() {
  const sent: unknown[][] = []
  const mainFrame = { url: PAGE }
  const webContents = { mainFrame, isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) }
  return { window: { webContents }, mainFrame, sent }
}

describe('which pages count as ours', () => {
  it('the built renderer folder, and the dev server by exact origin', () => {
    expect(isOurPage(`${PAGE}?token=1`, PAGE)).toBe(true)
    expect(isOurPage('file:///opt/Microforge/resources/app.asar/out/renderer/assets/x.html', PAGE)).toBe(true)
    expect(isOurPage('file:///opt/Microforge/resources/app.asar/out/renderer-evil/index.html', PAGE)).toBe(false)
    expect(isOurPage('file:///home/me/Downloads/index.html', PAGE)).toBe(false)
    expect(isOurPage('https://example.com/', PAGE)).toBe(false)
    expect(isOurPage('http://localhost:5173/src/index.html', 'http://localhost:5173/', 'http://localhost:5173/')).toBe(true)
    // Same prefix, another host (user info before the @): a prefix test would let it in.
    expect(isOurPage('http://localhost:5173@evil.example/', 'http://localhost:5173/', 'http://localhost:5173/')).toBe(false)
    expect(isOurPage('not a url', 'http://localhost:5173/', 'http://localhost:5173/')).toBe(false)
  })
})

describe('Electron IPC handlers', () => {
  it('answer only the main frame of our window showing our page, and validate payloads', async () => {
    const services = createServices({ host: 'electron', configDir: '/nonexistent-microforge-test' })
    const { window, mainFrame } = fakeWindow()
    const check = (e: Parameters<typeof isTrustedSender>[0]) => isTrustedSender(e, window, (u) => isOurPage(u, PAGE))
    const ipc = registerIpc(new RpcHost(services.api), new PathPolicy('/nonexistent-microforge-test'), services.bus, check, () => window.webContents as never)
    expect([...handlers.keys()].sort()).toEqual([...methodPaths().map((m) => `${IPC_CALL}:${m}`), IPC_PICK].sort())

    const trusted = { sender: window.webContents, senderFrame: mainFrame }
    const otherWindow = { sender: fakeWindow().window.webContents, senderFrame: mainFrame }
    const subframe = { sender: window.webContents, senderFrame: { url: PAGE } }
    const noFrame = { sender: window.webContents, senderFrame: null }
    const info = handlers.get(`${IPC_CALL}:system.info`)!
    expect(await info(trusted, [])).toMatchObject({ ok: true, result: { host: 'electron' } })
    for (const e of [otherWindow, subframe, noFrame]) {
      expect(await info(e, [])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Refused/) } })
    }
    mainFrame.url = 'https://example.com/phish.html'
    expect(await info(trusted, [])).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Refused/) } })
    mainFrame.url = PAGE

    const open = handlers.get(`${IPC_CALL}:project.open`)!
    expect(await open(trusted, [{ not: 'a path' }])).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
    expect(await open(trusted, 'not an array')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })

    ipc.dispose()
    expect(handlers.size).toBe(0)
    await services.dispose()
  })

  it('send the window only the events it subscribed to, until it unsubscribes or reloads', async () => {
    const services = createServices({ host: 'electron', configDir: '/nonexistent-microforge-test' })
    const { window, mainFrame, sent } = fakeWindow()
    const ipc = registerIpc(new RpcHost(services.api), new PathPolicy('/nonexistent-microforge-test'), services.bus, (e) => isTrustedSender(e, window, (u) => isOurPage(u, PAGE)), () => window.webContents as never)
    const subscribe = listeners.get(IPC_SUBSCRIBE)!
    const job: JobUpdate = { jobId: 'j', kind: 'k', state: 'running', progress: 0, message: '', startedAt: 0 }
    const batch = { port: '/dev/x', seq: 0, times: [], values: [] } as unknown as SampleBatch

    services.bus.emit('jobs.update', job)
    expect(sent).toHaveLength(0)
    subscribe({ sender: fakeWindow().window.webContents, senderFrame: mainFrame }, 'jobs.update', true)
    subscribe({ sender: window.webContents, senderFrame: mainFrame }, 'not.an.event', true)
    services.bus.emit('jobs.update', job)
    expect(sent).toHaveLength(0)

    subscribe({ sender: window.webContents, senderFrame: mainFrame }, 'jobs.update', true)
    services.bus.emit('jobs.update', job)
    services.bus.emit('device.samples', batch)
    expect(sent).toEqual([[IPC_EVENT, 'jobs.update', job]])
    expect(services.bus.hasListeners('device.samples')).toBe(false)

    subscribe({ sender: window.webContents, senderFrame: mainFrame }, 'jobs.update', false)
    services.bus.emit('jobs.update', job)
    expect(sent).toHaveLength(1)

    subscribe({ sender: window.webContents, senderFrame: mainFrame }, 'device.samples', true)
    ipc.resetSubscriptions()
    services.bus.emit('device.samples', batch)
    expect(sent).toHaveLength(1)
    ipc.dispose()
    await services.dispose()
  })

  it('a dialog the window asked for allows what the user picked, for the calls of its purpose only', async () => {
    const tmp = tempDir('mf-ipc-pick-')
    const services = createServices({ host: 'electron', configDir: join(tmp.dir, 'config') })
    const policy = new PathPolicy(join(tmp.dir, 'config'))
    const { window, mainFrame } = fakeWindow()
    const ipc = registerIpc(new RpcHost(services.api, policy), policy, services.bus, (e) => isTrustedSender(e, window, (u) => isOurPage(u, PAGE)), () => window.webContents as never)
    const trusted = { sender: window.webContents, senderFrame: mainFrame }
    const call = (method: string, args: unknown[]) => handlers.get(`${IPC_CALL}:${method}`)!(trusted, args)
    const pick = handlers.get(IPC_PICK)!
    try {
      const project = join(tmp.dir, 'gestures')
      expect(await call('project.create', [project, 'Gestures'])).toMatchObject({ ok: true })
      mkdirSync(join(tmp.dir, 'Downloads'))
      const csv = join(tmp.dir, 'Downloads', 'punch.csv')
      writeFileSync(csv, 'aX,aY,aZ\n' + Array.from({ length: 60 }, (_, i) => `${i / 60},0.5,-1`).join('\n') + '\n')
      const refused = { ok: false, error: { code: 'PATH_REFUSED' } }
      expect(await call('dataset.previewImport', [project, [csv]])).toMatchObject(refused)

      // Bad requests and other windows get no dialog.
      expect(await pick(trusted, { purpose: 'read-any-file' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
      expect(await pick(trusted, { purpose: 'import-files', path: csv })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } })
      expect(await pick({ sender: fakeWindow().window.webContents, senderFrame: mainFrame }, { purpose: 'import-files' })).toMatchObject({ ok: false })
      expect(dialogAnswer.shown).toHaveLength(0)

      // Cancelled: nothing allowed.
      dialogAnswer.paths = []
      expect(await pick(trusted, { purpose: 'import-files' })).toEqual({ ok: true, result: { paths: [] } })
      expect(await call('dataset.previewImport', [project, [csv]])).toMatchObject(refused)

      dialogAnswer.paths = [csv]
      expect(await pick(trusted, { purpose: 'import-files' })).toEqual({ ok: true, result: { paths: [csv] } })
      expect(dialogAnswer.shown.at(-1)).toMatchObject({ properties: ['openFile', 'multiSelections'] })
      // Not for another purpose's method; yes for the preview and then the import of that file.
      expect(await call('dataset.export', [project, 'csv', csv])).toMatchObject(refused)
      expect(await call('dataset.previewImport', [project, [csv]])).toMatchObject({ ok: true })
      expect(await call('dataset.previewImport', [project, [csv]])).toMatchObject(refused)
    } finally {
      ipc.dispose()
      await services.dispose()
      tmp.cleanup()
    }
  })
})
