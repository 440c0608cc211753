import type { Page, WebSocketRoute } from 'playwright-core'
import { expect } from 'vitest'

/** Requests of some RPC methods held back on a page's WebSocket: the app as it is while a slow read is still on its way. */
export interface HeldRpc {
  /** How many requests (with `replies`, replies) are held so far. */
  count(): number
  /**
   * Sends the held requests to the server (with `replies`, the held replies to the page), holds no
   * more, and resolves once every reply has been forwarded to the page: not once the app has applied
   * it. A check of what the reply changes polls. Given `methods`, releases and stops holding only
   * those; the others stay held until a later release.
   */
  release(methods?: readonly string[]): Promise<void>
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
  const held: Array<{ method: string; text: string }> = []
  /** The method of each request whose reply is held (with `replies`), by id, and the replies held so far. */
  const replyIds = new Map<number, string>()
  const heldReplies: Array<{ method: string; text: string }> = []
  const releasedIds: number[] = []
  const answered: number[] = []
  /** The methods still held. */
  const holding = new Set(methods)
  let server: WebSocketRoute | null = null
  let client: WebSocketRoute | null = null
  await page.routeWebSocket(/\/rpc\?token=/, (ws) => {
    const upstream = ws.connectToServer()
    server = upstream
    client = ws
    ws.onMessage((m) => {
      const text = String(m)
      const { method, args, id } = JSON.parse(text) as { method?: string; args?: unknown[]; id?: number }
      const matches = method !== undefined && holding.has(method) && only(args ?? [])
      if (matches && replies) replyIds.set(id ?? -1, method)
      if (matches && !replies) held.push({ method, text })
      else upstream.send(text)
    })
    upstream.onMessage((m) => {
      const text = String(m)
      const reply = JSON.parse(text) as { type?: string; id?: number }
      const id = reply.id ?? -1
      const method = replyIds.get(id)
      if (reply.type === 'response' && method !== undefined && holding.has(method)) {
        heldReplies.push({ method, text })
        return
      }
      if (reply.type === 'response' && releasedIds.includes(id)) answered.push(id)
      ws.send(m)
    })
  })
  return {
    count: () => (replies ? heldReplies.length : held.length),
    async release(which: readonly string[] = methods): Promise<void> {
      const now = (e: { method: string }): boolean => which.includes(e.method)
      for (const m of which) holding.delete(m)
      for (const { text } of take(held, now)) {
        releasedIds.push((JSON.parse(text) as { id: number }).id)
        server!.send(text)
      }
      // Replies not back from the server yet pass through as they come (and count as answered then).
      for (const [id, m] of [...replyIds]) {
        if (!which.includes(m)) continue
        releasedIds.push(id)
        replyIds.delete(id)
      }
      for (const { text } of take(heldReplies, now)) {
        answered.push((JSON.parse(text) as { id: number }).id)
        client!.send(text)
      }
      await expect.poll(() => answered.length).toBe(releasedIds.length)
    }
  }
}

/** Removes the entries `pick` accepts from `list`, in order, and returns them. */
function take<T>(list: T[], pick: (e: T) => boolean): T[] {
  const out = list.filter(pick)
  list.splice(0, list.length, ...list.filter((e) => !pick(e)))
  return out
}
