/**
 * Starts one real `npm run web` and one Debian Chromium: the e2e project's global set-up does it once
 * for all end-to-end files, and the browser benchmarks (live-chart, ui-frames) do it for themselves.
 * Nothing here needs vitest.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium } from 'playwright-core'
import { repoRoot, tempDir } from './tmp'

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
export const artifactsDir = join(repoRoot, 'test-results')

/** A running server and Chromium, as test/helpers/web-app.ts opens the app on them. */
export interface SharedWebApp {
  /** The address `npm run web` printed, with its token. */
  url: string
  /** Chromium's playwright server. */
  wsEndpoint: string
  /** The folder the server lets the tests use (each file gets its own folder inside it). */
  allowed: string
  /** A folder outside the allowed ones. */
  outside: string
}

/**
 * Starts the server (in a fresh app home, allowed to use only its own work folder and
 * test/fixtures) and Chromium. The server's output goes to test-results/<logName>.
 */
export async function startWebServer(logName: string): Promise<{ shared: SharedWebApp; stop: () => Promise<void> }> {
  const tmp = tempDir('microforge-e2e-')
  const home = join(tmp.dir, 'home')
  // The work folders the tests may use (as if picked by the user), and one beside them that is not allowed.
  const allowed = join(tmp.dir, 'allowed')
  const outside = join(tmp.dir, 'not-allowed')
  for (const d of [home, allowed, outside]) mkdirSync(d)
  mkdirSync(artifactsDir, { recursive: true })
  const log = createWriteStream(join(artifactsDir, logName))
  const env: NodeJS.ProcessEnv = { ...process.env, MICROFORGE_PORT: '0', MICROFORGE_HOME: home, HOME: home, MICROFORGE_ALLOW_DIRS: [allowed, join(repoRoot, 'test', 'fixtures')].join(delimiter) }
  // `npm test` never needs the TFLM SDK, and the e2e tests see the app as a user without one.
  delete env.MICROFORGE_TFLM
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'scripts', 'web.mjs')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const stopServer = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
    log.end()
    tmp.cleanup()
  }
  let output = ''
  let url: string
  let browser: Awaited<ReturnType<typeof chromium.launchServer>>
  try {
    url = await new Promise<string>((resolve, reject) => {
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
    browser = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
  } catch (err) {
    await stopServer()
    throw err
  }
  return {
    shared: { url, wsEndpoint: browser.wsEndpoint(), allowed, outside },
    async stop() {
      await browser.close().catch(() => undefined)
      await stopServer()
    }
  }
}
