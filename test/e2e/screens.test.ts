/**
 * The first-run journey as a user sees it, at 1400x900 and 1024x768: virtual board, three classes,
 * train, optimize, deploy, profile twice and compare. Every step saves a screenshot per size in
 * test-results/screens/ and fails on a panel wider than its card, chart labels that overlap or are
 * cut off, or any console error. Along the way it checks the first-run findings of issue #15.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkScreens } from '../helpers/screen-check'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'

describe('first run, screen by screen', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('every step fits its screen, with readable charts and no console errors', { timeout: 600_000 }, async () => {
    const { page } = app
    const problems: string[] = []
    const shoot = async (step: string): Promise<void> => {
      problems.push(...(await checkScreens(page, step)))
    }
    await page.setViewportSize({ width: 1400, height: 900 })
    await page.goto(app.url)
    await page.getByTestId('create-form').waitFor()
    await shoot('00-start')
    const projectDir = join(app.workDir, 'projects', 'screens')
    await createProjectInUi(page, 'Wrist gestures Übung 1', projectDir)

    // Connect: the virtual board.
    await page.getByTestId('step-connect').waitFor()
    await page.getByTestId('sim-rate').selectOption('100')
    await page.getByTestId('virtual-board').click()
    await expect.poll(() => page.getByTestId('device-state').textContent(), { timeout: 10_000 }).toBe('Receiving data')
    await shoot('01-connect')

    // Capture: three classes, 10 windows each.
    await page.getByTestId('go-capture').click()
    await page.getByTestId('step-capture').waitFor()
    const classes = ['wave', 'punch', 'flex']
    for (const name of classes) {
      await page.getByTestId('new-class').fill(name)
      await page.getByTestId('new-class').press('Enter')
      await page.getByTestId(`class-${name}`).waitFor()
    }
    await page.getByTestId('trigger').selectOption('continuous')
    await page.getByTestId('window-length').fill('150')
    await page.getByTestId('record-count').fill('10')
    await page.getByTestId('countdown').fill('1')
    for (const name of classes) {
      await page.getByTestId('record-label').selectOption(name)
      await page.getByTestId('record-button').click()
      await expect.poll(() => page.getByTestId(`class-count-${name}`).textContent(), { timeout: 120_000 }).toBe('10')
      await expect.poll(() => page.getByTestId('record-button').isEnabled(), { timeout: 10_000 }).toBe(true)
    }
    await shoot('02-capture')
    await page.getByTestId('next-train').click()

    // Train: a window opened mid-training shows the running job's settings, not the form's defaults.
    await page.getByTestId('step-train').waitFor()
    await page.getByTestId('preset-cnn1d').click()
    await page.getByTestId('epochs').fill('140')
    await page.getByTestId('seed').fill('7')
    await page.getByTestId('start-training').click()
    await expect.poll(() => page.getByTestId('job').getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    // Another window (its own storage): it reopens this project on the Train step.
    const second = await app.browser.newPage({ viewport: { width: 1400, height: 900 } })
    await second.addInitScript((dir) => {
      localStorage.setItem('microforge.lastProject', dir)
      localStorage.setItem('microforge.lastStep', 'train')
    }, projectDir)
    await second.goto(app.url)
    await second.getByTestId('step-train').waitFor()
    expect(await second.getByTestId('epochs').inputValue()).toBe('140')
    await second.close()
    await expect.poll(() => page.getByTestId('job').getAttribute('data-state'), { timeout: 180_000 }).toBe('done')
    await page.getByTestId('results').waitFor()
    await page.getByTestId('results').scrollIntoViewIfNeeded()
    await shoot('03-train')

    // Optimize: progress rows name their variant; then the table, the advice and the chart.
    await page.getByTestId('go-optimize').click()
    await page.getByTestId('optimize-view').waitFor()
    for (const kind of ['dynamic', 'fp16', 'qat']) await page.getByTestId(`variant-${kind}`).uncheck()
    // An absolute floor of 50 %, entered in percent, so a verdict and a recommendation exist on this small dataset.
    await page.getByTestId('floor-mode').selectOption('absolute')
    await page.getByTestId('min-accuracy').fill('50')
    await page.getByTestId('optimize-start').click()
    await expect.poll(() => page.getByTestId('optimize-job').count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3)
    // Queued variants say which they are while they wait ("Int8 PTQ, per-tensor: waiting for …").
    for (const r of await page.getByTestId('optimize-job').allTextContents()) expect(r).not.toMatch(/^\s*(Waiting|Starting|Done)/)
    await expect.poll(() => page.getByTestId('variant-table').locator('tbody tr').count(), { timeout: 240_000 }).toBe(3)
    await expect.poll(() => page.getByTestId('recommendation').textContent(), { timeout: 30_000 }).toMatch(/\S/)
    const trail = await page.getByTestId('recommendation').locator('li').allTextContents()
    const numbers = trail.map((t) => /^(\d+)\./.exec(t.trim())?.[1]).filter((n): n is string => !!n)
    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1)))
    // Column titles explain themselves on hover.
    for (const term of ['macs', 'arena', 'host', 'job', 'gzip']) expect(await page.locator(`[data-term="${term}"]`).first().getAttribute('title')).toMatch(/.{20}/)
    await page.getByTestId('variant-table').scrollIntoViewIfNeeded()
    await shoot('04-optimize')

    // Deploy: profile firmware in the C runtime.
    await page.getByTestId('next-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue()).not.toBe('')
    await page.getByTestId('deploy-variant').selectOption('ptq')
    await page.getByTestId('deploy-mode').selectOption('profile')
    await expect.poll(() => page.getByTestId('deploy-runtime').locator('option[value="c"]').isDisabled()).toBe(false)
    await page.getByTestId('deploy-runtime').selectOption('c')
    await page.getByTestId('deploy-generate').click()
    await expect.poll(() => page.getByTestId('deploy-result').textContent(), { timeout: 60_000 }).toContain('ptq_nano33ble_c_profile')
    await shoot('05-deploy')

    // Connect, "Run my firmware": the profile firmware's lines are recognised, not called garbled.
    await page.getByTestId('nav-connect').click()
    await page.getByTestId('step-connect').waitFor()
    await page.getByTestId('virtual-board').click()
    await expect.poll(() => page.getByTestId('firmware-board').isEnabled(), { timeout: 10_000 }).toBe(true)
    await page.getByTestId('firmware-board').click()
    // Compiling and starting the firmware shares 2 cores with the other test lanes: a failure says what the page showed.
    await expect
      .poll(async () => Number((await page.getByTestId('profile-lines').textContent())?.replace(/\D/g, '') || 0), { timeout: 120_000 })
      .toBeGreaterThan(0)
      .catch(async (err: Error) => {
        const shown = await page.locator('.toast, [role="status"], [role="alert"]').allTextContents()
        throw new Error(`${err.message}\nThe page showed: ${JSON.stringify(shown)}`)
      })
    await page.waitForTimeout(1500)
    expect(await page.getByTestId('garbled').textContent()).toBe('0')
    expect((await page.getByTestId('device-warning').textContent().catch(() => '')) ?? '').not.toMatch(/does not look like numbers|baud rate/)
    await shoot('06-connect-firmware')
    await page.getByTestId('virtual-board').click()

    // Profile twice on the virtual board, then compare.
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await page.getByTestId('profile-source-virtual').check()
    for (const [name, n] of [['ptq (host) A', '40'], ['ptq (host) B', '30']] as const) {
      await page.getByTestId('profile-name').fill(name)
      await page.getByTestId('profile-max').fill(n)
      await page.getByTestId('profile-start').click()
      await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 120_000 }).toBe(`${n} inferences`)
      await expect.poll(() => page.getByTestId('profile-start').isVisible(), { timeout: 20_000 }).toBe(true)
    }
    await shoot('07-profile')
    for (const box of await page.locator('[data-testid^="select-"]').all()) await box.check()
    await page.getByTestId('compare-button').click()
    await page.getByTestId('comparison').waitFor()
    await page.getByTestId('comparison').scrollIntoViewIfNeeded()
    await shoot('08-compare')

    expect(problems).toEqual([])
    expect(app.consoleErrors).toEqual([])
  })
})
