import { afterAll, beforeAll } from 'vitest'
import type { ServicesProject } from './services-project'
import { startWebApp, type WebApp } from './web-app'

/**
 * For one describe block: the shared web app and a services project made in its work folder, before
 * the block's own beforeAll (call this first), handed to `use`; both are disposed after its tests.
 */
export function webAppWithProject(make: (workDir: string) => Promise<ServicesProject>, use: (app: WebApp, project: ServicesProject) => void): void {
  let app: WebApp | undefined
  let project: ServicesProject | undefined
  beforeAll(async () => {
    app = await startWebApp()
    project = await make(app.workDir)
    use(app, project)
  })
  afterAll(async () => {
    await project?.dispose()
    await app?.stop()
  })
}
