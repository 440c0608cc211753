import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { methodPaths } from '../shared/contract'
import type { RpcHost } from './rpc/rpc-host'
import type { EventBus } from './services/event-bus'

export const IPC_CALL = 'microforge:call'
export const IPC_EVENT = 'microforge:event'

/**
 * Registers one handler per contract method. Each checks that the call comes from our own main
 * frame (not a subframe or a navigated-away page), then the RpcHost validates the payload against
 * the method's schema before any service sees it.
 */
export function registerIpc(host: RpcHost, bus: EventBus, isTrustedSender: (e: IpcMainInvokeEvent) => boolean, target: () => WebContents | null): () => void {
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
  const unlisten = bus.listen((event, payload) => {
    const wc = target()
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, event, payload)
  })
  return () => {
    unlisten()
    for (const c of channels) ipcMain.removeHandler(c)
  }
}
