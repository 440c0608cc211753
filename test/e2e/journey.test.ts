/**
 * The whole product as a user without a board meets it, in Chromium against `npm run web`, with
 * nothing prepared: create a project, start the virtual board, record three gestures, train,
 * quantize, generate C-runtime profile firmware, and profile it on the virtual board.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { artifactsDir } from '../helpers/web-server'

describe('the six steps, start to finish, without hardware', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  // About 70 s of recording, then training, quantization, a host build and profiling: on a busy
  // 2-core machine the whole path takes several minutes.
  it('records gestures from the virtual board, trains a model that tells them apart, quantizes, deploys and profiles', { timeout: 540_000 }, async () => {
    const { page } = app
    await page.goto(app.url)
    await createProjectInUi(page, 'Journey', join(app.workDir, 'projects', 'journey'))

    // 1. Connect
    await page.getByTestId('step-connect').waitFor()
    await page.getByTestId('sim-rate').selectOption('100')
    await page.getByTestId('virtual-board').click()
    await expect.poll(() => page.getByTestId('device-state').textContent(), { timeout: 10_000 }).toBe('Receiving data')

    // 2. Capture: the virtual board performs whatever label is being recorded.
    await page.getByTestId('go-capture').click()
    await page.getByTestId('step-capture').waitFor()
    const classes = ['wave', 'punch', 'flex']
    for (const name of classes) {
      await page.getByTestId('new-class').fill(name)
      await page.getByTestId('new-class').press('Enter')
      await page.getByTestId(`class-${name}`).waitFor()
    }
    await page.getByTestId('trigger').selectOption('continuous')
    // 1.5 s windows hold a whole gesture wherever the stream is cut; 15 per class is about 70 s
    // of recording in all, and gives every class 3 test windows (the split follows each class).
    await page.getByTestId('window-length').fill('150')
    await page.getByTestId('record-count').fill('15')
    await page.getByTestId('countdown').fill('2')
    for (const name of classes) {
      await page.getByTestId('record-label').selectOption(name)
      await page.getByTestId('record-button').click()
      await expect.poll(() => page.getByTestId(`class-count-${name}`).textContent(), { timeout: 90_000 }).toBe('15')
      await expect.poll(() => page.getByTestId('record-button').isEnabled(), { timeout: 10_000 }).toBe(true)
    }

    for (const name of classes) {
      expect(await page.getByTestId(`split-row-${name}`).locator('td').nth(2).textContent(), name).toBe('3')
    }
    // The banner reads the project summary, which is re-read beside the window list the counts above come from.
    await expect.poll(() => page.getByTestId('few-test-windows').count()).toBe(0)

    // 3. Train the 1D CNN with its defaults.
    await page.getByTestId('nav-train').click()
    await page.getByTestId('step-train').waitFor()
    await page.getByTestId('preset-cnn1d').click()
    await page.getByTestId('seed').fill('7')
    await page.getByTestId('start-training').click()
    await expect.poll(() => page.getByTestId('job').getAttribute('data-state'), { timeout: 120_000 }).toBe('done')
    await page.getByTestId('results').waitFor()
    // Three classes, 3 test windows each (9 in all, one window is 11 points): the gestures differ
    // enough that at most two of the nine may be wrong (a model at chance, 33%, passes 1 time in 100).
    const accuracy = parseFloat((await page.getByTestId('test-accuracy').textContent()) ?? '')
    expect(accuracy).toBeGreaterThanOrEqual(77)

    // 4. Optimize: post-training quantization only.
    await page.getByTestId('nav-optimize').click()
    await page.getByTestId('optimize-view').waitFor()
    for (const kind of ['ptq-per-tensor', 'dynamic', 'fp16', 'qat']) await page.getByTestId(`variant-${kind}`).uncheck()
    // The default accuracy floor: within 1 point of float32 (int8 should lose nothing here).
    expect(await page.getByTestId('floor-mode').inputValue()).toBe('relative')
    await page.getByTestId('optimize-start').click()
    await expect.poll(() => page.getByTestId('variant-table').locator('tbody tr').count(), { timeout: 120_000 }).toBe(2)
    await expect.poll(() => page.getByTestId('recommendation').textContent(), { timeout: 30_000 }).toMatch(/^\s*ptq\b/)

    // 5. Deploy: PTQ as C-runtime profile firmware.
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await expect.poll(() => page.getByTestId('deploy-variant').inputValue()).toBe('ptq')
    await page.getByTestId('deploy-mode').selectOption('profile')
    await expect.poll(() => page.getByTestId('deploy-runtime').locator('option[value="c"]').isDisabled()).toBe(false)
    await page.getByTestId('deploy-runtime').selectOption('c')
    await page.getByTestId('deploy-generate').click()
    await expect.poll(() => page.getByTestId('deploy-result').textContent(), { timeout: 60_000 }).toContain('ptq_nano33ble_c_profile')

    // 6. Profile the generated firmware on the virtual board (compiled for this computer).
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    // It starts from what Deploy generated: the variant and the board, for measured-vs-estimated.
    await expect.poll(() => page.getByTestId('profile-variant').inputValue()).toBe('ptq')
    expect(await page.getByTestId('profile-target').inputValue()).toBe('nano33ble')
    await page.getByTestId('profile-source-virtual').check()
    await page.getByTestId('profile-name').fill('ptq (host)')
    await page.getByTestId('profile-max').fill('30')
    await page.getByTestId('profile-start').click()
    await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 120_000 }).toBe('30 inferences')
    for (const stage of ['sensor', 'preprocess', 'inference', 'output']) {
      await expect.poll(() => page.getByTestId(`stage-median-${stage}`).getAttribute('data-us')).not.toBeNull()
      expect(Number(await page.getByTestId(`stage-median-${stage}`).getAttribute('data-us')), stage).toBeGreaterThan(0)
    }
    for (const step of ['connect', 'capture', 'train', 'optimize', 'deploy', 'profile']) {
      await expect.poll(() => page.getByTestId(`nav-${step}`).getAttribute('data-state'), { timeout: 10_000 }).toBe('done')
    }
    mkdirSync(artifactsDir, { recursive: true })
    await page.screenshot({ path: join(artifactsDir, 'journey-profile.png') })
  })
})
