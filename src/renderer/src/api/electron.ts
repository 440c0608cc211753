import { MicroforgeError } from '../../../shared/errors'
import type { ClientTransport } from '../../../shared/rpc'

/** Transport over the preload bridge (desktop app). */
export function electronTransport(bridge: MicroforgeBridge): ClientTransport {
  return {
    async request(method, args) {
      const fn = bridge.methods[method]
      if (!fn) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown method "${method}".`)
      const r = await fn(...args)
      if (r.ok) return r.result
      throw MicroforgeError.fromData(r.error)
    },
    subscribe: (event, handler) => bridge.subscribe(event, handler)
  }
}
