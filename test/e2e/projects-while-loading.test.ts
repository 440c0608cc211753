/**
 * Opening a project in Chromium while its reads are still on their way (a slow disk, a busy
 * computer): a reload shows the last project's name, not the project picker that then vanishes, and
 * a step shows nothing of the project open before (its windows, its profiling sessions) while the
 * next one's are read. The reads are held back on the page's WebSocket, so nothing depends on timing.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSampleWindow } from '../helpers/hello-firmware'
import { holdRpc } from '../helpers/hold-rpc'
import { writeSavedSession } from '../helpers/saved-session'
import { createProjectInUi } from '../helpers/web-app'
import { useWebApp } from '../helpers/web-app-project'

describe('a project while it is being opened', () => {
  const web = useWebApp()

  it('a reload says which project it reopens instead of showing the project picker first', async () => {
    const page = await web.app.browser.newPage()
    const folder = join(web.app.workDir, 'projects', 'last')
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Last', folder)
    // Held on the socket the reload opens.
    const open = await holdRpc(page, ['project.open'])
    await page.reload()
    await expect.poll(() => open.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('create-form').count()).toBe(0)
    expect(await page.getByTestId('project-restoring').textContent()).toContain(folder)
    await open.release()
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Last')
    expect(await page.getByTestId('create-form').count()).toBe(0)
    await page.close()
  })

  it("Capture shows none of the last project's windows while the next project's are read", async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'with-windows')
    const b = join(web.app.workDir, 'projects', 'no-windows')
    const list = await holdRpc(page, ['dataset.list'], (args) => args[0] === b)
    await page.goto(web.app.url)
    await createProjectInUi(page, 'With windows', a)
    writeSampleWindow(a, 'w1', 1)
    writeSampleWindow(a, 'w2', 0)
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.locator('[data-window-row]').count()).toBe(2)

    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'No windows', b)
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('step-capture').waitFor()
    await expect.poll(() => list.count()).toBeGreaterThan(0)
    expect(await page.locator('[data-window-row]').count()).toBe(0)
    expect(await page.getByTestId('split-row-sine').count()).toBe(0)
    await list.release()
    // The list's reply has been applied once the total is there; then still no row of the last project.
    await expect.poll(() => page.getByTestId('window-total').textContent()).toContain('0 windows')
    expect(await page.locator('[data-window-row]').count()).toBe(0)
    await page.close()
  })

  it("Profile shows none of the last project's sessions, nor the one viewed, while the next project's are read", async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'with-sessions')
    const b = join(web.app.workDir, 'projects', 'no-sessions')
    const saved = await holdRpc(page, ['profile.saved'], (args) => args[0] === b)
    await page.goto(web.app.url)
    await createProjectInUi(page, 'With sessions', a)
    writeSavedSession(a, '20261204-100000-aaaaaa', 'on the bench')
    await page.getByTestId('nav-profile').click()
    const row = page.getByTestId('session-20261204-100000-aaaaaa')
    await row.getByRole('button', { name: 'on the bench', exact: true }).click()
    await page.getByTestId('profile-shown').waitFor()

    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'No sessions', b)
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await expect.poll(() => saved.count()).toBeGreaterThan(0)
    expect(await page.locator('[data-testid^="session-"]').count()).toBe(0)
    expect(await page.getByTestId('profile-shown').count()).toBe(0)
    expect(await page.getByTestId('profile-sessions-reading').count()).toBe(1)
    await saved.release()
    await expect.poll(() => page.getByTestId('profile-no-sessions').count()).toBe(1)
    expect(await page.locator('[data-testid^="session-"]').count()).toBe(0)
    expect(await page.getByTestId('profile-shown').count()).toBe(0)
    await page.close()
  })
})
