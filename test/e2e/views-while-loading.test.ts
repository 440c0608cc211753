/**
 * Views in Chromium while a background read is still on its way (a slow disk, a busy computer):
 * reading a list does not disable the step's actions. The reads are held back on the page's
 * WebSocket, so the test does not depend on timing.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSampleWindow } from '../helpers/hello-firmware'
import { holdRpc } from '../helpers/hold-rpc'
import { writeSavedSession } from '../helpers/saved-session'
import { servicesProject } from '../helpers/services-project'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { createProjectInUi, openProjectInUi } from '../helpers/web-app'
import { useWebApp } from '../helpers/web-app-project'

/** A folder laid out as a TFLM SDK (headers, host library): enough for the setting and the host run's check. */
function writeSdkLayout(dir: string): void {
  mkdirSync(join(dir, 'include', 'tensorflow', 'lite', 'micro'), { recursive: true })
  mkdirSync(join(dir, 'host'), { recursive: true })
  writeFileSync(join(dir, 'include', 'tensorflow', 'lite', 'micro', 'micro_interpreter.h'), '// layout only\n')
  writeFileSync(join(dir, 'host', 'libtflm.a'), '!<arch>\n')
}

describe('step actions while their lists load', () => {
  const web = useWebApp()

  it('Connect: Connect and the virtual board stay usable, and no "No serial ports found", while the ports are listed', async () => {
    const { page } = web.app
    const ports = await holdRpc(page, ['device.listPorts'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Ports', join(web.app.workDir, 'projects', 'ports'))
    await page.getByTestId('nav-connect').click()
    await expect.poll(() => ports.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('virtual-board').isDisabled()).toBe(false)
    expect(await page.getByTestId('connect').isDisabled()).toBe(false)
    // Not "No serial ports found. Plug the board in…" before any port was looked for.
    expect(await page.getByText('No serial ports found').count()).toBe(0)
    expect(await page.getByTestId('ports-listing').count()).toBe(1)
    await ports.release()
    // The listing's reply has been applied once 'Looking for serial ports…' is gone.
    await expect.poll(() => page.getByTestId('ports-listing').count()).toBe(0)
    expect(await page.getByTestId('virtual-board').isDisabled()).toBe(false)
  })

  it('Connect: the port typed while the ports are listed is the one used, and Refresh waits for the listing', async () => {
    // A port that can be a board: the virtual board's, listed (as a path opened before) while it runs.
    const board = await web.app.browser.newPage()
    await board.goto(web.app.url)
    await createProjectInUi(board, 'Board', join(web.app.workDir, 'projects', 'board'))
    await board.getByTestId('nav-connect').click()
    await board.getByTestId('virtual-board').click()
    await expect.poll(() => board.getByTestId('device-state').textContent()).toBe('Receiving data')
    await board.getByTestId('connect').click()
    await expect.poll(() => board.getByTestId('device-state').textContent()).toBe('Not connected')

    const page = await web.app.browser.newPage()
    const ports = await holdRpc(page, ['device.listPorts'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Typed port', join(web.app.workDir, 'projects', 'typed-port'))
    await page.getByTestId('nav-connect').click()
    await expect.poll(() => ports.count()).toBe(1)
    // One listing at a time: Refresh waits for the one out.
    expect(await page.getByTestId('refresh-ports').isDisabled()).toBe(true)
    const field = page.getByTestId('port-path')
    expect(await field.inputValue()).toBe('')
    // As a user's select-all (and Playwright's fill) does, with the list arriving before the typing.
    await field.focus()
    await field.selectText()
    await ports.release()
    await expect.poll(() => page.getByTestId('ports-listing').count()).toBe(0)
    await page.keyboard.insertText('/dev/ttyUSB3')
    expect(await field.inputValue()).toBe('/dev/ttyUSB3')
    expect(await page.getByTestId('refresh-ports').isDisabled()).toBe(false)
    // Left empty, the field offers a port that can be a board.
    await field.fill('')
    await page.getByTestId('baud').focus()
    expect(await field.inputValue()).not.toBe('')
    await page.close()

    await board.getByTestId('virtual-board').click()
    await expect.poll(() => board.getByTestId('virtual-board-path').count()).toBe(0)
    await board.close()
  })

  it('Profile: Start stays usable, with no "Compiling…", while the live state and saved sessions are read', async () => {
    // A page of its own: the first one would reopen the last test's project instead of showing the picker.
    const page = await web.app.browser.newPage()
    const reads = await holdRpc(page, ['profile.live', 'profile.saved'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Sessions', join(web.app.workDir, 'projects', 'sessions'))
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-view').waitFor()
    await expect.poll(() => reads.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    expect(await page.getByTestId('profile-compiling').count()).toBe(0)
    await reads.release()
    // Once the saved sessions' reply has been applied, Start is still usable.
    await expect.poll(() => page.getByTestId('profile-no-sessions').count()).toBe(1)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    expect(await page.getByTestId('profile-compiling').count()).toBe(0)
    await page.close()
  })

  it("Train: another window shows the running job's settings and Cancel at once, while the presets are read", async () => {
    const first = await web.app.browser.newPage()
    const root = join(web.app.workDir, 'pf')
    await makePunchFlexProject(root)
    const dir = join(root, 'project')
    await openProjectInUi({ page: first, url: web.app.url }, dir, 'punch-flex')
    await first.getByTestId('nav-train').click()
    await first.getByTestId('preset-dense').click()
    await first.getByTestId('epochs').fill('10000')
    await first.getByTestId('early-stopping').uncheck()
    await first.getByTestId('start-training').click()
    await expect.poll(() => first.getByTestId('job').getAttribute('data-state')).toBe('running')

    const second = await web.app.browser.newPage()
    await second.addInitScript((d) => {
      localStorage.setItem('microforge.lastProject', d)
      localStorage.setItem('microforge.lastStep', 'train')
    }, dir)
    const presets = await holdRpc(second, ['training.presets'])
    await second.goto(web.app.url)
    await second.getByTestId('step-train').waitFor()
    await expect.poll(() => presets.count()).toBeGreaterThan(0)
    expect(await second.getByTestId('epochs').inputValue()).toBe('10000')
    expect(await second.getByTestId('cancel-training').count()).toBe(1)
    expect(await second.getByTestId('start-training').count()).toBe(0)
    await presets.release()
    // Once the presets' reply has been applied (their buttons are shown), the job's settings stay.
    await expect.poll(() => second.getByTestId('preset-dense').count()).toBe(1)
    expect(await second.getByTestId('epochs').inputValue()).toBe('10000')
    expect(await second.getByTestId('cancel-training').count()).toBe(1)
    await second.close()

    // The live curves move the layout every epoch: pressed through the DOM, as in train.test.ts.
    await first.getByTestId('cancel-training').evaluate((el) => (el as HTMLButtonElement).click())
    await expect.poll(() => first.getByTestId('job').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled')
    await first.close()
  })

  it('Profile: with TFLM chosen, the SDK panel says it is checking the setting while it is read', async () => {
    const page = await web.app.browser.newPage()
    const sdk = await holdRpc(page, ['system.tflmSdk'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Sdk', join(web.app.workDir, 'projects', 'sdk'))
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-runtime').selectOption('tflm-reference')
    await expect.poll(() => sdk.count()).toBeGreaterThan(0)
    // Start waits for the setting: it says why instead of a greyed button alone.
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(true)
    expect(await page.getByTestId('profile-tflm-sdk-checking').count()).toBe(1)
    await sdk.release()
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-checking').count()).toBe(0)
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-missing').textContent()).toMatch(/TFLM SDK not set/)
    await page.close()
  })

  it('Optimize and Deploy: "Reading the variants…", not "No variants yet", while the variants are read', async () => {
    const page = await web.app.browser.newPage()
    const reads = await holdRpc(page, ['optimize.list', 'deploy.variants'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Variants', join(web.app.workDir, 'projects', 'variants'))
    await page.getByTestId('nav-optimize').click()
    await page.getByTestId('optimize-view').waitFor()
    await expect.poll(() => reads.count()).toBe(1)
    expect(await page.getByText('No variants yet').count()).toBe(0)
    expect(await page.getByTestId('variants-reading').count()).toBe(1)
    await page.getByTestId('nav-deploy').click()
    await page.getByTestId('deploy-view').waitFor()
    await expect.poll(() => reads.count()).toBe(2)
    const options = page.getByTestId('deploy-variant').locator('option')
    expect(await options.allTextContents()).toEqual(['Reading the variants…'])
    await reads.release()
    await expect.poll(() => options.allTextContents()).toEqual(['No variants yet — create one in Optimize'])
    await page.getByTestId('nav-optimize').click()
    await page.getByTestId('no-variants').waitFor()
    await page.close()
  })

  it('Capture: the class counts and the window total say they are being read, not 0, while the windows are listed', async () => {
    const page = await web.app.browser.newPage()
    const folder = join(web.app.workDir, 'projects', 'counts')
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Counts', folder)
    writeSampleWindow(folder, 'w1', 1)
    writeSampleWindow(folder, 'w2', 0)
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('new-class').fill('sine')
    await page.getByTestId('new-class').press('Enter')
    await expect.poll(() => page.getByTestId('class-count-sine').textContent()).toBe('2')
    // Held on the socket the reload opens; the reload comes back to Capture.
    const list = await holdRpc(page, ['dataset.list'])
    await page.reload()
    await page.getByTestId('step-capture').waitFor()
    await expect.poll(() => list.count()).toBeGreaterThan(0)
    expect(await page.getByTestId('class-count-sine').textContent()).toBe('…')
    expect(await page.getByTestId('window-total').textContent()).toBe('Reading the windows…')
    await list.release()
    await expect.poll(() => page.getByTestId('class-count-sine').textContent()).toBe('2')
    await expect.poll(() => page.getByTestId('window-total').textContent()).toContain('2 windows')
    await page.close()
  })

  it("Capture: a class count whose windows could not be read shows '—', not the '…' of a list still being read", async () => {
    const page = await web.app.browser.newPage()
    // Every dataset.list of this page is answered with a read error, as a folder that cannot be read is.
    await page.routeWebSocket(/\/rpc\?token=/, (ws) => {
      const server = ws.connectToServer()
      const lists = new Set<number>()
      ws.onMessage((m) => {
        const { id, method } = JSON.parse(String(m)) as { id?: number; method?: string }
        if (method === 'dataset.list' && id !== undefined) lists.add(id)
        server.send(m)
      })
      server.onMessage((m) => {
        const reply = JSON.parse(String(m)) as { type?: string; id?: number }
        if (reply.type === 'response' && lists.has(reply.id ?? -1)) ws.send(JSON.stringify({ type: 'response', id: reply.id, ok: false, error: { code: 'IO_ERROR', message: 'Could not read the samples folder.' } }))
        else ws.send(m)
      })
    })
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Unreadable', join(web.app.workDir, 'projects', 'unreadable'))
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('new-class').fill('sine')
    await page.getByTestId('new-class').press('Enter')
    await expect.poll(() => page.getByTestId('window-total').textContent()).toContain('could not be read')
    expect(await page.getByTestId('class-count-sine').textContent()).toBe('—')
    await page.close()
  })

  it('Profile: deleting a saved session neither disables Start nor shows "Compiling…", and its Delete waits for it', async () => {
    const page = await web.app.browser.newPage()
    const folder = join(web.app.workDir, 'projects', 'delete')
    const remove = await holdRpc(page, ['profile.remove'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Delete', folder)
    writeSavedSession(folder, '20261204-100000-aaaaaa', 'old run')
    await page.getByTestId('nav-profile').click()
    const del = page.getByRole('button', { name: 'Delete old run', exact: true })
    await del.click()
    await expect.poll(() => remove.count()).toBe(1)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    expect(await page.getByTestId('profile-compiling').count()).toBe(0)
    // Its Delete waits for the remove: a second click would send a remove that finds nothing (NOT_FOUND).
    expect(await del.isDisabled()).toBe(true)
    await remove.release()
    await expect.poll(() => page.getByTestId('profile-no-sessions').count()).toBe(1)
    expect(await page.locator('.toast.error').count()).toBe(0)
    await page.close()
  })

  it('Profile: the serial port typed while the ports are listed is the one used', async () => {
    const project = await servicesProject('Port', 'port', web.app.workDir)
    const page = await web.app.browser.newPage()
    // The port Connect used last: Profile offers it once the port list is there. The project opens on Profile.
    await page.addInitScript(() => {
      localStorage.setItem('microforge.lastPort', '/dev/ttyACM7')
      localStorage.setItem('microforge.lastStep', 'profile')
    })
    const ports = await holdRpc(page, ['device.listPorts'])
    await openProjectInUi({ page, url: web.app.url }, project.dir, 'Port')
    await page.getByTestId('profile-source-serial').check()
    await expect.poll(() => ports.count()).toBe(1)
    const field = page.getByTestId('profile-port')
    // As a user's select-all (and Playwright's fill) does, with the list arriving before the typing.
    await field.focus()
    await field.selectText()
    expect(await page.getByTestId('profile-ports-listing').count()).toBe(1)
    await ports.release()
    // The listing has been applied before the typing.
    await expect.poll(() => page.getByTestId('profile-ports-listing').count()).toBe(0)
    await page.keyboard.insertText('/dev/ttyUSB3')
    expect(await field.inputValue()).toBe('/dev/ttyUSB3')
    // Left empty, the field offers the last port.
    await field.fill('')
    await page.getByTestId('profile-name').focus()
    expect(await field.inputValue()).toBe('/dev/ttyACM7')
    await page.close()
    await project.dispose()
  })

  it('Train: epochs typed while the presets are read stay when the default preset arrives', async () => {
    const page = await web.app.browser.newPage()
    const presets = await holdRpc(page, ['training.presets'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Typed epochs', join(web.app.workDir, 'projects', 'typed-epochs'))
    await page.getByTestId('nav-train').click()
    await page.getByTestId('step-train').waitFor()
    await expect.poll(() => presets.count()).toBe(1)
    await page.getByTestId('epochs').fill('77')
    await presets.release()
    // The default preset's model came in, and the user's epochs stayed.
    await page.getByRole('button', { name: 'Remove layer 1' }).waitFor()
    expect(await page.getByTestId('epochs').inputValue()).toBe('77')
    await page.close()
  })

  // After the tests that read the setting unset: it sets the TFLM SDK, which the server keeps until the end of this file.
  it('Profile: a TFLM SDK folder saved while the setting is read stays set when the read replies', async () => {
    const sdkDir = join(web.app.workDir, 'tflm-sdk-early')
    writeSdkLayout(sdkDir)
    const page = await web.app.browser.newPage()
    // The reply is held, not the request: the server answers "not set" before the save, as a slow
    // read's reply does when it reaches the page after the save's.
    const read = await holdRpc(page, ['system.tflmSdk'], { replies: true })
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Sdk early', join(web.app.workDir, 'projects', 'sdk-early'))
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-runtime').selectOption('tflm-reference')
    await expect.poll(() => read.count()).toBe(1)
    await page.getByTestId('profile-tflm-sdk-input').fill(sdkDir)
    await page.getByTestId('profile-tflm-sdk-save').click()
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-ok').textContent()).toContain(sdkDir)
    await read.release()
    await expect.poll(() => page.getByTestId('profile-tflm-sdk').getAttribute('aria-busy')).toBe('false')
    expect(await page.getByTestId('profile-tflm-sdk-missing').count()).toBe(0)
    expect(await page.getByTestId('profile-tflm-sdk-ok').textContent()).toContain(sdkDir)
    expect(await page.getByTestId('profile-start').isDisabled()).toBe(false)
    await page.close()
  })

  // Last: it sets the TFLM SDK, which the server keeps until the end of this file.
  it('Profile: the TFLM SDK folder typed while the setting is read is the one kept', async () => {
    const allowed = join(web.app.workDir, 'tflm-sdk')
    writeSdkLayout(allowed)
    // A setting to read: saved through the panel first.
    const first = await web.app.browser.newPage()
    await first.goto(web.app.url)
    await createProjectInUi(first, 'Sdk set', join(web.app.workDir, 'projects', 'sdk-set'))
    await first.getByTestId('nav-profile').click()
    await first.getByTestId('profile-runtime').selectOption('tflm-reference')
    await first.getByTestId('profile-tflm-sdk-input').fill(allowed)
    await first.getByTestId('profile-tflm-sdk-save').click()
    await expect.poll(() => first.getByTestId('profile-tflm-sdk-ok').textContent()).toContain(allowed)
    await first.close()

    const page = await web.app.browser.newPage()
    const sdk = await holdRpc(page, ['system.tflmSdk'])
    await page.goto(web.app.url)
    await createProjectInUi(page, 'Sdk typed', join(web.app.workDir, 'projects', 'sdk-typed'))
    await page.getByTestId('nav-profile').click()
    await page.getByTestId('profile-runtime').selectOption('tflm-reference')
    await expect.poll(() => sdk.count()).toBe(1)
    const field = page.getByTestId('profile-tflm-sdk-input')
    await field.focus()
    await field.selectText()
    await sdk.release()
    // The setting has been applied (the panel no longer says it is checking) before the typing.
    await expect.poll(() => page.getByTestId('profile-tflm-sdk-checking').count()).toBe(0)
    await page.keyboard.insertText('/opt/tflm')
    expect(await field.inputValue()).toBe('/opt/tflm')
    await page.close()
  })
})
