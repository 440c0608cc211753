import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUNCH_FLEX_DIR } from '../helpers/fixtures'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'

/** Browser mode cannot hand the server a path: files are picked or dropped and sent to the local server. */
describe('import in the browser: picker and drag and drop', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  }, 160_000)
  afterAll(async () => {
    await app?.stop()
  })

  it('imports picked files through a preview, and names a dropped file that is not sensor data', async () => {
    const { page } = app
    await page.goto(app.url)
    const dir = join(app.workDir, 'projects', 'picked')
    await createProjectInUi(page, 'Picked', dir)
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('import-drop').waitFor()

    await page.getByTestId('import-file-input').setInputFiles([join(PUNCH_FLEX_DIR, 'punch.csv'), join(PUNCH_FLEX_DIR, 'flex.csv')])
    await expect.poll(() => page.getByTestId('import-preview-file').count(), { timeout: 20_000 }).toBe(2)
    // The paths it previews are the copies inside the project, not the user's own files.
    expect(await page.getByTestId('import-paths').inputValue()).toContain(join(dir, 'imports'))
    await page.getByTestId('import-rate-ask').waitFor()
    await page.getByTestId('import-rate').fill('50')
    await page.getByTestId('import-confirm').click()
    await expect.poll(() => page.getByTestId('class-count-punch').textContent(), { timeout: 20_000 }).toBe('17')
    expect(await page.getByTestId('class-count-flex').textContent()).toBe('43')

    // Drop a shopping list.
    const dt = await page.evaluateHandle(() => {
      const d = new DataTransfer()
      d.items.add(new File(['Shopping\n- milk\n- eggs\n- bread\n'], 'shopping.txt', { type: 'text/plain' }))
      return d
    })
    await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer: dt })
    await expect.poll(() => page.locator('.toast.error').allTextContents(), { timeout: 15_000 }).toEqual([expect.stringMatching(/shopping\.txt is not sensor data/)])
    expect(await page.locator('.toast.error').textContent()).not.toMatch(/milk|Line 2/)
  })
})
