/**
 * The wire protocol every transport speaks (Electron IPC, WebSocket, in-memory pair):
 * requests carry a method path and an argument tuple; responses carry a result or error data;
 * a client subscribes to an event by name and from then on the services push it, until it
 * unsubscribes. All payloads are plain JSON-compatible data.
 */
import type { Api, Events, EventName } from './contract'
import { MicroforgeError, type ErrorData } from './errors'

export interface RpcRequest {
  type: 'request'
  id: number
  method: string
  args: unknown[]
}

export type RpcResponse =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: ErrorData }

export interface RpcEvent {
  type: 'event'
  event: string
  payload: unknown
}

/** Client -> server: start or stop receiving one event. */
export interface RpcSubscription {
  type: 'subscribe' | 'unsubscribe'
  event: string
}

export type RpcMessage = RpcRequest | RpcResponse | RpcEvent
export type ClientMessage = RpcRequest | RpcSubscription

/** What a renderer-side transport must provide; the client is built on top of it. */
export interface ClientTransport {
  request(method: string, args: unknown[]): Promise<unknown>
  /** The server starts sending `event` with the first handler and stops after the last is removed. */
  subscribe(event: string, handler: (payload: unknown) => void): () => void
}

export type EventHandler<E extends EventName> = (payload: Events[E]) => void

export type ApiClient = Api & {
  on<E extends EventName>(event: E, handler: EventHandler<E>): () => void
}

/**
 * Builds the typed client from a transport. Services and methods are resolved lazily through
 * proxies, so the client never needs to be updated when the contract grows.
 */
export function createClient(transport: ClientTransport): ApiClient {
  const services = new Map<string, unknown>()
  const on = <E extends EventName>(event: E, handler: EventHandler<E>): (() => void) =>
    transport.subscribe(event, handler as (p: unknown) => void)
  return new Proxy({} as ApiClient, {
    get(_t, service: string | symbol) {
      if (service === 'on') return on
      if (typeof service !== 'string' || service === 'then') return undefined
      let proxy = services.get(service)
      if (!proxy) {
        proxy = new Proxy(
          {},
          {
            get(_s, method: string | symbol) {
              if (typeof method !== 'string' || method === 'then') return undefined
              return (...args: unknown[]) => transport.request(`${service}.${method}`, args)
            }
          }
        )
        services.set(service, proxy)
      }
      return proxy
    }
  })
}

/**
 * Calls that do their work before answering (long work is otherwise a job that answers at once):
 * importing or exporting a dataset, generating or measuring firmware, running a model.
 */
const SLOW_METHODS = new Set(['dataset.import', 'dataset.previewImport', 'dataset.export', 'dataset.autoSplit', 'deploy.generate', 'deploy.fit', 'model.run', 'model.evaluate', 'sim.startFirmware', 'profile.start', 'profile.stop'])

/** How long a call may go unanswered before the client gives up on it, in ms. */
export function callTimeoutMs(method: string): number {
  return SLOW_METHODS.has(method) ? 15 * 60_000 : 2 * 60_000
}

/** Client side of a message-based transport (WebSocket, in-memory pair). */
export class MessageClientTransport implements ClientTransport {
  private nextId = 1
  private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout> }>()
  private handlers = new Map<string, Set<(payload: unknown) => void>>()

  constructor(
    private readonly send: (msg: ClientMessage) => void,
    private readonly timeoutFor: (method: string) => number = callTimeoutMs
  ) {}

  request(method: string, args: unknown[]): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      const ms = this.timeoutFor(method)
      // A call the other side never answers (stopped, stuck, or a reply lost) fails clearly instead of hanging the view.
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return
        const s = ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`
        reject(new MicroforgeError('TIMEOUT', `Microforge did not answer ${method} within ${s}.`, 'It may be busy or stopped. Try again; if this keeps happening, restart Microforge (npm run web).'))
      }, ms)
      this.pending.set(id, { resolve, reject, timer })
      try {
        this.send({ type: 'request', id, method, args })
      } catch (err) {
        clearTimeout(timer)
        this.pending.delete(id)
        reject(err)
      }
    })
  }

  subscribe(event: string, handler: (payload: unknown) => void): () => void {
    let set = this.handlers.get(event)
    if (!set) {
      this.handlers.set(event, (set = new Set()))
      this.send({ type: 'subscribe', event })
    }
    const handlers = set
    handlers.add(handler)
    return () => {
      if (!handlers.delete(handler) || handlers.size > 0 || this.handlers.get(event) !== handlers) return
      this.handlers.delete(event)
      this.send({ type: 'unsubscribe', event })
    }
  }

  /** After a reconnect: the new connection knows no subscriptions yet. */
  resubscribe(): void {
    for (const event of this.handlers.keys()) this.send({ type: 'subscribe', event })
  }

  /** Feed every message received from the other side here. */
  receive(msg: RpcMessage): void {
    if (msg.type === 'response') {
      const p = this.pending.get(msg.id)
      if (!p) return
      clearTimeout(p.timer)
      this.pending.delete(msg.id)
      if (msg.ok) p.resolve(msg.result)
      else p.reject(MicroforgeError.fromData(msg.error))
    } else if (msg.type === 'event') {
      const set = this.handlers.get(msg.event)
      if (set) for (const h of [...set]) h(msg.payload)
    }
  }

  /** The connection is gone: every call in flight fails with a clear error. */
  failAll(error: ErrorData): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(MicroforgeError.fromData(error))
    }
    this.pending.clear()
  }
}
