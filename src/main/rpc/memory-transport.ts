import { createClient, MessageClientTransport, type ApiClient, type RpcMessage } from '../../shared/rpc'
import type { EventBus } from '../services/event-bus'
import type { PathPolicy } from './path-policy'
import { RpcHost } from './rpc-host'
import type { Api } from '../../shared/contract'

/**
 * An in-memory client/server pair: the same message path as the WebSocket, with messages passed
 * through JSON so tests catch anything that would not survive a real transport. Used by tests and
 * by the CLI, so every front end exercises the same contract.
 */
export function createMemoryClient(services: Api, bus: EventBus, policy: PathPolicy | null = null): { client: ApiClient; close: () => void } {
  const host = new RpcHost(services, policy)
  let closed = false
  const clientSide: MessageClientTransport = new MessageClientTransport((req) => {
    const wire = JSON.parse(JSON.stringify(req)) as unknown
    void host.handle(wire as typeof req).then((res) => {
      if (!closed) clientSide.receive(JSON.parse(JSON.stringify(res)) as RpcMessage)
    })
  })
  const unlisten = bus.listen((event, payload) => {
    if (!closed) clientSide.receive(JSON.parse(JSON.stringify({ type: 'event', event, payload })) as RpcMessage)
  })
  return {
    client: createClient(clientSide),
    close: () => {
      closed = true
      unlisten()
      clientSide.failAll({ code: 'INTERNAL', message: 'The connection to the services is closed.' })
    }
  }
}
