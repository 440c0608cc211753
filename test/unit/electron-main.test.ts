import { describe, expect, it, vi } from 'vitest'

// The Electron binary cannot run here, so the electron module is the one thing replaced: the test
// records what src/main/index.ts asks of it (window options, navigation and window-open handlers).
const state = vi.hoisted(() => ({
  windows: [] as Array<{ options: Record<string, unknown>; handlers: Record<string, (...a: unknown[]) => void>; openHandler?: (d: { url: string }) => { action: string }; loaded?: string }>,
  external: [] as string[],
  headers: undefined as undefined | ((details: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
  permission: undefined as undefined | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
  ipcChannels: [] as string[]
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>
    constructor(options: Record<string, unknown>) {
      const rec: (typeof state.windows)[number] = { options, handlers: {} }
      state.windows.push(rec)
      this.webContents = {
        on: (ev: string, fn: (...a: unknown[]) => void) => (rec.handlers[ev] = fn),
        setWindowOpenHandler: (fn: (d: { url: string }) => { action: string }) => (rec.openHandler = fn),
        mainFrame: {}
      }
    }
    once(): void {}
    loadURL(url: string): Promise<void> {
      state.windows.at(-1)!.loaded = url
      return Promise.resolve()
    }
    static getAllWindows(): unknown[] {
      return state.windows
    }
  }
  return {
    BrowserWindow,
    app: { whenReady: () => Promise.resolve(), on: () => undefined, quit: () => undefined },
    shell: { openExternal: (u: string) => state.external.push(u) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof state.headers) => (state.headers = fn) },
        setPermissionRequestHandler: (fn: typeof state.permission) => (state.permission = fn)
      }
    },
    ipcMain: { handle: (c: string) => state.ipcChannels.push(c), removeHandler: () => undefined, on: () => undefined, removeListener: () => undefined }
  }
})

describe('Electron main window', () => {
  it('opens with the secure defaults and denies navigation, new windows and permissions', async () => {
    process.env.MICROFORGE_HOME = '/nonexistent-microforge-electron-test'
    await import('../../src/main/index')
    await vi.waitFor(() => expect(state.windows).toHaveLength(1))
    const win = state.windows[0]
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
    expect(String((win.options.webPreferences as { preload: string }).preload)).toMatch(/preload[\\/]index\.cjs$/)
    expect(win.loaded).toMatch(/^file:.*renderer\/index\.html$/)

    let prevented = false
    win.handlers['will-navigate']({ preventDefault: () => (prevented = true) }, 'https://example.com/')
    expect(prevented).toBe(true)
    expect(win.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(state.external).toEqual(['https://example.com/'])
    expect(win.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(state.external).toHaveLength(1)

    let headers: Record<string, string[]> = {}
    state.headers!({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toMatch(/default-src 'self'/)
    let granted: boolean | undefined
    state.permission!(null, 'serial', (ok) => (granted = ok))
    expect(granted).toBe(false)
    expect(state.ipcChannels.length).toBeGreaterThan(3)
  })
})
