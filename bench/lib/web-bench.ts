/**
 * The benchmarks that drive the real renderer in Chromium (live-chart, ui-frames) start the same way:
 * their own server and Chromium (no vitest run provides the shared ones), and a new project opened
 * through the UI.
 */
import { join } from 'node:path'
import { startWebApp, type WebApp } from '../../test/helpers/web-app'
import { startWebServer } from '../../test/helpers/web-server'

/** The app in Chromium on a server and Chromium of its own; stop() ends them too. */
export async function startBenchApp(name: string): Promise<WebApp> {
  const server = await startWebServer(`bench-${name}-web-server.log`)
  let app: WebApp
  try {
    app = await startWebApp(server.shared)
  } catch (err) {
    await server.stop()
    throw err
  }
  return {
    ...app,
    async stop() {
      try {
        await app.stop()
      } finally {
        await server.stop()
      }
    }
  }
}

/**
 * Opens the app and creates a project "Bench" in the work folder, up to the Connect step. Not
 * createProjectInUi: that uses vitest's expect, which exists only inside a test run.
 */
export async function openBenchProject(app: WebApp): Promise<void> {
  const { page } = app
  await page.goto(app.url)
  await page.getByTestId('project-name').fill('Bench')
  await page.getByTestId('project-folder').fill(join(app.workDir, 'bench-project'))
  await page.getByTestId('project-folder').press('Enter')
  await page.getByTestId('step-connect').waitFor()
}
