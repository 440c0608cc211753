import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUNCH_FLEX_DIR } from '../helpers/fixtures'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { artifactsDir } from '../helpers/web-server'

const dataset = PUNCH_FLEX_DIR

describe('Train in Chromium', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  }, 160_000)
  afterAll(async () => {
    await app?.stop()
  })

  it('imports the real dataset, trains with live curves while the user moves around, and shows the results', async () => {
    const { page } = app
    mkdirSync(artifactsDir, { recursive: true })
    await page.goto(app.url)
    await page.evaluate(() => localStorage.setItem('microforge.theme', 'light'))
    await page.reload()
    await createProjectInUi(page, 'Punch or flex', join(app.workDir, 'projects', 'punch-flex'))
    await page.getByTestId('nav-capture').click()

    // The two recordings, one class per file (the folder also holds LICENSE and README.md, and a folder imports as one class).
    await page.getByTestId('import-paths').fill(['punch.csv', 'flex.csv'].map((f) => join(dataset, f)).join('\n'))
    await page.getByTestId('import-button').click()
    // A preview first: one row per file, the axes to take, and the rate asked for (IMU_Capture prints no time).
    await expect.poll(() => page.getByTestId('import-preview-file').count(), { timeout: 30_000 }).toBe(2)
    await page.getByTestId('import-rate-ask').waitFor()
    await page.getByTestId('import-rate').fill('50')
    await page.getByTestId('import-confirm').click()
    await expect.poll(() => page.getByTestId('class-count-punch').textContent(), { timeout: 20_000 }).toBe('17')
    expect(await page.getByTestId('class-count-flex').textContent()).toBe('43')
    await expect.poll(() => page.getByTestId('nav-train').getAttribute('data-state')).toBe('ready')

    // Export the dataset as CSV into a typed folder.
    const exported = join(app.workDir, 'exported')
    await page.getByTestId('export-format').selectOption('csv')
    await page.getByTestId('export-out').fill(exported)
    await page.getByTestId('export-button').click()
    await expect.poll(() => (existsSync(exported) ? readdirSync(exported).length : 0), { timeout: 15_000 }).toBeGreaterThan(0)

    await page.getByTestId('nav-train').click()
    await page.getByTestId('step-train').waitFor()
    await page.getByTestId('preset-dense').click()
    // The summary follows edits live: Flatten(180) -> Dense 50 -> Dense 15 -> Dense 2.
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe((180 * 50 + 50 + 50 * 15 + 15 + 15 * 2 + 2).toLocaleString('en-US'))
    await page.getByTestId('units-1').fill('20')
    await page.getByTestId('units-1').press('Tab')
    await expect.poll(() => page.getByTestId('total-params').textContent()).toBe((180 * 20 + 20 + 20 * 15 + 15 + 15 * 2 + 2).toLocaleString('en-US'))
    expect(await page.getByTestId('summary-table').locator('tbody tr').count()).toBe(4)

    // Long enough (no early stopping) that the user can wander off while it runs; cancelled below.
    await page.getByTestId('epochs').fill('10000')
    await page.getByTestId('early-stopping').uncheck()
    await page.getByTestId('seed').fill('7')
    await page.getByTestId('start-training').click()
    await page.getByTestId('job').waitFor()
    await expect.poll(() => page.getByTestId('curves').isVisible(), { timeout: 30_000 }).toBe(true)

    // Move around while it trains: every step opens while the worker trains. How long the longest
    // frame is meanwhile (budget 50 ms) is measured by `npm run bench -- ui-frames`, not asserted here.
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('step-capture').waitFor()
    await page.getByTestId('nav-connect').click()
    await page.getByTestId('step-connect').waitFor()
    expect(await page.locator('footer.status').textContent()).toMatch(/1 job running: Epoch \d+\/10000/)
    await page.getByTestId('nav-train').click()
    await page.getByTestId('step-train').waitFor()
    // What the user set up is still there, and the view is attached to the running job again.
    await expect.poll(() => page.getByTestId('epochs').inputValue()).toBe('10000')
    await expect.poll(() => page.getByTestId('job').getAttribute('data-state')).toBe('running')
    await page.screenshot({ path: join(artifactsDir, 'train-running.png') })
    // The live curves move the layout every epoch, so Playwright never sees the button "stable":
    // press it through the DOM, as a keyboard user's Enter would.
    await page.getByTestId('cancel-training').evaluate((el) => (el as HTMLButtonElement).click())
    await expect.poll(() => page.getByTestId('job').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled')

    // A short training to the end, for the results.
    await page.getByTestId('epochs').fill('60')
    await page.getByTestId('start-training').click()
    // The state with the job's message, which is its error when it failed ('cancelled' is the job before it, until this one shows).
    const ended = async (): Promise<string> => `${await page.getByTestId('job').getAttribute('data-state')}: ${await page.getByTestId('job-message').textContent()}`
    await expect.poll(ended, { timeout: 60_000 }).toMatch(/^(done|failed):/)
    expect(await ended()).toMatch(/^done:/)
    await page.getByTestId('results').waitFor()
    const acc = parseFloat((await page.getByTestId('test-accuracy').textContent()) ?? '')
    console.log(`test accuracy shown: ${acc} %`)
    expect(acc).toBeGreaterThanOrEqual(80)
    expect(await page.getByTestId('confusion').locator('tbody tr').count()).toBe(2)
    const cells = await page.locator('[data-testid^="cm-"]').allTextContents()
    expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
    expect(await page.getByTestId('train-backend').textContent()).toMatch(/wasm|tensorflow|cpu/)
    // The loss and accuracy charts (drawn as SVG since the screenshot checks read their labels).
    expect(await page.getByTestId('curves').locator('canvas, svg').count()).toBeGreaterThanOrEqual(2)
    await expect.poll(() => page.getByTestId('nav-train').getAttribute('data-state')).toBe('done')
    // What the model input is and why, and the baseline it is judged against.
    expect(await page.getByTestId('preprocessing-chosen').textContent()).toMatch(/fitted to the training windows.*nearest-neighbour agreement/)
    expect(await page.getByTestId('baseline').textContent()).toMatch(/Baseline without training: \d+\.\d %.*(above|below) it/)

    // Find a good model within a short budget: candidates appear, the best becomes the model.
    await page.getByTestId('search-budget').fill('20')
    await page.getByTestId('start-search').click()
    await expect.poll(() => page.getByTestId('search-job').getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    expect(await page.getByTestId('search-table').locator('tbody tr').count()).toBeGreaterThanOrEqual(1)
    expect(await page.getByTestId('search-reason').textContent()).toMatch(/best validation accuracy/)
    await page.getByTestId('results').waitFor()

    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0))
    await page.screenshot({ path: join(artifactsDir, 'train-light.png') })
    await page.getByTestId('results').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artifactsDir, 'train-results-light.png') })
    await page.getByTestId('theme').click()
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(artifactsDir, 'train-results-dark.png') })
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 0))
    await page.screenshot({ path: join(artifactsDir, 'train-dark.png') })
  }, 240_000)
})
