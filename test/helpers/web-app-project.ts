import { afterAll, beforeAll } from 'vitest'
import type { ServicesProject } from './services-project'
import { startWebApp, type WebApp } from './web-app'

function notYet(what: string): Error {
  return new Error(`${what} is not there yet: read it in a hook or test, after the describe block's beforeAll that makes it`)
}

/** For one describe block: the shared web app, started before the block's tests and stopped after them. */
export function useWebApp(): { readonly app: WebApp } {
  let app: WebApp | undefined
  beforeAll(async () => {
    app = await startWebApp()
  })
  afterAll(async () => {
    await app?.stop()
  })
  return {
    get app(): WebApp {
      if (!app) throw notYet('The web app')
      return app
    }
  }
}

/**
 * For one describe block: the shared web app (useWebApp) and a services project made in its work
 * folder, before the block's own beforeAll (call this first); the project is disposed after the
 * block's tests, then the app is stopped.
 */
export function webAppWithProject(make: (workDir: string) => Promise<ServicesProject>): { readonly app: WebApp; readonly project: ServicesProject } {
  const web = useWebApp()
  let project: ServicesProject | undefined
  beforeAll(async () => {
    project = await make(web.app.workDir)
  })
  afterAll(async () => {
    await project?.dispose()
  })
  return {
    get app(): WebApp {
      return web.app
    },
    get project(): ServicesProject {
      if (!project) throw notYet('The services project')
      return project
    }
  }
}
