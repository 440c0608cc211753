/**
 * A damaged window file, in Chromium against `npm run web`: the sidebar (the project summary) names
 * it with the reason and the way out, and the Capture step is not shown as done.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'
import { helloServicesProject } from '../helpers/services-project'

describe('a damaged window, in the sidebar', { timeout: 120_000 }, () => {

  const web = webAppWithProject((root) => helloServicesProject({ root }))

  beforeAll(async () => {
    writeFileSync(join(web.project.dir, 'samples', 'w3.json'), '{"format": "microforge-sample", "version": 1, "id": "w3", "label": ')
  })

  it('names the file and the reason, with what to do', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, web.project.dir, 'Hello')
    const banner = page.getByTestId('damaged-windows')
    await expect.poll(() => banner.locator('li').allTextContents(), { timeout: 30_000 }).toEqual(['samples/w3.json: Window file w3.json is damaged (not valid JSON).'])
    expect((await banner.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      '1 window file is damaged and counted in no class: samples/w3.json: Window file w3.json is damaged (not valid JSON). Delete it in Capture, or restore it from a backup: Train refuses until then.'
    )
    expect(await page.getByTestId('nav-capture').getAttribute('data-state')).toBe('ready')
  })
})
