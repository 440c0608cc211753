/**
 * A damaged variant .tflite, in Chromium against `npm run web`: the Deploy view lists it as an
 * option that cannot be chosen and says why, with the next step, instead of leaving it out.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HELLO_WORLD_TFLITE } from '../helpers/hello-firmware'
import { openProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { helloServicesProject, type ServicesProject } from '../helpers/services-project'

describe('a damaged variant, in the browser', { timeout: 120_000 }, () => {
  let app: WebApp
  let project: ServicesProject
  let problem: string

  beforeAll(async () => {
    app = await startWebApp()
    project = await helloServicesProject({ root: app.workDir, trained: true })
    const broken = join(project.dir, 'models', 'variants', 'broken.tflite')
    writeFileSync(broken, readFileSync(HELLO_WORLD_TFLITE).subarray(0, 100))
    problem = `The file ${broken} is damaged: this file is not a valid TensorFlow Lite model, or it is damaged (model description points outside the file). Run Optimize again to rebuild broken.`
  })
  afterAll(async () => {
    await project?.dispose()
    await app?.stop()
  })

  it('Deploy shows it disabled with the reason, and picks the readable variant', async () => {
    const { page } = app
    await openProjectInUi(app, project.dir, 'Hello')
    await page.getByTestId('nav-deploy').click()
    const banner = page.getByTestId('deploy-variant-problems').locator('li[data-variant="broken"]')
    await expect.poll(() => banner.textContent(), { timeout: 30_000 }).toBe(problem)
    const option = page.getByTestId('deploy-variant').locator('option[value="broken"]')
    expect((await option.textContent())?.trim()).toBe('broken (damaged: cannot be deployed)')
    expect(await option.isDisabled()).toBe(true)
    // The readable variant is the one chosen, so Generate builds from it, not from the damaged file.
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue(), { timeout: 30_000 }).toBe('hello_int8')
  })
})
