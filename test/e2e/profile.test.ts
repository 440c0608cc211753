import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Interpreter } from '../../src/main/core/quant/interpreter'
import { parseTflite } from '../../src/main/core/tflite/reader'
import { ProjectService } from '../../src/main/services/project-service'
import type { ProfileSession } from '../../src/shared/contract/profile'
import { HELLO_WORLD_TFLITE, prepareHelloProject, quantizeLikeFirmware, scoreLikeFirmware, writeSampleWindow } from '../helpers/hello-firmware'
import { openBoardEnd } from '../../src/main/sim/board-writer'
import { startPtyPair } from '../../src/main/sim/pty-pair'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { artifactsDir } from '../helpers/web-server'

describe('Profile in Chromium: the virtual board runs the firmware Deploy generated', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('deploys a variant, profiles it on the virtual board (four stages, host timings), and its classifications equal the interpreter', async () => {
    const { page } = app
    await page.goto(app.url)
    const folder = join(app.workDir, 'projects', 'sine')
    await createProjectInUi(page, 'Sine', folder)

    // What Capture, Train and Optimize would have left: classes, preprocessing, windows, a variant.
    await prepareHelloProject(new ProjectService(join(app.workDir, 'setup-config')), folder)
    const windows = [0.2, 1.5708, 3.0, 4.5, 6.0]
    windows.forEach((x, i) => writeSampleWindow(folder, `w${i}`, x))
    await page.reload()
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Sine')

    // Deploy: the variant as C-runtime firmware, in profile mode and in classify mode.
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await page.getByTestId('deploy-target').selectOption('nano33ble')
    await expect.poll(() => page.getByTestId('deploy-variant').locator('option').allTextContents()).toContainEqual(expect.stringContaining('hello_int8'))
    await page.getByTestId('deploy-variant').selectOption('hello_int8')
    for (const mode of ['classify', 'profile']) {
      await page.getByTestId('deploy-mode').selectOption(mode)
      await expect.poll(() => page.getByTestId('deploy-runtime').locator('option[value="c"]').isDisabled()).toBe(false)
      await page.getByTestId('deploy-runtime').selectOption('c')
      await page.getByTestId('deploy-generate').click()
      await expect.poll(() => page.getByTestId('deploy-result').textContent(), { timeout: 30_000 }).toContain(`_${mode}`)
    }
    const classifyDir = join(folder, 'firmware', 'hello_int8_nano33ble_c_classify')

    // Profile: the virtual board picks the newest profile-mode firmware by itself.
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await page.getByTestId('profile-source-virtual').check()
    await page.getByTestId('profile-name').fill('hello int8 (host)')
    await page.getByTestId('profile-max').fill('40')
    await page.getByTestId('profile-start').click()
    await expect.poll(() => page.getByTestId('profile-origin').textContent(), { timeout: 90_000 }).toContain('Host timings')
    await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 60_000 }).toBe('40 inferences')
    await expect.poll(() => page.locator('[data-testid^="session-"]').count(), { timeout: 30_000 }).toBe(1)
    for (const stage of ['sensor', 'preprocess', 'inference', 'output']) {
      const cell = page.getByTestId(`stage-median-${stage}`)
      await expect.poll(() => cell.getAttribute('data-us')).not.toBeNull()
      expect(Number(await cell.getAttribute('data-us')), stage).toBeGreaterThan(0)
      expect(await cell.textContent()).toMatch(/µs|ms/)
    }
    expect(await page.getByTestId('profile-arena').textContent()).toMatch(/\d+ B/)
    mkdirSync(artifactsDir, { recursive: true })
    await page.getByTestId('profile-shown').screenshot({ path: join(artifactsDir, 'profile-virtual-board.png') })

    // The classify firmware on the virtual board, fed the dataset windows in order.
    await page.getByTestId('profile-name').fill('hello int8 classify (host)')
    await page.getByTestId('profile-firmware').fill(classifyDir)
    await page.getByTestId('profile-max').fill('10')
    await page.getByTestId('profile-start').click()
    await expect.poll(() => page.locator('[data-testid^="session-"]').count(), { timeout: 90_000 }).toBe(2)
    await expect.poll(() => page.getByTestId('profile-classification').textContent(), { timeout: 30_000 }).toContain('sine')

    const ids = await page.locator('[data-testid^="session-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')!.slice('session-'.length)))
    const sessions = ids.map((id) => JSON.parse(readFileSync(join(folder, 'profiles', `${id}.json`), 'utf8')) as ProfileSession)

    // The profile as CSV, downloaded the way the browser saves it: one row per inference.
    const profiled = sessions.find((s) => s.name === 'hello int8 (host)')!
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${profiled.id}`).click()])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    // Chromium runs behind a connection (test/e2e/global-setup.ts): the file is copied here, not read where it landed.
    const saved = join(app.workDir, download.suggestedFilename())
    await download.saveAs(saved)
    const csv = readFileSync(saved, 'utf8').trim().split('\n')
    expect(csv[0]).toBe('index,time_ms,sensor_us,preprocess_us,inference_us,output_us,total_us')
    expect(csv).toHaveLength(profiled.samples.length + 1)
    expect(csv.slice(1).every((row) => row.split(',').length === 7 && Number(row.split(',')[4]) > 0)).toBe(true)
    const classify = sessions.find((s) => s.name.includes('classify'))!
    expect(classify.origin).toBe('host')
    expect(classify.windowIds).toEqual(windows.map((_, i) => `w${i}`))
    expect(classify.classifications.length).toBeGreaterThanOrEqual(10)

    // Every classification the firmware printed equals the TypeScript interpreter's for that window.
    const interpreter = new Interpreter(parseTflite(new Uint8Array(readFileSync(HELLO_WORLD_TFLITE))))
    const qin = interpreter.inputs[0].quantization!
    const qout = interpreter.outputs[0].quantization!
    for (const c of classify.classifications) {
      const x = windows[c.window!]
      const out = Array.from(interpreter.invoke([Int8Array.of(quantizeLikeFirmware(x, qin.scale[0], qin.zeroPoint[0]))])[0])
      expect(c.label).toBe('sine')
      expect(c.scores, `window ${c.window} (aX ${x})`).toEqual(out.map((q) => scoreLikeFirmware(q, qout.scale[0], qout.zeroPoint[0])))
    }
    // The known point: sin(pi/2) = 1 -> int8 126 -> 1.003 after dequantization.
    expect(classify.classifications.find((c) => c.window === 1)?.scores).toEqual([1.003])

    // Both sessions side by side, as Markdown.
    for (const id of ids) await page.getByTestId(`select-${id}`).check()
    await page.getByTestId('compare-button').click()
    await expect.poll(() => page.getByTestId('compare-markdown').textContent()).toContain('| Metric |')
    expect(await page.getByTestId('compare-markdown').textContent()).toContain('| Timing | host (this computer) | host (this computer) |')
    await page.getByTestId('comparison').screenshot({ path: join(artifactsDir, 'profile-comparison.png') })
  })
  it('a board on a serial port that says nothing gets a hint within seconds; its first timing line clears it', async () => {
    const { page } = app
    const pair = await startPtyPair(join(app.workDir, 'quiet-board'))
    const board = openBoardEnd(pair.boardLink)
    board.on('error', () => undefined)
    try {
      // The app reopens the last project; a new one comes from the project picker.
      await page.goto(app.url)
      await page.getByTestId('switch-project').click()
      await createProjectInUi(page, 'Quiet', join(app.workDir, 'projects', 'quiet'))
      await page.getByTestId('nav-profile').click()
      await page.getByTestId('profile-source-serial').check()
      await page.getByTestId('profile-port').fill(pair.link)
      await page.getByTestId('profile-start').click()
      await expect.poll(() => page.getByTestId('profile-silent').textContent(), { timeout: 15_000 }).toContain(`Nothing received from ${pair.link}`)
      board.write('sensor:180 preprocess:210 inference:1200 output:5 us\n')
      await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 10_000 }).toBe('1 inferences')
      expect(await page.getByTestId('profile-silent').count()).toBe(0)
      await page.getByTestId('profile-stop').click()
      await expect.poll(() => page.getByTestId('profile-stop').count(), { timeout: 10_000 }).toBe(0)
    } finally {
      board.destroy()
      await pair.close()
    }
  })

  it('a run that ends while the user is on another step is not shown as running when they come back', async () => {
    // A page of its own: it shows the project picker, not the last project.
    const page = await app.browser.newPage()
    const pair = await startPtyPair(join(app.workDir, 'ends-away-board'))
    const board = openBoardEnd(pair.boardLink)
    board.on('error', () => undefined)
    try {
      await page.goto(app.url)
      const folder = join(app.workDir, 'projects', 'ends-away')
      await createProjectInUi(page, 'Ends away', folder)
      await page.getByTestId('nav-profile').click()
      await page.getByTestId('profile-source-serial').check()
      await page.getByTestId('profile-port').fill(pair.link)
      await page.getByTestId('profile-max').fill('1')
      await page.getByTestId('profile-start').click()
      await page.getByTestId('profile-stop').waitFor()

      // On Capture, the step's live events are not listened to: the run's one inference ends it there.
      await page.getByTestId('nav-capture').click()
      await page.getByTestId('step-capture').waitFor()
      board.write('sensor:180 preprocess:210 inference:1200 output:5 us\n')
      const profiles = join(folder, 'profiles')
      await expect.poll(() => (existsSync(profiles) ? readdirSync(profiles).filter((f) => f.endsWith('.json')).length : 0), { timeout: 15_000 }).toBeGreaterThan(0)

      await page.getByTestId('nav-profile').click()
      await expect.poll(() => page.locator('[data-testid^="session-"]').count()).toBeGreaterThan(0)
      await expect.poll(() => page.getByTestId('profile-stop').count()).toBe(0)
      expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    } finally {
      board.destroy()
      await pair.close()
      await page.close()
    }
  })
})
