import { createClient, type ApiClient } from '../../../shared/rpc'
import { electronTransport } from './electron'
import { websocketTransport } from './websocket'

/**
 * The renderer's host interface: the Electron bridge when the preload exposed it, else the
 * WebSocket of `npm run web`. Views cannot tell them apart.
 */
export const api: ApiClient = createClient(window.microforge ? electronTransport(window.microforge) : websocketTransport())

export const hostKind: 'electron' | 'web' = window.microforge ? 'electron' : 'web'
