import type { Api } from '../../shared/contract'
import { createClient, MessageClientTransport, type ApiClient, type RpcMessage } from '../../shared/rpc'
import type { ServiceEvents } from '../services/event-bus'
import type { PathPolicy } from './path-policy'
import { ClientSubscriptions } from './client-subscriptions'
import { RpcHost } from './rpc-host'

/**
 * An in-memory client/server pair: the same message path as the WebSocket, with messages passed
 * through JSON so tests catch anything that would not survive a real transport. Used by tests and
 * by the CLI, so every front end exercises the same contract.
 */
export function createMemoryClient(services: Api, bus: ServiceEvents, policy: PathPolicy | null = null): { client: ApiClient; close: () => void } {
  const host = new RpcHost(services, policy)
  let closed = false
  const wire = <T>(m: T): T => JSON.parse(JSON.stringify(m)) as T
  const subscriptions = new ClientSubscriptions(bus, (event, payload) => {
    if (!closed) clientSide.receive(wire<RpcMessage>({ type: 'event', event, payload }))
  })
  const clientSide: MessageClientTransport = new MessageClientTransport((msg) => {
    const m = wire(msg)
    if (m.type !== 'request') {
      subscriptions.set(m.event, m.type === 'subscribe')
      return
    }
    void host.handle(m).then((res) => {
      if (!closed) clientSide.receive(wire<RpcMessage>(res))
    })
  })
  return {
    client: createClient(clientSide),
    close: () => {
      closed = true
      subscriptions.dispose()
      clientSide.failAll({ code: 'INTERNAL', message: 'The connection to the services is closed.' })
    }
  }
}
