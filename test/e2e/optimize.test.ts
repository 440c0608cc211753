/**
 * Optimize in a real Chromium against `npm run web`: the forms submit with their default values
 * (the browser's own constraint validation included), variants appear in the table, the budget
 * recommends one, a sweep draws its curve, and Deploy offers the post-training-quantized variant.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { openProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { artifactsDir } from '../helpers/web-server'

describe('Optimize in Chromium on the real punch/flex recordings', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('creates the default variants, recommends one for a budget, runs a sweep, and Deploy picks PTQ', async () => {
    const { page } = app
    const root = join(app.workDir, 'pf')
    const project = join(root, 'project')
    const { services } = await makePunchFlexProject(root)
    const { jobId } = await services.training.start(project, { preset: 'cnn1d', epochs: 30, seed: 42, backend: 'wasm' })
    expect((await services.jobs.wait(jobId)).state).toBe('done')

    await openProjectInUi(app, project, 'punch-flex')
    await page.getByTestId('nav-optimize').click()
    await page.getByTestId('optimize-view').waitFor()

    // The default selection and settings, submitted as a user would: by the button.
    const table = page.getByTestId('variant-table')
    await page.getByTestId('optimize-start').click()
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 180_000 }).toBe(6)
    await expect.poll(() => page.getByTestId('optimize-start').isEnabled(), { timeout: 60_000 }).toBe(true)
    const rows = (await table.locator('tbody tr').allTextContents()).join('\n')
    for (const title of ['Float32', 'Int8 post-training quantization', 'Int8 PTQ, one weight scale per tensor', 'Dynamic range', 'Float16', 'quantization-aware training']) {
      expect(rows).toContain(title)
    }
    // TFLM cannot load the hybrid and float16 variants: the table says so, with the reason on hover.
    await expect.poll(() => table.getByTestId(/^no-tflm-/).count()).toBe(2)
    expect(await table.getByTestId('no-tflm-fp16').getAttribute('title')).toMatch(/float16/)

    // The budget form with its defaults: PTQ is the decision tree's first answer.
    await page.getByTestId('recommend').click()
    await expect.poll(() => page.getByTestId('recommendation').textContent()).toMatch(/^\s*ptq\b/)
    await expect.poll(() => table.locator('tbody tr', { hasText: '✓ fits' }).count()).toBeGreaterThan(0)

    // A budget nothing meets: no variant, and the next step is a smaller model.
    await page.getByLabel('Flash (KB)').fill('1')
    await page.getByLabel('Latency (ms)').fill('0.25')
    await page.getByTestId('recommend').click()
    await expect.poll(() => page.getByTestId('recommendation').textContent()).toContain('No variant fits yet')
    expect(await page.getByTestId('recommendation').textContent()).toMatch(/smaller model/i)

    // A two-point sparsity sweep draws its trade-off curve.
    await page.getByTestId('sweep-input').fill('50, 90')
    await page.getByRole('button', { name: 'Run sweep' }).click()
    await expect.poll(() => page.getByRole('heading', { name: 'Sparsity sweep' }).count(), { timeout: 180_000 }).toBe(1)
    // Each point of the sweep is a variant of its own, named by its sparsity.
    await expect.poll(async () => (await table.locator('tbody tr').allTextContents()).join('\n')).toMatch(/Magnitude pruning to 50% \+ int8[\s\S]*Magnitude pruning to 90% \+ int8/)
    mkdirSync(artifactsDir, { recursive: true })
    await page.getByTestId('optimize-view').screenshot({ path: join(artifactsDir, 'optimize.png') })
    await table.screenshot({ path: join(artifactsDir, 'optimize-variants.png') })

    // Deploy offers the post-training-quantized variant first.
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue()).toBe('ptq')
    await expect.poll(() => page.getByTestId('deploy-fit').textContent()).toContain('fits')
    // The Deploy form by keyboard (SelectField): Mode is named by its label; ArrowUp picks Capture, which
    // runs no model, ArrowDown goes back to Classify, and Tab moves on to Runtime.
    await page.getByRole('combobox', { name: 'Mode', exact: true }).focus()
    await page.keyboard.press('ArrowUp')
    expect(await page.getByTestId('deploy-mode').inputValue()).toBe('capture')
    expect(await page.getByTestId('deploy-variant').isDisabled()).toBe(true)
    await page.keyboard.press('ArrowDown')
    expect(await page.getByTestId('deploy-mode').inputValue()).toBe('classify')
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('deploy-runtime')
    await page.getByTestId('deploy-view').screenshot({ path: join(artifactsDir, 'deploy.png') })

    // Generating again never replaces a firmware folder silently: the user may have edited it.
    await page.getByTestId('deploy-generate').click()
    await expect.poll(() => page.getByTestId('deploy-result').textContent(), { timeout: 30_000 }).toContain('ptq_nano33ble_tflm_classify')
    const firmware = join(project, 'firmware', 'ptq_nano33ble_tflm_classify')
    writeFileSync(join(firmware, 'my-notes.txt'), 'edited in the IDE')
    await page.getByTestId('deploy-generate').click()
    await expect.poll(() => page.getByTestId('deploy-exists').textContent()).toContain('already exists')
    await page.getByTestId('deploy-keep').click()
    expect(await page.getByTestId('deploy-exists').count()).toBe(0)
    expect(existsSync(join(firmware, 'my-notes.txt'))).toBe(true)
    await page.getByTestId('deploy-generate').click()
    await page.getByTestId('deploy-replace').click()
    await expect.poll(() => page.getByTestId('deploy-result').textContent(), { timeout: 30_000 }).toContain('ptq_nano33ble_tflm_classify')
    expect(existsSync(join(firmware, 'my-notes.txt'))).toBe(false)

    // Back later: the table and the default budget's recommendation are there without a click.
    await page.reload()
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('punch-flex')
    await page.getByTestId('nav-optimize').click()
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 30_000 }).toBe(8)
    await expect.poll(() => page.getByTestId('recommendation').textContent()).toMatch(/^\s*ptq\b/)
    expect(await page.getByTestId('stale-note').count()).toBe(0)

    // Trained again: every variant belongs to the earlier model and says so.
    const again = await services.training.start(project, { preset: 'cnn1d', epochs: 5, seed: 3, backend: 'wasm' })
    expect((await services.jobs.wait(again.jobId)).state).toBe('done')
    await page.reload()
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('punch-flex')
    await page.getByTestId('nav-optimize').click()
    await expect.poll(() => page.getByTestId('stale-note').textContent()).toContain('8 of these were made from the model you trained before')
    expect(await table.locator('tbody tr[data-stale="true"]').count()).toBe(8)
    await expect.poll(() => page.getByTestId('recommendation').textContent()).toContain('No variant fits yet')
  })
})
