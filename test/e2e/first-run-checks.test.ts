import { writeFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices } from '../../src/main/services'
import { ProjectService } from '../../src/main/services/project-service'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { screenProblems } from '../helpers/screen-check'
import { createProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'

/**
 * Three places of the first-run report (#15) that had no test: the Record panel after a project
 * switch, the Profile step while the firmware compiles, and the Profile step's words about which
 * sensor windows the virtual board reads.
 */
// Polls wait longer than vitest's 1 s default: the shared test machine can be slow to render.
const SLOW = { timeout: 20_000 }

describe('first run in Chromium: project switch, compile progress, the virtual board\'s windows', () => {
  let app: WebApp

  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })

  function setWindowLength(folder: string, windowLength: number): void {
    const file = join(folder, 'project.json')
    const p = JSON.parse(readFileSync(file, 'utf8')) as { signal: { windowLength: number | null } }
    p.signal.windowLength = windowLength
    writeFileSync(file, JSON.stringify(p, null, 2))
  }

  it('after switching projects the Record panel shows the new project\'s window length, without a reload', async () => {
    const { page } = app
    await page.goto(app.url)
    const a = join(app.workDir, 'projects', 'long')
    const b = join(app.workDir, 'projects', 'short')
    await createProjectInUi(page, 'Long windows', a)
    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'Short windows', b)
    setWindowLength(a, 119)
    setWindowLength(b, 37)
    await page.reload()
    await expect.poll(() => page.getByTestId('project-title').textContent(), SLOW).toBe('Short windows')
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.getByTestId('window-length').inputValue(), SLOW).toBe('37')
    await page.getByTestId('switch-project').click()
    await page.getByTestId('recent').getByText('Long windows').click()
    await expect.poll(() => page.getByTestId('project-title').textContent(), SLOW).toBe('Long windows')
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.getByTestId('window-length').inputValue(), SLOW).toBe('119')
    await page.getByTestId('switch-project').click()
    await page.getByTestId('recent').getByText('Short windows').click()
    await page.getByTestId('nav-capture').click()
    await expect.poll(() => page.getByTestId('window-length').inputValue(), SLOW).toBe('37')
  })

  it('Profile says which windows the virtual board reads, for both engines, and shows progress while the firmware compiles', async () => {
    const { page } = app
    const folder = join(app.workDir, 'projects', 'sine')
    await page.getByTestId('switch-project').click()
    await createProjectInUi(page, 'Sine', folder)
    await prepareHelloProject(new ProjectService(join(app.workDir, 'setup-config')), folder)
    writeSampleWindow(folder, 'w0', 1.5708)
    const services = createServices({ host: 'cli', configDir: join(app.workDir, 'setup-config') })
    try {
      await services.api.deploy.generate({ projectDir: folder, variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'profile', kind: 'platformio' })
    } finally {
      await services.dispose()
    }
    await page.reload()
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await page.getByTestId('profile-source-virtual').check()
    const hint = page.getByTestId('profile-engine-hint')
    for (const engine of ['qemu', 'host']) {
      await page.getByTestId('profile-engine').selectOption(engine)
      await page.getByTestId('profile-windows').selectOption('dataset')
      await expect.poll(() => hint.textContent(), SLOW).toMatch(/project's dataset windows/)
      expect(await hint.textContent()).not.toMatch(/synthetic/)
      await page.getByTestId('profile-windows').selectOption('synthetic')
      await expect.poll(() => hint.textContent(), SLOW).toMatch(/synthetic gestures/)
      expect(await hint.textContent()).not.toMatch(/dataset/)
    }

    // Compiling takes seconds (less with a cached build): a spinner with words must show while it
    // runs, not only a greyed button. A MutationObserver sees it however short it is.
    await page.getByTestId('profile-windows').selectOption('dataset')
    await page.getByTestId('profile-max').fill('5')
    await page.evaluate(() => {
      const w = window as unknown as { compiling: string[] }
      w.compiling = []
      new MutationObserver(() => {
        const el = document.querySelector('[data-testid="profile-compiling"]')
        if (el && el.querySelector('.spinner')) w.compiling.push(el.textContent ?? '')
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await page.getByTestId('profile-start').click()
    await expect.poll(() => page.getByTestId('profile-inferences').textContent(), { timeout: 90_000 }).toBe('5 inferences')
    const seen = await page.evaluate(() => (window as unknown as { compiling: string[] }).compiling)
    expect(seen.length).toBeGreaterThan(0)
    expect(seen[0]).toMatch(/Compiling the firmware with this computer's compiler/)

    // The session's three charts: each unit and word on them is explained under the chart.
    await expect.poll(() => page.getByTestId('chart-terms').count(), SLOW).toBeGreaterThanOrEqual(3)
    await page.waitForTimeout(500)
    expect((await screenProblems(page)).terms).toEqual([])
    expect(await page.getByTestId('chart-terms').first().locator('[data-term="us"]').getAttribute('title')).toMatch(/Microseconds/)
  })

  it('Connect with the firmware board: the counters keep moving (no stall at a few hundred bytes) and the step says timings, not samples', async () => {
    const { page } = app
    await page.getByTestId('nav-connect').click()
    await page.getByTestId('step-connect').waitFor()
    await expect.poll(() => page.getByTestId('firmware-board').isEnabled(), SLOW).toBe(true)
    await page.getByTestId('firmware-board').click()
    const lines = async (): Promise<number> => Number((await page.getByTestId('profile-lines').textContent())?.replace(/\D/g, '') || 0)
    await expect.poll(lines, { timeout: 60_000 }).toBeGreaterThan(0)
    const first = await lines()
    // 20 lines a second; before, the count froze at the first status.
    await expect.poll(lines, { timeout: 20_000 }).toBeGreaterThan(first + 20)
    expect(await page.getByTestId('device-state').textContent()).toBe('Receiving timings, not samples')
    expect(await page.getByTestId('chart-timings-note').textContent()).toMatch(/not sensor samples/)
    await page.getByTestId('virtual-board').click()
  })
})
