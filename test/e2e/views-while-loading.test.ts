/**
 * Views in Chromium while a background read is still on its way (a slow disk, a busy computer):
 * reading a list does not disable the step's actions. The reads are held back on the page's
 * WebSocket, so the test does not depend on timing.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { holdRpc } from '../helpers/hold-rpc'
import { createProjectInUi } from '../helpers/web-app'
import { useWebApp } from '../helpers/web-app-project'

describe('step actions while their lists load', () => {
  const web = useWebApp()

  it('Connect: Connect and the virtual board stay usable while the ports are listed', async () => {
    const { page } = web.app
    const ports = await holdRpc(page, ['device.listPorts'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Ports', join(web.app.workDir, 'projects', 'ports'))
    await page.getByTestId('nav-connect').click()
    await expect.poll(() => ports.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('virtual-board').isDisabled()).toBe(false)
    expect(await page.getByTestId('connect').isDisabled()).toBe(false)
    await ports.release()
    expect(await page.getByTestId('virtual-board').isDisabled()).toBe(false)
  })

  it('Profile: Start stays usable, with no "Compiling…", while the live state and saved sessions are read', async () => {
    const { page } = web.app
    const reads = await holdRpc(page, ['profile.live', 'profile.saved'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Sessions', join(web.app.workDir, 'projects', 'sessions'))
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await expect.poll(() => reads.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    expect(await page.getByTestId('profile-compiling').count()).toBe(0)
    await reads.release()
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
  })
})
