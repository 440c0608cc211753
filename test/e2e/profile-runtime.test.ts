/**
 * Issue #12.4 in Chromium, without a TFLM SDK: Profile offers the runtime (C runtime, TFLM
 * reference, TFLM + CMSIS-NN only on QEMU); choosing TFLM with no SDK set says so plainly, names
 * the folder to choose and keeps Start disabled; a folder with the SDK's layout inside the allowed
 * folders is saved, one outside them is refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { artifactsDir } from '../helpers/web-server'

describe('Profile runtime choice and the TFLM SDK state', () => {
  let app: WebApp
  // The shared server runs without MICROFORGE_TFLM (test/e2e/global-setup.ts) and allows app.workDir, not app.outsideDir.
  const outside = (): string => join(app.outsideDir, 'tflm')

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('shows the runtime choice, "TFLM SDK not set" with the folder to choose, takes an allowed folder, and compares saved runtimes', async () => {
    const { page } = app
    await page.goto(app.url)
    await createProjectInUi(page, 'Runtimes', join(app.workDir, 'projects', 'runtimes'))
    // Deploy (TFLM is its default runtime) says the virtual board needs the SDK, and its default folder name carries the runtime, so both runtimes are kept.
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await expect.poll(() => page.getByTestId('deploy-tflm-sdk-missing').textContent()).toMatch(/TFLM SDK not set.*choose the folder that holds\s+include\//s)
    expect(await page.getByTestId('deploy-name').getAttribute('placeholder')).toMatch(/_nano33ble_tflm_classify$/)
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()

    const runtime = page.getByTestId('profile-runtime')
    expect(await runtime.locator('option').allTextContents()).toEqual(['C runtime (Microforge)', 'TFLM reference kernels', 'TFLM + CMSIS-NN (QEMU Cortex-M4 only)'])
    expect(await page.getByTestId('profile-tflm-sdk').count()).toBe(0)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    expect(await runtime.locator('option[value="tflm-cmsis-nn"]').isDisabled()).toBe(true)

    await runtime.selectOption('tflm-reference')
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-missing').textContent()).toMatch(/TFLM SDK not set\s+— choose the folder that holds include\/.*host\/libtflm\.a/s)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(true)

    // QEMU unlocks CMSIS-NN; back on this computer, CMSIS-NN falls back to reference kernels.
    await page.getByTestId('profile-engine').selectOption('qemu')
    await runtime.selectOption('tflm-cmsis-nn')
    await page.getByTestId('profile-engine').selectOption('host')
    expect(await runtime.inputValue()).toBe('tflm-reference')

    const allowed = join(app.workDir, 'tflm-sdk')
    for (const dir of [outside(), allowed]) {
      mkdirSync(join(dir, 'include', 'tensorflow', 'lite', 'micro'), { recursive: true })
      mkdirSync(join(dir, 'host'), { recursive: true })
      writeFileSync(join(dir, 'include', 'tensorflow', 'lite', 'micro', 'micro_interpreter.h'), '// layout only\n')
      writeFileSync(join(dir, 'host', 'libtflm.a'), '!<arch>\n')
    }
    await page.getByTestId('profile-tflm-sdk-input').fill(outside())
    await page.getByTestId('profile-tflm-sdk-save').click()
    await expect.poll(() => page.locator('.toast.error').allTextContents()).toContainEqual(expect.stringMatching(/Refused: the TFLM SDK folder .* is outside/))
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(true)

    await page.getByTestId('profile-tflm-sdk-input').fill(allowed)
    await page.getByTestId('profile-tflm-sdk-save').click()
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-ok').textContent()).toContain(allowed)
    expect(await page.getByTestId('profile-tflm-sdk-missing').count()).toBe(0)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    // This layout has no Cortex-M4 libraries: the emulated board's run says which one it lacks.
    await page.getByTestId('profile-engine').selectOption('qemu')
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-missing').textContent()).toContain('cortex-m4/reference/libtflm.a')
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(true)
    expect(app.consoleErrors.filter((e) => !/Refused|PATH_REFUSED/.test(e))).toEqual([])

    // Saved sessions of three runtimes on the same variant: the newest of each, side by side, stage by stage, over the C runtime.
    const project = join(app.workDir, 'projects', 'runtimes')
    const saved = (id: string, runtime: string, createdAt: string, medians: Record<string, number>, arenaUsed: number): void => {
      const total = Object.values(medians).reduce((a, b) => a + b, 0)
      const session = {
        format: 'microforge-profile', version: 1, id, name: `ptq ${runtime}`, createdAt, durationMs: 1000, origin: 'emulator', source: { kind: 'virtual', engine: 'qemu' },
        variant: 'ptq', runtime, inferences: 10, medians, totalMedian: total, memory: { arenaUsed }, samples: [], classifications: [],
        counts: { lines: 10, timing: 10, memory: 1, classification: 0, text: 0, blank: 0, garbage: 0 }, stats: { stages: [], total: null }
      }
      writeFileSync(join(project, 'profiles', `${id}.json`), JSON.stringify(session))
    }
    mkdirSync(join(project, 'profiles'), { recursive: true })
    // Measured in QEMU at 64 MHz on the 1D CNN preset (test/tflm/virtual-board.test.ts); an older C session is superseded.
    saved('20261204-100000-aaaaaa', 'c', '2026-12-04T10:00:00.000Z', { sensor: 30, preprocess: 99, inference: 2000, output: 0.625 }, 724)
    saved('20261204-100100-bbbbbb', 'c', '2026-12-04T10:01:00.000Z', { sensor: 28.75, preprocess: 98.75, inference: 1203.125, output: 0.625 }, 724)
    saved('20261204-100200-cccccc', 'tflm-reference', '2026-12-04T10:02:00.000Z', { sensor: 28.75, preprocess: 104.375, inference: 24566.875, output: 0.625 }, 2372)
    saved('20261204-100300-dddddd', 'tflm-cmsis-nn', '2026-12-04T10:03:00.000Z', { sensor: 28.438, preprocess: 104.375, inference: 2548.75, output: 0.625 }, 2660)
    await page.reload()
    await page.getByTestId('profile-view').waitFor()
    const table = page.getByTestId('runtime-compare-table')
    await table.waitFor({ timeout: 15_000 })
    expect(await table.locator('thead th').allTextContents()).toEqual(['Stage', 'C runtime', 'TFLM reference', 'TFLM + CMSIS-NN'])
    expect(await page.getByTestId('runtime-row-inference').locator('td').allTextContents()).toEqual(['Inference', '1.2 ms', '24.6 ms (20.42× C)', '2.55 ms (2.12× C)'])
    expect(await table.locator('thead th [data-term="cmsisNn"]').getAttribute('title')).toMatch(/Arm’s optimized kernels/)
    await page.setViewportSize({ width: 1024, height: 768 })
    mkdirSync(artifactsDir, { recursive: true })
    await page.getByTestId('runtime-compare').screenshot({ path: join(artifactsDir, 'profile-runtimes.png') })
  })
})
