/**
 * Stale means stale, in Chromium against `npm run web`: after retraining, Deploy asks in a real
 * dialog before building from a variant of the earlier model (Esc cancels and writes nothing,
 * Enter confirms and builds), and the Profile view marks the session that measured the earlier model.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { writeTrainedFloatModel as train } from '../helpers/hello-firmware'
import { openProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { helloServicesProject, type ServicesProject } from '../helpers/services-project'

describe('a variant and a profile of an earlier model, in the browser', { timeout: 300_000 }, () => {
  let app: WebApp
  let project: ServicesProject
  let services: Services
  let dir: string

  beforeAll(async () => {
    app = await startWebApp()
    project = await helloServicesProject({ root: app.workDir, trained: true })
    ;({ dir, services } = project)
    // Profiled on the virtual board while it was the current model, then trained again.
    const fw = await services.api.deploy.generate({ projectDir: dir, variant: 'hello_int8', target: 'pico', runtime: 'c', mode: 'profile', kind: 'platformio', name: 'hello_profile' })
    await services.api.profile.start(dir, { kind: 'virtual', firmwareDir: fw.path, windows: 'dataset' }, { name: 'before retraining', maxInferences: 3 })
    // The session must be saved before retraining; compiling the firmware took over 60 s at load 17.
    for (let i = 0; i < 960 && (await services.api.profile.live()).length > 0; i++) await new Promise((r) => setTimeout(r, 250))
    expect(await services.api.profile.list(dir)).toHaveLength(1)
    await train(dir, 2)
  }, 400_000)
  afterAll(async () => {
    await project?.dispose()
    await app?.stop()
  })

  it('Deploy asks in a dialog: Esc cancels and writes nothing, Enter builds', async () => {
    const { page } = app
    await openProjectInUi(app, dir, 'Hello')
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-mode').selectOption('classify')
    await page.getByTestId('deploy-kind').selectOption('platformio')
    await expect.poll(() => page.getByTestId('deploy-stale').textContent()).toContain('hello_int8 was made from an earlier model')
    const out = join(dir, 'firmware', 'hello_int8_nano33ble_tflm_classify')

    await page.getByTestId('deploy-generate').click()
    const dialog = page.getByTestId('deploy-stale-dialog')
    await dialog.waitFor()
    expect(await dialog.getAttribute('role')).toBe('alertdialog')
    expect(await page.evaluate(() => (document.querySelector('[data-testid="deploy-stale-dialog"]') as HTMLDialogElement).open)).toBe(true)
    // The confirm button has focus, so Enter would build; Esc is the way out.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('confirm-yes')
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(existsSync(out)).toBe(false)
    // Focus is back where it was: Generate.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('deploy-generate')

    await page.keyboard.press('Enter')
    await dialog.waitFor()
    await page.keyboard.press('Enter')
    await expect.poll(() => existsSync(out), { timeout: 60_000 }).toBe(true)
    expect(await dialog.count()).toBe(0)
    expect((await services.api.project.open(dir)).stale.firmware).toBe(2)
  })

  it('the Profile view marks the session of the earlier model', async () => {
    const { page } = app
    await page.getByTestId('nav-profile').click()
    const rows = page.getByTestId('profile-sessions').locator('tbody tr')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1)
    expect(await rows.first().getAttribute('data-stale')).toBe('true')
    expect(await rows.first().textContent()).toContain('earlier model')
    await rows.first().getByRole('button', { name: 'before retraining', exact: true }).click()
    await expect.poll(() => page.getByTestId('profile-viewed-stale').textContent()).toContain('measured an earlier model')
    expect(await page.getByTestId('nav-profile').getAttribute('data-state')).toBe('ready')
  })
})
