/**
 * The renderer's only door to the services: one function per contract method and one subscribe per
 * event, never ipcRenderer itself. Runs sandboxed with contextIsolation.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { methodPaths } from '../shared/contract'
import type { ErrorData } from '../shared/errors'

const IPC_CALL = 'microforge:call'
const IPC_EVENT = 'microforge:event'
const IPC_SUBSCRIBE = 'microforge:subscribe'
const IPC_PICK = 'microforge:pick'

type CallResult = { ok: true; result: unknown } | { ok: false; error: ErrorData }

const methods: Record<string, (...args: unknown[]) => Promise<CallResult>> = {}
for (const m of methodPaths()) {
  methods[m] = (...args: unknown[]) => ipcRenderer.invoke(`${IPC_CALL}:${m}`, args) as Promise<CallResult>
}

const listeners = new Map<string, Set<(payload: unknown) => void>>()
ipcRenderer.on(IPC_EVENT, (_e, event: string, payload: unknown) => {
  const set = listeners.get(event)
  if (set) for (const l of [...set]) l(payload)
})

contextBridge.exposeInMainWorld('microforge', {
  methods,
  /** Shows an open or save dialog for a purpose (import-files, export-folder, ...); resolves to the picked paths. */
  pick(request: { purpose: string; defaultName?: string }): Promise<CallResult> {
    return ipcRenderer.invoke(IPC_PICK, request) as Promise<CallResult>
  },
  subscribe(event: string, handler: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || typeof handler !== 'function') throw new TypeError('subscribe(event, handler)')
    // The main process sends an event only while this page has a listener for it.
    let set = listeners.get(event)
    if (!set) {
      listeners.set(event, (set = new Set()))
      ipcRenderer.send(IPC_SUBSCRIBE, event, true)
    }
    const handlers = set
    handlers.add(handler)
    return () => {
      if (!handlers.delete(handler) || handlers.size > 0 || listeners.get(event) !== handlers) return
      listeners.delete(event)
      ipcRenderer.send(IPC_SUBSCRIBE, event, false)
    }
  }
})
