import type { Page, WebSocketRoute } from 'playwright-core'
import { expect } from 'vitest'

/** Requests of some RPC methods held back on a page's WebSocket: the app as it is while a slow read is still on its way. */
export interface HeldRpc {
  /** How many requests are held so far. */
  count(): number
  /**
   * Sends the held requests to the server, holds no more, and resolves once every reply has been
   * forwarded to the page: not once the app has applied it. A check of what the reply changes polls.
   */
  release(): Promise<void>
}

/**
 * Holds the page's requests of `methods` (call before `page.goto`) until `release`; every other
 * message passes through. Nothing depends on timing: the reply comes only when the test releases it.
 * `only` narrows it to the requests whose arguments it accepts (one project's reads, not another's).
 */
export async function holdRpc(page: Page, methods: readonly string[], only: (args: unknown[]) => boolean = () => true): Promise<HeldRpc> {
  const held: string[] = []
  const releasedIds: number[] = []
  const answered: number[] = []
  let holding = true
  let server: WebSocketRoute | null = null
  await page.routeWebSocket(/\/rpc\?token=/, (ws) => {
    const upstream = ws.connectToServer()
    server = upstream
    ws.onMessage((m) => {
      const text = String(m)
      const { method, args } = JSON.parse(text) as { method?: string; args?: unknown[] }
      if (holding && method !== undefined && methods.includes(method) && only(args ?? [])) held.push(text)
      else upstream.send(text)
    })
    upstream.onMessage((m) => {
      const reply = JSON.parse(String(m)) as { type?: string; id?: number }
      if (reply.type === 'response' && releasedIds.includes(reply.id ?? -1)) answered.push(reply.id!)
      ws.send(m)
    })
  })
  return {
    count: () => held.length,
    async release(): Promise<void> {
      holding = false
      for (const text of held.splice(0)) {
        releasedIds.push((JSON.parse(text) as { id: number }).id)
        server!.send(text)
      }
      await expect.poll(() => answered.length).toBe(releasedIds.length)
    }
  }
}
