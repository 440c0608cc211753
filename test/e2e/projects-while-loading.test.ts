/**
 * Opening a project in Chromium while its reads are still on their way (a slow disk, a busy
 * computer): a reload shows the last project's name, not the project picker that then vanishes, and
 * a step shows nothing of the project open before (its windows, its profiling sessions) while the
 * next one's are read. The reads are held back on the page's WebSocket, so nothing depends on timing.
 */
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { writeSampleWindow } from '../helpers/hello-firmware'
import { holdRpc } from '../helpers/hold-rpc'
import { writeSavedSession } from '../helpers/saved-session'
import { createProjectInUi } from '../helpers/web-app'
import { useWebApp } from '../helpers/web-app-project'

/**
 * Adds a class on Capture and waits for its row: its reply comes on the page's socket after every
 * reply released before it, so what the page shows next is what those replies left.
 */
async function settleWithClass(page: Page, name: string): Promise<void> {
  await page.getByTestId('new-class').fill(name)
  await page.getByTestId('add-class').click()
  await page.getByTestId(`class-${name}`).waitFor()
}

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

  it('a project created while the app is still starting stays open: the start does not reopen it over a later choice', async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'created-early')
    const b = join(web.app.workDir, 'projects', 'created-after-switch')
    // The start reads the board's state, then reopens the project of the page load (none here).
    const start = await holdRpc(page, ['sim.status', 'project.open'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Created early', a)
    await start.release(['sim.status'])
    await page.getByTestId('switch-project').click()
    // Whatever the start sent meanwhile is answered now, after the user left that project.
    await start.release()
    await createProjectInUi(page, 'Created after', b)
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Created after')
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

  it("a late re-read of the project left does not bring it back over the one opened since", async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'left')
    const b = join(web.app.workDir, 'projects', 'opened-since')
    // The re-read Capture makes after the project's windows changed (here a new split).
    const reread = await holdRpc(page, ['project.open'], (args) => args[0] === a)
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Left', a)
    writeSampleWindow(a, 'w1', 1)
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.locator('[data-window-row]').count()).toBe(1)
    await page.getByTestId('auto-split').click()
    await expect.poll(() => reread.count()).toBeGreaterThan(0)

    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'Opened since', b)
    await page.getByTestId('nav-capture').click()
    await reread.release()
    await settleWithClass(page, 'after')
    expect(await page.getByTestId('project-title').textContent()).toBe('Opened since')
    await page.close()
  })

  it("a late window list of the project left is not shown in the one opened since", async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'late-windows')
    const b = join(web.app.workDir, 'projects', 'after-late-windows')
    const list = await holdRpc(page, ['dataset.list'], (args) => args[0] === a)
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Late windows', a)
    writeSampleWindow(a, 'w1', 1)
    writeSampleWindow(a, 'w2', 0)
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => list.count()).toBeGreaterThan(0)

    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'After late windows', b)
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.getByTestId('window-total').textContent()).toContain('0 windows')
    await list.release()
    await settleWithClass(page, 'after')
    expect(await page.locator('[data-window-row]').count()).toBe(0)
    expect(await page.getByTestId('window-total').textContent()).toContain('0 windows')
    await page.close()
  })

  it("a late session list of the project left is not shown in the one opened since", async () => {
    const page = await web.app.browser.newPage()
    const a = join(web.app.workDir, 'projects', 'late-sessions')
    const b = join(web.app.workDir, 'projects', 'after-late-sessions')
    const saved = await holdRpc(page, ['profile.saved'], (args) => args[0] === a)
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Late sessions', a)
    writeSavedSession(a, '20261204-100000-aaaaaa', 'left behind')
    await page.getByTestId('nav-profile').click()
    await expect.poll(() => saved.count()).toBeGreaterThan(0)

    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'After late sessions', b)
    writeSavedSession(b, '20261204-110000-bbbbbb', 'this one')
    await page.getByTestId('nav-profile').click()
    const mine = page.getByTestId('session-20261204-110000-bbbbbb')
    await mine.waitFor()
    await saved.release()
    // Viewing B's session: its reply comes after the released list, so the rows show what that list left.
    await mine.getByRole('button', { name: 'this one', exact: true }).click()
    await page.getByTestId('profile-shown').waitFor()
    expect(await page.getByTestId('session-20261204-100000-aaaaaa').count()).toBe(0)
    expect(await mine.count()).toBe(1)
    await page.close()
  })
})
