import { ref } from 'vue'
import { MessageClientTransport, type ClientTransport, type RpcMessage } from '../../../shared/rpc'
import type { ErrorData } from '../../../shared/errors'

/**
 * 'no-token': the page was opened without the address `npm run web` printed; 'bad-token': with
 * a token from an earlier start. Both show the access page instead of an app that cannot work.
 */
export type SocketState = 'connecting' | 'open' | 'closed' | 'no-token' | 'bad-token'
export const socketState = ref<SocketState>('connecting')

const TOKEN_KEY = 'microforge.token'

/** What calls in flight fail with when the socket drops; the status bar says it once, not a toast per call. */
export const CONNECTION_LOST: ErrorData = {
  code: 'INTERNAL',
  message: 'Lost the connection to Microforge.',
  hint: 'Check that `npm run web` is still running; reconnecting…'
}

/** The token in an address or a bare token the user pasted; null when there is none. */
export function tokenFromInput(text: string): string | null {
  const t = text.trim()
  if (!t) return null
  try {
    const fromUrl = new URL(t).searchParams.get('token')
    if (fromUrl) return fromUrl
  } catch {
    // Not an address: maybe the token itself.
  }
  const m = /(?:^|[?&]token=)([\w-]{8,})$/.exec(t)
  return m ? m[1] : null
}

/** Keeps a token for this tab and reloads the page with it (the access page's "Open" button). */
export function useToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token)
  location.replace(`${location.pathname}?token=${encodeURIComponent(token)}`)
}

/** Asks the server whether this token is the current one: true, false, or null when it does not answer. */
async function tokenAccepted(token: string): Promise<boolean | null> {
  try {
    const r = await fetch('/session', { headers: { 'x-microforge-token': token }, cache: 'no-store' })
    return r.status === 204 ? true : r.status === 401 ? false : null
  } catch {
    return null
  }
}

/**
 * Transport over the WebSocket of `npm run web`. The token comes from the address the server
 * printed; it is kept for the tab's session so a reload still connects, and removed from the
 * address bar. Calls made while the socket is (re)connecting wait for it.
 */
export function websocketTransport(): ClientTransport {
  const params = new URLSearchParams(location.search)
  const fromUrl = params.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    // Out of the address bar (and so out of history, screenshots and shared links); reconnects read sessionStorage.
    params.delete('token')
    const rest = params.toString()
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`)
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY) ?? ''
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc?token=${encodeURIComponent(token)}`

  let socket: WebSocket | null = null
  let retry = 0
  let connectedBefore = false
  // Requests made while (re)connecting go out once a socket opens, whichever attempt that is.
  const waiting: string[] = []
  const transport = new MessageClientTransport((req) => {
    const text = JSON.stringify(req)
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text)
    else waiting.push(text)
  })

  const connect = (): void => {
    socketState.value = 'connecting'
    const ws = new WebSocket(wsUrl)
    socket = ws
    let wasOpen = false
    ws.onopen = () => {
      wasOpen = true
      retry = 0
      socketState.value = 'open'
      for (const text of waiting.splice(0)) ws.send(text)
      // A new connection knows none of the page's event subscriptions.
      if (connectedBefore) transport.resubscribe()
      connectedBefore = true
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
      if (wasOpen) transport.failAll(CONNECTION_LOST)
      // Refused before it opened: a stale token, or the server is gone. Only the server can tell.
      void (wasOpen ? Promise.resolve(null) : tokenAccepted(token)).then((accepted) => {
        if (accepted === false) {
          socketState.value = 'bad-token'
          return
        }
        socketState.value = 'closed'
        setTimeout(connect, Math.min(5000, 250 * 2 ** retry++))
      })
    }
  }
  if (token) connect()
  else socketState.value = 'no-token'
  return transport
}
