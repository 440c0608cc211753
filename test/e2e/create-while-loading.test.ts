/**
 * The picker in Chromium while the app is still reading the recent-projects list (a slow disk, a
 * busy computer): the create form takes the user's Enter at once. The list's reply is held back
 * on the page's WebSocket until the project is open, so the test does not depend on timing.
 */
import { join } from 'node:path'
import type { WebSocketRoute } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { useWebApp } from '../helpers/web-app-project'

describe('the create form while the recent list is loading', () => {
  const web = useWebApp()

  it('Enter in the folder field creates and opens the project before the recent list has arrived', async () => {
    const { page } = web.app
    const held: string[] = []
    const heldIds: number[] = []
    const answered: number[] = []
    let server: WebSocketRoute | null = null
    await page.routeWebSocket(/\/rpc\?token=/, (ws) => {
      const upstream = ws.connectToServer()
      server = upstream
      ws.onMessage((m) => {
        const text = String(m)
        if (text.includes('"project.recent"')) held.push(text)
        else upstream.send(text)
      })
      upstream.onMessage((m) => {
        const reply = JSON.parse(String(m)) as { type?: string; id?: number }
        if (reply.type === 'response' && heldIds.includes(reply.id ?? -1)) answered.push(reply.id!)
        ws.send(m)
      })
    })
    await page.goto(web.app.url)
    await page.getByTestId('create-form').waitFor()
    await expect.poll(() => held.length).toBeGreaterThan(0)
    await page.getByTestId('project-name').fill('Early')
    await page.getByTestId('project-folder').fill(join(web.app.workDir, 'projects', 'early'))
    await page.getByTestId('project-folder').press('Enter')
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Early')
    // The held request goes out at last; once its reply has reached the page, the project is still open.
    for (const text of held.splice(0)) {
      heldIds.push((JSON.parse(text) as { id: number }).id)
      server!.send(text)
    }
    await expect.poll(() => answered.length).toBe(heldIds.length)
    expect(await page.getByTestId('project-title').textContent()).toBe('Early')
    expect(await page.getByTestId('create-form').count()).toBe(0)
  })
})
