/**
 * A saved profiling session that cannot be read, in Chromium against `npm run web`: the Profile
 * step names the file and the reason beside the readable sessions, and its Delete removes it; a
 * session from a newer Microforge is named as one that cannot be read, with no Delete.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openProjectInUi } from '../helpers/web-app'
import { webAppWithProject } from '../helpers/web-app-project'
import { servicesProject } from '../helpers/services-project'

describe('a damaged profiling session, in the Profile step', { timeout: 120_000 }, () => {
  let cut: string

  const web = webAppWithProject((root) => servicesProject('Sessions', 'sessions', root))

  beforeAll(async () => {
    mkdirSync(join(web.project.dir, 'profiles'), { recursive: true })
    cut = join(web.project.dir, 'profiles', 'cut.json')
    writeFileSync(cut, '{"format": "microforge-profile", "version": 1, "id": ')
    // A good session from a newer Microforge: named, never offered for deletion.
    writeFileSync(join(web.project.dir, 'profiles', 'newer.json'), JSON.stringify({ format: 'microforge-profile', version: 2, id: 'newer', samples: [] }))
  })

  it('names the file with the reason, and Delete removes it', async () => {
    const { page } = web.app
    await openProjectInUi(web.app, web.project.dir, 'Sessions')
    await page.getByTestId('nav-profile').click()
    const row = page.getByTestId('profile-damaged').locator('li[data-session="cut"] span')
    await expect.poll(() => row.textContent(), { timeout: 30_000 }).toBe(`profiles/cut.json: ${cut} is not valid JSON. Delete this session and profile again.`)
    const newer = join(web.project.dir, 'profiles', 'newer.json')
    expect(await page.getByTestId('profile-damaged').locator('li[data-session="newer"] span').textContent()).toBe(
      `Cannot be read: profiles/newer.json: ${newer} was saved by a newer Microforge. Update Microforge to open it.`
    )
    expect(await page.getByTestId('profile-damaged').locator('li[data-session="newer"] button').count()).toBe(0)
    await page.getByTestId('delete-damaged-cut').click()
    await expect.poll(() => page.getByTestId('profile-damaged').locator('li').count(), { timeout: 30_000 }).toBe(1)
    expect(existsSync(cut)).toBe(false)
    expect(existsSync(newer)).toBe(true)
  })
})
