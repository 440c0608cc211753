/**
 * The picker in Chromium while the app is still reading the recent-projects list (a slow disk, a
 * busy computer): the create form takes the user's Enter at once, and the list says it is being read
 * rather than that there are no recent projects. The list's reply is held back
 * on the page's WebSocket until the project is open, so the test does not depend on timing.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { holdRpc } from '../helpers/hold-rpc'
import { useWebApp } from '../helpers/web-app-project'

describe('the create form while the recent list is loading', () => {
  const web = useWebApp()

  it('Enter in the folder field creates and opens the project before the recent list has arrived', async () => {
    const { page } = web.app
    const recent = await holdRpc(page, ['project.recent'])
    await page.goto(web.app.url)
    await page.getByTestId('create-form').waitFor()
    await expect.poll(() => recent.count()).toBeGreaterThan(0)
    // Not "No recent projects." before the list was read.
    expect(await page.getByText('No recent projects').count()).toBe(0)
    expect(await page.getByTestId('recent-reading').count()).toBe(1)
    await page.getByTestId('project-name').fill('Early')
    await page.getByTestId('project-folder').fill(join(web.app.workDir, 'projects', 'early'))
    await page.getByTestId('project-folder').press('Enter')
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Early')
    // The held request goes out at last; once its reply has reached the page, the project is still open.
    await recent.release()
    expect(await page.getByTestId('project-title').textContent()).toBe('Early')
    expect(await page.getByTestId('create-form').count()).toBe(0)
  })

  it('the folder typed over the suggested one is the one used, when the projects folder arrives in between', async () => {
    const page = await web.app.browser.newPage()
    const info = await holdRpc(page, ['system.info'])
    await page.goto(web.app.url)
    await page.getByTestId('create-form').waitFor()
    await expect.poll(() => info.count()).toBe(1)
    const field = page.getByTestId('project-folder')
    const folder = join(web.app.workDir, 'projects', 'typed')
    // What Playwright's fill (and a user's select-all) does, with the system info (the default
    // projects folder) arriving between selecting the suggested folder and typing over it.
    await field.focus()
    await field.selectText()
    await info.release()
    // The reply has been applied (the status bar shows the backend it names) before the typing.
    await expect.poll(() => page.getByTestId('backend').textContent()).not.toContain('…')
    await page.keyboard.insertText(folder)
    expect(await field.inputValue()).toBe(folder)
    await field.press('Enter')
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('My gestures')
    expect(await page.locator('header .path').textContent()).toBe(folder)
    await page.close()
  })

  it('Enter with the suggested folder before the projects folder is known makes the project in the projects folder', async () => {
    const page = await web.app.browser.newPage()
    const info = await holdRpc(page, ['system.info'])
    await page.goto(web.app.url)
    await page.getByTestId('create-form').waitFor()
    await expect.poll(() => info.count()).toBe(1)
    await page.getByTestId('project-name').fill('Suggested')
    await page.getByTestId('project-name').press('Enter')
    // While the create waits for the system info, the form takes no second Enter, and the wait is
    // for the app's own read: no second system.info is sent.
    await expect.poll(() => page.getByTestId('create-project').isDisabled()).toBe(true)
    expect(await page.getByTestId('project-name').isDisabled()).toBe(true)
    expect(info.count()).toBe(1)
    await info.release()
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Suggested')
    // The suggested folder in the projects folder, not a bare 'Suggested' the server would put beside itself.
    expect(await page.locator('header .path').textContent()).toMatch(/^\/.+\/Microforge\/Suggested$/)
    await page.close()
  })
})
