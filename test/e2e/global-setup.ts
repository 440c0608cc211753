/**
 * One real `npm run web` and one Debian Chromium for every end-to-end file (vitest globalSetup of
 * the e2e project). Starting them per file cost 10–25 s of a loaded 2-core machine each time.
 * Files stay apart: each gets its own browser connection and context (storage, viewport), its own
 * work folder, and starts and ends with the server's session state reset (see helpers/web-app.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { artifactsDir, CHROMIUM, CHROMIUM_ARGS, type SharedWebApp } from '../helpers/web-app'
import { repoRoot, tempDir } from '../helpers/tmp'

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tmp = tempDir('microforge-e2e-')
  const home = join(tmp.dir, 'home')
  // The work folders the tests may use (as if picked by the user), and one beside them that is not allowed.
  const allowed = join(tmp.dir, 'allowed')
  const outside = join(tmp.dir, 'not-allowed')
  for (const d of [home, allowed, outside]) mkdirSync(d)
  mkdirSync(artifactsDir, { recursive: true })
  const log = createWriteStream(join(artifactsDir, 'e2e-web-server.log'))
  const env: NodeJS.ProcessEnv = { ...process.env, MICROFORGE_PORT: '0', MICROFORGE_HOME: home, HOME: home, MICROFORGE_ALLOW_DIRS: [allowed, join(repoRoot, 'test', 'fixtures')].join(delimiter) }
  // `npm test` never needs the TFLM SDK, and the e2e tests see the app as a user without one.
  delete env.MICROFORGE_TFLM
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'scripts', 'web.mjs')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run web did not print its URL:\n${output}`)), 150_000)
    const onData = (d: Buffer): void => {
      log.write(d)
      if (output.length < 20_000) output += d.toString()
      const m = output.match(/(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm run web exited with ${code}:\n${output}`))
    })
  })
  const browser = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  const shared: SharedWebApp = { url, wsEndpoint: browser.wsEndpoint(), allowed, outside }
  project.provide('webApp', shared)

  return async () => {
    await browser.close().catch(() => undefined)
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    log.end()
    tmp.cleanup()
  }
}
