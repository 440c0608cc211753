/**
 * A damaged float model, in Chromium against `npm run web`: the sidebar (the project summary) and
 * the Deploy view say the trained model's files are damaged, with the reason and the way out,
 * instead of showing the project as if it had no model or a current one.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'
import { helloServicesProject } from '../helpers/services-project'

describe('a damaged float model, in the browser', { timeout: 120_000 }, () => {
  let dir: string
  let problem: string

  const web = webAppWithProject((root) => helloServicesProject({ root, trained: true }))

  beforeAll(async () => {
    dir = web.project.dir
    writeFileSync(join(dir, 'models', 'float', 'model.json'), '{"modelTopology": ')
    problem = `The trained model's files are damaged: ${join(dir, 'models', 'float', 'model.json')} is damaged (not valid JSON). Train again to replace it.`
  })

  it('the sidebar and the Deploy view say so, with the reason', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, dir, 'Hello')
    expect((await page.getByTestId('float-model-damaged').textContent())?.trim()).toBe(problem)
    expect(await page.getByTestId('nav-train').getAttribute('title')).toBe(problem)
    expect(await page.getByTestId('nav-optimize').getAttribute('data-state')).toBe('blocked')

    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-mode').selectOption('classify')
    await expect.poll(() => page.getByTestId('deploy-float-model-problem').textContent()).toContain(problem)
    // The variant is not offered as current, and the earlier-model note gives way to the reason.
    await expect.poll(() => page.getByTestId('deploy-variant').locator('option').first().textContent()).toContain('earlier model')
    expect(await page.getByTestId('deploy-stale').count()).toBe(0)
  })
})
