/**
 * Electron main process: the window, its security settings and the IPC wiring. Kept thin: every
 * capability lives in the services, which run the same way in `npm run web` and the CLI.
 */
import { app, BrowserWindow, session, shell } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { registerIpc } from './ipc'
import { RpcHost } from './rpc/rpc-host'
import { PathPolicy } from './rpc/path-policy'
import { CSP } from './security'
import { createServices } from './services'
import { isOurPage as isRendererPage, isTrustedSender as trusted, type SenderEvent } from './window-trust'

const here = dirname(fileURLToPath(import.meta.url))
const services = createServices({ host: 'electron' })
let mainWindow: BrowserWindow | null = null

function rendererUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(here, '../renderer/index.html')).toString()
}

function isOurPage(url: string): boolean {
  return isRendererPage(url, rendererUrl(), process.env.ELECTRON_RENDERER_URL)
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Microforge',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  // Navigation and new windows are denied; external links open in the user's browser.
  mainWindow.webContents.on('will-navigate', (e, url) => {
    if (!isOurPage(url)) e.preventDefault()
  })
  mainWindow.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  void mainWindow.loadURL(rendererUrl())
}

function isTrustedSender(e: SenderEvent): boolean {
  return trusted(e, mainWindow, isOurPage)
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  // The renderer is a client like any other: paths confined to the project, app data and granted folders.
  const policy = new PathPolicy(services.configDir, PathPolicy.grantsFromEnv())
  const ipc = registerIpc(new RpcHost(services.api, policy), policy, services.bus, isTrustedSender, () => mainWindow?.webContents ?? null)
  createWindow()
  // A reload starts a page with no listeners: it subscribes again to what it needs.
  mainWindow?.webContents.on('did-start-loading', () => ipc.resetSubscriptions())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  void services.dispose().finally(() => {
    if (process.platform !== 'darwin') app.quit()
  })
})
