/**
 * The signal spec in Chromium against `npm run web`: Capture shows the rate, the window and each
 * axis's unit; changing a unit there changes what the generated firmware converts the sensor to.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { readProjectFile } from '../../src/main/storage/project-store'
import { servicesProject } from '../helpers/services-project'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'

describe('the signal panel in Capture', { timeout: 240_000 }, () => {
  let services: Services
  let dir: string

  const web = webAppWithProject((root) => servicesProject('Wrist', 'wrist', root))

  beforeAll(async () => {
    ;({ dir, services } = web.project)
    await services.api.project.update(dir, { signal: { axes: ['az', 'ax', 'gy'], sampleRateHz: 119, rateSource: 'user', windowLength: 119 } })
  })

  it('shows the spec and sets an axis unit the firmware then converts to', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, dir, 'Wrist')
    await page.getByTestId('nav-capture').click()
    const panel = page.getByTestId('signal-panel')
    await expect.poll(() => panel.getByTestId('signal-rate').textContent()).toBe('119 Hz (from you)')
    expect(await panel.textContent()).toContain('119 samples (1.00 s)')
    // Units default to what the axis names imply; the gyroscope axis offers rotation units only.
    expect(await panel.getByLabel('Unit of az').inputValue()).toBe('g')
    expect(await panel.getByLabel('Unit of gy').locator('option').allTextContents()).toEqual(['deg/s', 'rad/s', 'mdps'])

    await panel.getByLabel('Unit of az').selectOption('m/s^2')
    await panel.getByLabel('Scale of ax').fill('0.5')
    await panel.getByLabel('Scale of ax').press('Enter')
    await expect.poll(async () => (await readProjectFile(dir)).signal.scale).toEqual([1, 0.5, 1])
    expect((await readProjectFile(dir)).signal.units).toEqual(['m/s^2', 'g', 'deg/s'])

    const fw = await services.api.deploy.generate({ projectDir: dir, target: 'esp32', runtime: 'c', mode: 'capture', kind: 'platformio', name: 'cap' })
    expect(readFileSync(join(fw.path, 'src', 'preprocessing.h'), 'utf8')).toContain('kMfAxisGain[MF_AXIS_COUNT] = {9.80665016f, 2.00000000f, 1.00000000f}')
  })
})
