/**
 * The benchmarks that drive the real renderer in Chromium (live-chart, ui-frames) start the same way:
 * a new project opened through the UI.
 */
import { join } from 'node:path'
import type { WebApp } from '../../test/helpers/web-app'

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
