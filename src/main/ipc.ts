import { BrowserWindow, dialog, ipcMain, type IpcMainEvent, type WebContents } from 'electron'
import { methodPaths } from '../shared/contract'
import { handlePick, IPC_PICK, type Dialogs } from './dialog-picks'
import { ClientSubscriptions } from './rpc/client-subscriptions'
import type { PathPolicy } from './rpc/path-policy'
import type { RpcHost } from './rpc/rpc-host'
import type { ServiceEvents } from './services/event-bus'
import type { SenderEvent } from './window-trust'

export const IPC_CALL = 'microforge:call'
export const IPC_EVENT = 'microforge:event'
/** Renderer -> main: (eventName, subscribed: boolean). */
export const IPC_SUBSCRIBE = 'microforge:subscribe'

export interface RegisteredIpc {
  /** Drops every event subscription (the page reloaded). */
  resetSubscriptions(): void
  dispose(): void
}

/**
 * Registers one handler per contract method. Each checks that the call comes from our own main
 * frame (not a subframe or a navigated-away page), then the RpcHost validates the payload against
 * the method's schema before any service sees it. Events go to the window only for the names it
 * subscribed to.
 */
export function registerIpc(host: RpcHost, policy: PathPolicy, bus: ServiceEvents, isTrustedSender: (e: SenderEvent) => boolean, target: () => WebContents | null): RegisteredIpc {
  const channels = methodPaths().map((m) => `${IPC_CALL}:${m}`)
  for (const channel of channels) {
    const method = channel.slice(IPC_CALL.length + 1)
    ipcMain.handle(channel, async (event, args: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Refused: the request did not come from the Microforge window.' } }
      }
      return host.call(method, args)
    })
  }
  // Open and save dialogs: the main process shows them; what the user picks is allowed for its call.
  ipcMain.handle(IPC_PICK, async (event, request: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'Refused: the request did not come from the Microforge window.' } }
    }
    return handlePick(request, electronDialogs(BrowserWindow.fromWebContents(event.sender)), policy)
  })
  const subscriptions = new ClientSubscriptions(bus, (event, payload) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, event, payload)
  })
  const onSubscribe = (e: IpcMainEvent, event: unknown, subscribed: unknown): void => {
    if (isTrustedSender(e)) subscriptions.set(event, subscribed === true)
  }
  ipcMain.on(IPC_SUBSCRIBE, onSubscribe)
  return {
    resetSubscriptions: () => subscriptions.dispose(),
    dispose() {
      subscriptions.dispose()
      ipcMain.removeListener(IPC_SUBSCRIBE, onSubscribe)
      for (const c of channels) ipcMain.removeHandler(c)
      ipcMain.removeHandler(IPC_PICK)
    }
  }
}

/** Electron's dialogs, modal on the window that asked. */
function electronDialogs(win: BrowserWindow | null): Dialogs {
  return {
    async show(o) {
      if (o.kind === 'save') {
        const r = win ? await dialog.showSaveDialog(win, { title: o.title, ...(o.defaultName ? { defaultPath: o.defaultName } : {}) }) : await dialog.showSaveDialog({ title: o.title })
        return r.canceled || !r.filePath ? [] : [r.filePath]
      }
      const properties: Array<'openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory'> =
        o.kind === 'open-files' ? ['openFile', 'multiSelections'] : o.kind === 'open-file' ? ['openFile'] : ['openDirectory', 'createDirectory']
      const r = win ? await dialog.showOpenDialog(win, { title: o.title, properties }) : await dialog.showOpenDialog({ title: o.title, properties })
      return r.canceled ? [] : r.filePaths
    }
  }
}
