/**
 * Issue #12 in Chromium, without a TFLM SDK: Connect's "Run my firmware" has Profile's runtime
 * choice (C runtime, TFLM reference, TFLM + CMSIS-NN on QEMU only, on this computer or the emulated
 * Cortex-M4F). TFLM with no SDK set says so and keeps the button disabled; the C runtime runs the
 * project's C-runtime firmware on this computer and in QEMU, and the step names the runtime and
 * engine it runs while its timing lines keep arriving. (The TFLM paths need the SDK: test/tflm.)
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/main/services'
import { ProjectService } from '../../src/main/services/project-service'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'

const SLOW = { timeout: 20_000 }

describe("Connect's firmware board: the runtime choice", () => {
  // The shared server runs without MICROFORGE_TFLM and with the SDK setting reset (test/e2e/global-setup.ts).
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  it('offers the three runtimes, says "TFLM SDK not set" for TFLM, and runs the C runtime on this computer and in QEMU', async () => {
    const { page } = app
    const folder = join(app.workDir, 'projects', 'sine')
    await page.goto(app.url)
    await createProjectInUi(page, 'Sine', folder)
    await prepareHelloProject(new ProjectService(join(app.workDir, 'setup-config')), folder)
    writeSampleWindow(folder, 'w0', 1.5708)
    writeSampleWindow(folder, 'w1', 0)
    const services = createServices({ host: 'cli', configDir: join(app.workDir, 'setup-config') })
    try {
      await services.api.deploy.generate({ projectDir: folder, variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'profile', kind: 'platformio' })
    } finally {
      await services.dispose()
    }
    await page.reload()
    await page.getByTestId('nav-connect').click()
    await page.getByTestId('step-connect').waitFor()

    const runtime = page.getByTestId('connect-runtime')
    const engine = page.getByTestId('connect-engine')
    const button = page.getByTestId('firmware-board')
    expect(await runtime.locator('option').allTextContents()).toEqual(['C runtime (Microforge)', 'TFLM reference kernels', 'TFLM + CMSIS-NN (QEMU Cortex-M4 only)'])
    // CMSIS-NN exists for the Cortex-M4 only.
    expect(await runtime.locator('option[value="tflm-cmsis-nn"]').isDisabled()).toBe(true)
    await expect.poll(() => button.isEnabled(), SLOW).toBe(true)

    // TFLM without the SDK: the message names the folder to choose, and nothing can start.
    await runtime.selectOption('tflm-reference')
    await expect.poll(() => page.getByTestId('connect-tflm-sdk-missing').textContent(), SLOW).toMatch(/TFLM SDK not set.*choose the folder that holds\s+include\//s)
    await expect.poll(() => button.isDisabled(), SLOW).toBe(true)
    expect(await page.getByTestId('firmware-board-needs-sdk').textContent()).toMatch(/TFLM SDK/)
    await engine.selectOption('qemu')
    await runtime.selectOption('tflm-cmsis-nn')
    await expect.poll(() => page.getByTestId('connect-tflm-sdk-missing').textContent(), SLOW).toMatch(/TFLM SDK not set/)
    expect(await button.isDisabled()).toBe(true)
    // Back on this computer, CMSIS-NN falls back to the reference kernels.
    await engine.selectOption('host')
    await expect.poll(() => runtime.inputValue(), SLOW).toBe('tflm-reference')

    const lines = async (): Promise<number> => Number((await page.getByTestId('profile-lines').textContent())?.replace(/\D/g, '') || 0)
    for (const where of ['host', 'qemu'] as const) {
      await engine.selectOption(where)
      await runtime.selectOption('c')
      expect(await page.getByTestId('connect-tflm-sdk').count()).toBe(0)
      await expect.poll(() => button.isEnabled(), SLOW).toBe(true)
      await button.click()
      const running = page.getByTestId('firmware-board-dir')
      await expect.poll(() => running.textContent(), { timeout: 180_000 }).toContain('hello_int8_nano33ble_c_profile')
      expect(await running.textContent()).toMatch(where === 'host' ? /C runtime,\s+host timings/ : /C runtime,\s+emulated Cortex-M4F/)
      // The choice is locked while the board runs.
      expect(await runtime.isDisabled()).toBe(true)
      await expect.poll(lines, { timeout: 60_000 }).toBeGreaterThan(0)
      const first = await lines()
      await expect.poll(lines, { timeout: 60_000 }).toBeGreaterThan(first + 5)
      expect(await page.getByTestId('device-state').textContent()).toBe('Receiving timings, not samples')
      await page.getByTestId('virtual-board').click()
      await expect.poll(() => running.count(), SLOW).toBe(0)
    }
  })
})
