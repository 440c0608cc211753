import { randomBytes, timingSafeEqual } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { RpcMessage } from '../shared/rpc'
import { ClientCalls, DEFAULT_LIMITS, type ClientCallLimits } from './rpc/client-calls'
import { ClientSubscriptions } from './rpc/client-subscriptions'
import { PathPolicy } from './rpc/path-policy'
import { handleUpload } from './web-upload'
import { parseRequest, parseSubscription, RpcHost } from './rpc/rpc-host'
import { CSP } from './security'
import type { Services } from './services'

export interface WebServerOptions {
  services: Services
  /** Folder with the built renderer (index.html). */
  staticDir: string
  port?: number
  /** Fixed token for tests; a random one per start otherwise. */
  token?: string
  /** Folders clients may use besides the project and app data folders (default: MICROFORGE_ALLOW_DIRS). */
  allowDirs?: string[]
  /** Per-client call limits and backpressure (tests shorten the stall time). */
  limits?: Partial<ClientCallLimits>
}

export interface RunningWebServer {
  url: string
  origin: string
  token: string
  port: number
  server: Server
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2'
}

/** Largest RPC message accepted from a browser (a CSV import travels as a path, not as data). */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024

/**
 * Serves the built renderer and the contract over a WebSocket, bound to 127.0.0.1 only. Every
 * WebSocket must present the per-start token and come from this server's own Origin, so another
 * web page open in the same browser cannot drive the services.
 */
export async function startWebServer(opts: WebServerOptions): Promise<RunningWebServer> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const policy = new PathPolicy(opts.services.configDir, opts.allowDirs ?? PathPolicy.grantsFromEnv())
  const host = new RpcHost(opts.services.api, policy)
  // Uploads, like the WebSocket, need the token and this server's own origin.
  const uploadAuthorised = (req: IncomingMessage): boolean => {
    const given = req.headers['x-microforge-token']
    return typeof given === 'string' && tokensEqual(given, token) && [origin, origin.replace('127.0.0.1', 'localhost')].includes(req.headers.origin ?? '')
  }
  const sockets = new Set<WebSocket>()
  let origin = ''

  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    // Lets the page tell a stale token (a new `npm run web` makes a new one) from a server that is gone.
    if (pathname === '/session') {
      const given = req.headers['x-microforge-token']
      res.writeHead(typeof given === 'string' && tokensEqual(given, token) ? 204 : 401, { 'Cache-Control': 'no-store' }).end()
      return
    }
    if (pathname === '/upload') {
      void handleUpload(req, res, { policy, authorised: uploadAuthorised })
      return
    }
    void serveStatic(opts.staticDir, req, res)
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const allowedOrigins = [origin, origin.replace('127.0.0.1', 'localhost')]
    const reject = (status: number, text: string): void => {
      socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      socket.destroy()
    }
    if (url.pathname !== '/rpc') return reject(404, 'Not Found')
    if (!req.headers.origin || !allowedOrigins.includes(req.headers.origin)) return reject(403, 'Forbidden')
    if (!tokensEqual(url.searchParams.get('token') ?? '', token)) return reject(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  const limits = { ...DEFAULT_LIMITS, ...opts.limits }
  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws)
    const calls = new ClientCalls(ws, limits)
    // Events reach this socket only for the names it subscribed to, and only while it keeps up.
    const subscriptions = new ClientSubscriptions(opts.services.bus, (event, payload) => {
      if (calls.acceptsEvents()) send(ws, { type: 'event', event, payload })
    })
    const gone = (): void => {
      calls.dispose()
      subscriptions.dispose()
      sockets.delete(ws)
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) return
      let raw: unknown
      try {
        raw = JSON.parse(data.toString())
      } catch {
        send(ws, malformed(null, 'not JSON'))
        return
      }
      const sub = parseSubscription(raw)
      if (sub) {
        subscriptions.set(sub.event, sub.type === 'subscribe')
        return
      }
      const req = parseRequest(raw)
      if (!req) {
        send(ws, malformed(raw, 'expected {"type":"request","id":<integer>,"method":"service.method","args":[...]}'))
        return
      }
      calls.push(() => host.handle(req).then((res) => send(ws, res)))
    })
    ws.on('close', gone)
    ws.on('error', gone)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    port,
    server,
    async close() {
      for (const ws of sockets) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function send(ws: WebSocket, msg: RpcMessage): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg))
}

/** The error reply to a message that is not a request; id -1 when it carries no usable id. */
function malformed(raw: unknown, what: string): RpcMessage {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined
  return {
    type: 'response',
    id: typeof id === 'number' && Number.isSafeInteger(id) ? id : -1,
    ok: false,
    error: { code: 'INVALID_ARGUMENT', message: `Malformed message: ${what}.`, hint: 'Send requests as the Microforge client does.' }
  }
}

function tokensEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a)
  const bb = Buffer.from(b)
  return ba.length === bb.length && timingSafeEqual(ba, bb)
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end()
    return
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  let rel: string
  try {
    rel = decodeURIComponent(url.pathname)
  } catch {
    res.writeHead(400).end()
    return
  }
  if (rel.endsWith('/')) rel += 'index.html'
  const path = normalize(join(root, rel))
  if (path !== root && !path.startsWith(root.endsWith(sep) ? root : root + sep)) {
    res.writeHead(403).end()
    return
  }
  try {
    const body = await fs.readFile(path)
    const headers: Record<string, string> = {
      'Content-Type': MIME[extname(path)] ?? 'application/octet-stream',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store'
    }
    if (path.endsWith('.html')) {
      headers['Content-Security-Policy'] = CSP
      headers['X-Frame-Options'] = 'DENY'
    }
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not found')
  }
}
