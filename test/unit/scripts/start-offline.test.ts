import { describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { repoRoot, tempDir } from '../../helpers/tmp'

describe('npm start without an Electron binary', () => {
  it('explains what happened and names npm run web, without a stack trace', () => {
    const cache = tempDir()
    try {
      // A refused local mirror and an empty cache make the first-start download fail the way it
      // does on an offline machine, whether or not this machine has a network.
      const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'start.mjs')], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache.dir, ELECTRON_OVERRIDE_DIST_PATH: '' }
      })
      const text = `${r.stdout}${r.stderr}`
      expect(r.status).toBe(1)
      expect(text).toMatch(/npm run web/)
      expect(text).toMatch(/Electron runtime is not installed/)
      expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/)
    } finally {
      cache.cleanup()
    }
    // The first-start download retries before it gives up: about 7 s idle, 51 s at nice 10 beside two busy
    // processes. The test outlasts the run's own limit, so a hang fails as one.
  }, 330_000)
})
