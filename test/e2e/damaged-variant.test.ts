/**
 * A damaged variant .tflite, in Chromium against `npm run web`: the Deploy view lists it as an
 * option that cannot be chosen and says why, with the next step, instead of leaving it out.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { HELLO_WORLD_TFLITE } from '../helpers/hello-firmware'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'
import { helloServicesProject } from '../helpers/services-project'

describe('a damaged variant, in the browser', { timeout: 120_000 }, () => {
  let problem: string

  const web = webAppWithProject((root) => helloServicesProject({ root, trained: true }))

  beforeAll(async () => {
    const broken = join(web.project.dir, 'models', 'variants', 'broken.tflite')
    writeFileSync(broken, readFileSync(HELLO_WORLD_TFLITE).subarray(0, 100))
    // Copied in (the variant index does not list it): Optimize cannot rebuild it, so the way out is to replace or remove it.
    problem = `The file ${broken} is damaged: this file is not a valid TensorFlow Lite model, or it is damaged (model description points outside the file). models/variants/index.json does not list broken: Optimize did not make it. Replace broken.tflite with a valid model, or remove it.`
  })

  it('Deploy shows it disabled with the reason, and picks the readable variant', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, web.project.dir, 'Hello')
    await page.getByTestId('nav-deploy').click()
    const banner = page.getByTestId('deploy-variant-problems').locator('li[data-variant="broken"]')
    await expect.poll(() => banner.textContent(), { timeout: 30_000 }).toBe(problem)
    const option = page.getByTestId('deploy-variant').locator('option[value="broken"]')
    expect((await option.textContent())?.trim()).toBe('broken (cannot be deployed)')
    expect(await option.isDisabled()).toBe(true)
    // The readable variant is the one chosen, so Generate builds from it, not from the damaged file.
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue(), { timeout: 30_000 }).toBe('hello_int8')
  })

  it('a damaged variant index leaves the readable variant usable, marked model unknown, with the index problem', async () => {
    const { page } = web.app
    const index = join(web.project.dir, 'models', 'variants', 'index.json')
    writeFileSync(index, '{"variants": ')
    // The list is read when the step opens: leave it and come back.
    await page.getByTestId('nav-optimize').click()
    await page.getByTestId('nav-deploy').click()
    const option = page.getByTestId('deploy-variant').locator('option[value="hello_int8"]')
    await expect.poll(async () => (await option.textContent())?.trim(), { timeout: 30_000 }).toMatch(/^hello_int8 \(int8, .+\) · model unknown$/)
    expect(await option.isDisabled()).toBe(false)
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue(), { timeout: 30_000 }).toBe('hello_int8')
    await expect
      .poll(async () => (await page.getByTestId('deploy-index-problem').textContent())?.trim(), { timeout: 30_000 })
      .toBe(`${index} is damaged (not valid JSON). Delete models/variants/index.json and run the optimizations again; the .tflite files are still there. Until then, which model hello_int8 was made from cannot be told; Generate asks before building it.`)
  })
})
