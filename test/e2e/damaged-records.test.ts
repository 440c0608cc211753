/**
 * A damaged record of where firmware came from (firmware/.sources.json), in Chromium against
 * `npm run web`: the sidebar (the project summary) names the file with what to do, instead of
 * taking every firmware project for one of the current model.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openProjectInUi, startWebApp, type WebApp } from '../helpers/web-app'
import { helloServicesProject, type ServicesProject } from '../helpers/services-project'

describe('a damaged firmware record, in the sidebar', { timeout: 120_000 }, () => {
  let app: WebApp
  let project: ServicesProject
  let problem: string

  beforeAll(async () => {
    app = await startWebApp()
    project = await helloServicesProject({ root: app.workDir, trained: true })
    const path = join(project.dir, 'firmware', '.sources.json')
    writeFileSync(path, '{"hello_int8": {"variant": ')
    problem = `${path} is damaged (not valid JSON). Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.`
  })
  afterAll(async () => {
    await project?.dispose()
    await app?.stop()
  })

  it('names the file, the damage and the way out', async () => {
    const { page } = app
    await openProjectInUi(app, project.dir, 'Hello')
    await expect.poll(() => page.getByTestId('damaged-records').locator('li').allTextContents(), { timeout: 30_000 }).toEqual([problem])
  })
})
