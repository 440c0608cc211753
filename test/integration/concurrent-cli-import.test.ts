/**
 * Issue #17, problem 3: eight CLI imports into one project at once, as real child processes.
 * Before the cross-process lock each process read project.json, added its class and wrote it
 * back, and the last writer dropped the others' classes while every process exited 0.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProjectService } from '../../src/main/services/project-service'
import { repoRoot, tempDir } from '../helpers/tmp'

const N = 8

function cli(args: string[], home: string): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'microforge.mjs'), ...args], { env: { ...process.env, MICROFORGE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => resolve({ code, out }))
  })
}

describe('concurrent CLI runs on one project', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeAll(() => {
    tmp = tempDir()
  })
  afterAll(() => tmp.cleanup())

  it(`${N} concurrent imports keep every class`, async () => {
    const dir = join(tmp.dir, 'p')
    await new ProjectService(join(tmp.dir, 'home')).create(dir, 'Concurrent')
    const files = Array.from({ length: N }, (_, i) => {
      const f = join(tmp.dir, `c${i}.csv`)
      writeFileSync(f, `aX,aY,aZ\n${[1, 2, 3, 4].map((v) => `${v + i},${v},${-v}`).join('\n')}\n`)
      return f
    })
    const runs = await Promise.all(files.map((f, i) => cli(['import', dir, f, '--label', `class_${i}`, '--window-length', '2', '--json'], join(tmp.dir, 'home'))))
    for (const r of runs) expect(r.code, r.out).toBe(0)
    const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { classes: Array<{ name: string }> }
    expect(project.classes.map((c) => c.name).sort()).toEqual(Array.from({ length: N }, (_, i) => `class_${i}`).sort())
  }, 180_000)
})
