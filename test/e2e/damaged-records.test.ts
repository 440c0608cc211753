/**
 * A damaged record of where firmware came from (firmware/.sources.json), in Chromium against
 * `npm run web`: the sidebar (the project summary) names the file with what to do, instead of
 * taking every firmware project for one of the current model.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'
import { helloServicesProject } from '../helpers/services-project'

describe('a damaged firmware record, in the sidebar', { timeout: 120_000 }, () => {
  let problem: string

  const web = webAppWithProject((root) => helloServicesProject({ root, trained: true }))

  beforeAll(async () => {
    const path = join(web.project.dir, 'firmware', '.sources.json')
    writeFileSync(path, '{"hello_int8": {"variant": ')
    problem = `${path} is damaged (not valid JSON). Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.`
  })

  it('names the file, the damage and the way out', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, web.project.dir, 'Hello')
    await expect.poll(() => page.getByTestId('damaged-records').locator('li').allTextContents(), { timeout: 30_000 }).toEqual([problem])
  })
})
