import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { repoRoot, tempDir } from './tmp'

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

export interface WebApp {
  url: string
  home: string
  workDir: string
  browser: Browser
  page: Page
  /** console.error messages of the first page (tests that must see none assert it). */
  consoleErrors: string[]
  stop(): Promise<void>
}

/**
 * Starts the real `npm run web` (scripts/web.mjs) on a random port with its own settings folder,
 * and Debian's Chromium driven by playwright-core.
 */
export async function startWebApp(): Promise<WebApp> {
  const tmp = tempDir('microforge-e2e-')
  const home = join(tmp.dir, 'home')
  mkdirSync(home)
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'scripts', 'web.mjs')], {
    cwd: repoRoot,
    // The tests import fixtures and export into their work folder: the user allows both, as with a picker.
    env: { ...process.env, MICROFORGE_PORT: '0', MICROFORGE_HOME: home, HOME: home, MICROFORGE_ALLOW_DIRS: [tmp.dir, join(repoRoot, 'test', 'fixtures')].join(delimiter) },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run web did not print its URL:\n${output}`)), 150_000)
    const onData = (d: Buffer): void => {
      output += d.toString()
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
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']
  })
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  return {
    consoleErrors,
    url,
    home,
    workDir: tmp.dir,
    browser,
    page,
    async stop() {
      await browser.close().catch(() => undefined)
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
      tmp.cleanup()
      if (errors.length) throw new Error(`Errors in the page: ${errors.join('\n')}`)
    }
  }
}

export const artifactsDir = join(repoRoot, 'test-results')

/** Creates a project through the picker's create form, as a user would, and waits until it is open. */
export async function createProjectInUi(page: Page, name: string, folder: string): Promise<void> {
  await page.getByTestId('create-form').waitFor()
  await page.getByTestId('project-name').fill(name)
  await page.getByTestId('project-folder').fill(folder)
  await page.getByTestId('project-folder').press('Enter')
  await expect.poll(() => page.getByTestId('project-title').textContent()).toBe(name)
}
