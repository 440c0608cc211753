import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect, inject } from 'vitest'
import WebSocket from 'ws'
import { createClient, type ApiClient } from '../../src/shared/rpc'
import { type SharedWebApp } from './web-server'

declare module 'vitest' {
  export interface ProvidedContext {
    webApp: SharedWebApp
  }
}

export interface WebApp {
  url: string
  /** This file's own work folder, inside the folders the server allows. */
  workDir: string
  /** A folder the server does not allow. */
  outsideDir: string
  /** This file's own connection to Chromium: pages opened on it close with it. */
  browser: Browser
  page: Page
  /** console.error messages of the first page (tests that must see none assert it). */
  consoleErrors: string[]
  stop(): Promise<void>
}

/** A typed client of the shared server over its WebSocket, as the page connects. */
async function serverClient(url: string): Promise<{ api: ApiClient; close: () => void }> {
  const u = new URL(url)
  const ws = new WebSocket(`ws://${u.host}/rpc?token=${u.searchParams.get('token')}`, { origin: u.origin })
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  let next = 1
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; id: number; ok: boolean; result?: unknown; error?: { message: string } }
    const p = m.type === 'response' ? pending.get(m.id) : undefined
    if (!p) return
    pending.delete(m.id)
    if (m.ok) p.resolve(m.result)
    else p.reject(new Error(m.error?.message))
  })
  const api = createClient({
    request: (method, args) =>
      new Promise((resolve, reject) => {
        const id = next++
        pending.set(id, { resolve, reject })
        ws.send(JSON.stringify({ type: 'request', id, method, args }))
      }),
    subscribe: () => () => undefined
  })
  return { api, close: () => ws.close() }
}

/**
 * Puts the shared server back in the state of a fresh start: no board, virtual board, recording,
 * profiling session or job running, no TFLM SDK chosen, no recent projects. Each file starts with
 * it, so no file depends on what ran before it.
 */
async function resetServer(url: string): Promise<void> {
  const { api, close } = await serverClient(url)
  try {
    await api.device.stopRecording()
    await api.device.close()
    await api.sim.stop()
    for (const s of await api.profile.live()) if (s.state === 'starting' || s.state === 'running') await api.profile.stop(s.sessionId)
    for (const j of await api.jobs.list()) if (j.state === 'running') await api.jobs.cancel(j.jobId)
    const deadline = Date.now() + 60_000
    while ((await api.jobs.list()).some((j) => j.state === 'running')) {
      if (Date.now() > deadline) throw new Error('A job of an earlier test file did not stop within 60 s of its cancel.')
      await new Promise((r) => setTimeout(r, 200))
    }
    await api.system.setTflmSdk(null)
    for (const r of await api.project.recent()) await api.project.forget(r.dir)
  } finally {
    close()
  }
}

/**
 * The app in Chromium for one test file: the `npm run web` and Chromium that
 * test/e2e/global-setup.ts started (or `shared`, outside a vitest run), with this file's own
 * browser context and work folder.
 */
export async function startWebApp(shared: SharedWebApp = inject('webApp')): Promise<WebApp> {
  await resetServer(shared.url)
  const workDir = mkdtempSync(join(shared.allowed, 'file-'))
  const outsideDir = mkdtempSync(join(shared.outside, 'file-'))
  const browser = await chromium.connect(shared.wsEndpoint)
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const consoleErrors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text())
  })
  return {
    consoleErrors,
    url: shared.url,
    workDir,
    outsideDir,
    browser,
    page,
    async stop() {
      // Closing this connection closes every context and page the file opened.
      await browser.close().catch(() => undefined)
      await resetServer(shared.url)
      for (const d of [workDir, outsideDir]) rmSync(d, { recursive: true, force: true })
      if (errors.length) throw new Error(`Errors in the page: ${errors.join('\n')}`)
    }
  }
}

/** Creates a project through the picker's create form, as a user would, and waits until it is open. */
export async function createProjectInUi(page: Page, name: string, folder: string): Promise<void> {
  await page.getByTestId('create-form').waitFor()
  await page.getByTestId('project-name').fill(name)
  await page.getByTestId('project-folder').fill(folder)
  await page.getByTestId('project-folder').press('Enter')
  await expect.poll(() => page.getByTestId('project-title').textContent()).toBe(name)
}

/** Loads the app and opens the project in `dir` through the picker's folder field, and waits until its title is shown. */
export async function openProjectInUi(app: Pick<WebApp, 'page' | 'url'>, dir: string, title: string): Promise<void> {
  const { page } = app
  await page.goto(app.url)
  await page.getByLabel('Project folder').fill(dir)
  await page.getByLabel('Project folder').press('Enter')
  await expect.poll(() => page.getByTestId('project-title').textContent()).toBe(title)
}
