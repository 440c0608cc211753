/**
 * A full disk, for real: each case runs the services in a child process inside a user and mount
 * namespace (`unshare -rm`, no root needed) with a small tmpfs as the project's disk, so writes
 * fail with the kernel's ENOSPC. The child checks the disk before its namespace goes away.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot, tempDir } from '../helpers/tmp'

const tmp = tempDir('microforge-disk-full-')
afterAll(() => tmp.cleanup())

function runOnSmallDisk(scenario: string, sizeKB: number): Record<string, unknown> {
  const disk = path.join(tmp.dir, `${scenario}-disk`)
  const scratch = path.join(tmp.dir, `${scenario}-scratch`)
  mkdirSync(disk)
  mkdirSync(scratch)
  const child = path.join(repoRoot, 'test/integration/helpers/disk-full-child.ts')
  const script = `mount -t tmpfs -o size=${sizeKB}k tmpfs "$1" && exec "$2" --import tsx "$3" "$4" "$1" "$5"`
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', disk, process.execPath, child, scenario, scratch], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 90_000
  })
  if (r.error) throw new Error(`unshare (util-linux) could not run: ${r.error.message}`)
  const last = r.stdout.trim().split('\n').pop() ?? ''
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`the ${scenario} child failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(last) as Record<string, unknown>
}

describe('a full disk', () => {
  it('capture: the recording stops with a clear message, and every window it reported saved is on disk and readable', () => {
    const r = runOnSmallDisk('capture', 160)
    expect(r.state).toBe('failed')
    expect(r.error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/disk is full/), hint: expect.stringMatching(/Free some space/) })
    const saved = r.savedIds as string[]
    expect(saved.length).toBeGreaterThan(3)
    expect(r.windowsSaved).toBe(saved.length)
    expect((r.listedIds as string[]).slice().sort()).toEqual(saved.slice().sort())
    expect(r.readable).toEqual(saved.map(() => 50))
    expect(r.leftovers).toEqual([])
    expect(r.projectJson).toBe('full disk')
  })

  it('deploy: generating over an earlier firmware folder fails with DISK_FULL and leaves that folder as it was', () => {
    const r = runOnSmallDisk('deploy', 512)
    expect(r.error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/disk is full/), hint: expect.stringMatching(/Free some space/) })
    expect(r.zipError).toMatchObject({ code: 'DISK_FULL' })
    expect(r.files).toBeGreaterThan(5)
    expect(r.intact).toBe(true)
    expect(r.zipExists).toBe(false)
    // Beside the folder only .sources.json, the record of what each firmware was built from.
    expect((r.firmwareEntries as string[]).filter((n) => n !== '.sources.json')).toEqual(['hello_int8_nano33ble_c_classify'])
    expect(r.leftovers).toEqual([])
  })

  it('import: a full disk imports nothing (no window without its class), and the retry imports each window once', () => {
    const r = runOnSmallDisk('import', 4096)
    expect(r.error).toMatchObject({ code: 'DISK_FULL', message: expect.stringMatching(/disk is full/), hint: expect.stringMatching(/Free some space/) })
    expect(r.windowsAfterFull).toBe(0)
    expect(r.unlistedAfterFull).toBe(0)
    expect(r.retryImported).toBe(400)
    expect(r.windowsAfterRetry).toBe(400)
    expect(r.distinctSources).toBe(400)
    expect(r.unlistedAfterRetry).toBe(0)
    expect(r.hidden).toEqual([])
    expect(r.leftovers).toEqual([])
  })
})
