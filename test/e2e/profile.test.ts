import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Interpreter } from '../../src/main/core/interpreter'
import { parseTflite } from '../../src/main/core/tflite/reader'
import type { ProfileSession } from '../../src/shared/contract/profile'
import { HELLO_WORLD_TFLITE, quantizeLikeFirmware, writeHelloWorldFirmware, writeSampleWindow } from '../helpers/hello-firmware'
import { artifactsDir, startWebApp, type WebApp } from '../helpers/web-app'

describe('Profile in Chromium: the virtual board runs the generated firmware', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('profiles the generated firmware on the virtual board: four stages, host timings, classifications equal the interpreter', async () => {
    const { page } = app
    await page.goto(app.url)
    await page.getByTestId('create-form').waitFor()
    const folder = join(app.workDir, 'projects', 'sine')
    await page.getByTestId('project-name').fill('Sine')
    await page.getByTestId('project-folder').fill(folder)
    await page.getByTestId('project-folder').press('Enter')
    await expect.poll(() => page.getByTestId('project-title').textContent()).toBe('Sine')

    // The firmware Deploy writes for the C runtime, and dataset windows for the board to read.
    writeHelloWorldFirmware(join(folder, 'firmware', 'hello_c_profile'))
    const windows = [0.2, 1.5708, 3.0, 4.5, 6.0]
    windows.forEach((x, i) => writeSampleWindow(folder, `w${i}`, x))

    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await page.getByTestId('profile-source-virtual').check()
    await page.getByTestId('profile-name').fill('hello host')
    await page.getByTestId('profile-max').fill('40')
    await page.getByTestId('profile-start').click()

    // Live data arrives, then the session stops by itself after 40 inferences and is shown saved.
    await expect.poll(() => page.getByTestId('profile-origin').textContent(), { timeout: 60_000 }).toContain('Host timings')
    await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 60_000 }).toBe('40 inferences')
    await expect.poll(() => page.locator('[data-testid^="session-"]').count(), { timeout: 30_000 }).toBe(1)

    for (const stage of ['sensor', 'preprocess', 'inference', 'output']) {
      const cell = page.getByTestId(`stage-median-${stage}`)
      await expect.poll(() => cell.getAttribute('data-us')).not.toBeNull()
      expect(Number(await cell.getAttribute('data-us'))).toBeGreaterThan(0)
      expect(await cell.textContent()).toMatch(/µs|ms/)
    }
    expect(await page.getByTestId('profile-arena').textContent()).toContain('32 B')
    expect(await page.getByTestId('profile-classification').textContent()).toContain('sine')

    // Every classification the firmware printed equals the TypeScript interpreter's for that window.
    const id = (await page.locator('[data-testid^="session-"]').first().getAttribute('data-testid'))!.slice('session-'.length)
    const session = JSON.parse(readFileSync(join(folder, 'profiles', `${id}.json`), 'utf8')) as ProfileSession
    expect(session.origin).toBe('host')
    expect(session.windowIds).toEqual(windows.map((_, i) => `w${i}`))
    const model = parseTflite(new Uint8Array(readFileSync(HELLO_WORLD_TFLITE)))
    const interpreter = new Interpreter(model)
    const q = interpreter.inputs[0].quantization!
    expect(session.classifications.length).toBeGreaterThanOrEqual(39)
    for (const c of session.classifications) {
      const x = windows[c.window!]
      const input = Int8Array.of(quantizeLikeFirmware(x, q.scale[0], q.zeroPoint[0]))
      const expected = Array.from(interpreter.invoke([input])[0])
      expect(c.scores, `window ${c.window} (aX ${x})`).toEqual(expected)
    }
    // The known point: sin(pi/2) = 1 -> int8 126.
    expect(session.classifications.find((c) => c.window === 1)?.scores).toEqual([126])

    await page.getByTestId(`select-${id}`).check()
    await page.getByTestId('compare-button').click()
    await expect.poll(() => page.getByTestId('compare-markdown').textContent()).toContain('| Metric | hello host |')
    expect(await page.getByTestId('compare-markdown').textContent()).toContain('| Timing | host (this computer) |')

    mkdirSync(artifactsDir, { recursive: true })
    await page.getByTestId('profile-shown').screenshot({ path: join(artifactsDir, 'profile-virtual-board.png') })
    await page.getByTestId('comparison').screenshot({ path: join(artifactsDir, 'profile-comparison.png') })
  })
})
