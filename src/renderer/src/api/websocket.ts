import { ref } from 'vue'
import { MessageClientTransport, type ClientTransport, type RpcMessage } from '../../../shared/rpc'

export const socketState = ref<'connecting' | 'open' | 'closed'>('connecting')

/**
 * Transport over the WebSocket of `npm run web`. The token comes from the address the server
 * printed; it is kept for the tab's session so a reload still connects. Calls made while the socket
 * is (re)connecting wait for it.
 */
export function websocketTransport(): ClientTransport {
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl) sessionStorage.setItem('microforge.token', fromUrl)
  const token = fromUrl ?? sessionStorage.getItem('microforge.token') ?? ''
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`

  let socket: WebSocket | null = null
  let opened: Promise<WebSocket>
  let retry = 0
  const transport = new MessageClientTransport((req) => {
    void opened.then((ws) => ws.send(JSON.stringify(req)))
  })

  const connect = (): void => {
    socketState.value = 'connecting'
    opened = new Promise((resolve) => {
      const ws = new WebSocket(wsUrl)
      socket = ws
      ws.onopen = () => {
        retry = 0
        socketState.value = 'open'
        resolve(ws)
      }
      ws.onmessage = (e) => {
        try {
          transport.receive(JSON.parse(String(e.data)) as RpcMessage)
        } catch {
          /* ignore malformed frames */
        }
      }
      ws.onclose = () => {
        if (socket !== ws) return
        socketState.value = 'closed'
        transport.failAll({ code: 'INTERNAL', message: 'Lost the connection to Microforge.', hint: 'Check that `npm run web` is still running; reconnecting…' })
        setTimeout(connect, Math.min(5000, 250 * 2 ** retry++))
      }
    })
  }
  connect()
  return transport
}
