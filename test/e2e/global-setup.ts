/**
 * One real `npm run web` and one Debian Chromium for every end-to-end file (vitest globalSetup of
 * the e2e project). Starting them per file cost 10–25 s of a loaded 2-core machine each time.
 * Files stay apart: each gets its own browser connection and context (storage, viewport), its own
 * work folder, and starts and ends with the server's session state reset (see helpers/web-app.ts).
 */
import type { TestProject } from 'vitest/node'
import { startWebServer } from '../helpers/web-server'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startWebServer('e2e-web-server.log')
  project.provide('webApp', server.shared)
  return server.stop
}
