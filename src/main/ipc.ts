import { ipcMain, type IpcMainEvent, type WebContents } from 'electron'
import { methodPaths } from '../shared/contract'
import { ClientSubscriptions } from './rpc/client-subscriptions'
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
export function registerIpc(host: RpcHost, bus: ServiceEvents, isTrustedSender: (e: SenderEvent) => boolean, target: () => WebContents | null): RegisteredIpc {
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
    }
  }
}
