/**
 * Issue #17: SIGTERM to `npm run web` stops the server. npm hands the signal to the `sh -c` that
 * runs scripts/web.mjs, which dies without passing it on: the server used to keep running,
 * orphaned, holding its port. Ctrl+C in a terminal sends SIGINT to the whole process group, as
 * here. A renderer folder is given so no build is needed.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot, tempDir } from '../helpers/tmp'

const tmp = tempDir('mf-sigterm-')
const groups: number[] = []
afterAll(() => {
  // A failed run must not leave a server behind (each npm runs in its own process group).
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  tmp.cleanup()
})

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })

describe('npm run web', () => {
  for (const [signal, to] of [['SIGTERM', 'npm'], ['SIGINT', 'the process group (Ctrl+C)']] as const) {
    it(`stops on ${signal} to ${to} and frees its port`, async () => {
      writeFileSync(`${tmp.dir}/index.html`, '<!doctype html><title>x</title>')
      const child = spawn('npm', ['run', 'web'], { cwd: repoRoot, env: { ...process.env, MICROFORGE_RENDERER_DIR: tmp.dir, MICROFORGE_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      groups.push(child.pid!)
      let out = ''
      child.stdout.on('data', (d: Buffer) => (out += d.toString()))
      child.stderr.on('data', (d: Buffer) => (out += d.toString()))
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
      await expect.poll(() => /http:\/\/127\.0\.0\.1:\d+/.test(out), { timeout: 60_000, interval: 100 }).toBe(true)
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(out)![1])
      expect(await portOpen(port)).toBe(true)
      if (signal === 'SIGTERM') child.kill(signal)
      else process.kill(-child.pid!, signal)
      await exited
      await expect.poll(() => portOpen(port), { timeout: 10_000, interval: 100 }).toBe(false)
    }, 90_000)
  }
})
