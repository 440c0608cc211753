import type { Page, WebSocketRoute } from 'playwright-core'
import { expect } from 'vitest'

/** Requests of some RPC methods held back on a page's WebSocket: the app as it is while a slow read is still on its way. */
export interface HeldRpc {
  /** How many requests (with `replies`, replies) are held so far. */
  count(): number
  /**
   * Sends the held requests to the server (with `replies`, the held replies to the page), holds no
   * more, and resolves once every reply has been forwarded to the page: not once the app has applied
   * it. A check of what the reply changes polls.
   */
  release(): Promise<void>
}

export interface HoldOptions {
  /** Narrows the hold to the requests whose arguments it accepts (one project's reads, not another's). */
  only?: (args: unknown[]) => boolean
  /**
   * Holds the server's replies instead of the requests: the server answers at once, as it was when
   * asked, and the page gets that answer on release, after what it sent meanwhile has been answered.
   */
  replies?: boolean
}

/**
 * Holds the page's requests of `methods` (call before `page.goto`) until `release`; every other
 * message passes through. Nothing depends on timing: the reply comes only when the test releases it.
 * `only` may be given as the third argument or in the options.
 */
export async function holdRpc(page: Page, methods: readonly string[], options: HoldOptions | HoldOptions['only'] = {}): Promise<HeldRpc> {
  const { only = () => true, replies = false } = typeof options === 'function' ? { only: options } : options
  const held: string[] = []
  /** Ids of the requests whose replies are held (with `replies`), and the replies held so far. */
  const replyIds = new Set<number>()
  const heldReplies: string[] = []
  const releasedIds: number[] = []
  const answered: number[] = []
  let holding = true
  let server: WebSocketRoute | null = null
  let client: WebSocketRoute | null = null
  await page.routeWebSocket(/\/rpc\?token=/, (ws) => {
    const upstream = ws.connectToServer()
    server = upstream
    client = ws
    ws.onMessage((m) => {
      const text = String(m)
      const { method, args, id } = JSON.parse(text) as { method?: string; args?: unknown[]; id?: number }
      const matches = holding && method !== undefined && methods.includes(method) && only(args ?? [])
      if (matches && replies) replyIds.add(id ?? -1)
      if (matches && !replies) held.push(text)
      else upstream.send(text)
    })
    upstream.onMessage((m) => {
      const text = String(m)
      const reply = JSON.parse(text) as { type?: string; id?: number }
      const id = reply.id ?? -1
      if (reply.type === 'response' && holding && replyIds.has(id)) {
        heldReplies.push(text)
        return
      }
      if (reply.type === 'response' && releasedIds.includes(id)) answered.push(id)
      ws.send(m)
    })
  })
  return {
    count: () => (replies ? heldReplies.length : held.length),
    async release(): Promise<void> {
      holding = false
      for (const text of held.splice(0)) {
        releasedIds.push((JSON.parse(text) as { id: number }).id)
        server!.send(text)
      }
      // Replies not back from the server yet pass through as they come (and count as answered then).
      releasedIds.push(...replyIds)
      for (const text of heldReplies.splice(0)) {
        answered.push((JSON.parse(text) as { id: number }).id)
        client!.send(text)
      }
      await expect.poll(() => answered.length).toBe(releasedIds.length)
    }
  }
}
