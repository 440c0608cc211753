import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sketchLocation } from '../../../src/main/core/codegen/sketch-location'
import { ProjectService } from '../../../src/main/services/project-service'
import { repoRoot, tempDir } from '../../helpers/tmp'

/**
 * The command as the README documents it: linked onto the PATH (what `npm link` does, a symlink to
 * bin/microforge.mjs) and run from a folder that is not the clone.
 */
describe('the microforge command from any folder', () => {
  let tmp: ReturnType<typeof tempDir>
  let bin: string
  const run = (args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: tmp.dir, env: { ...process.env, MICROFORGE_HOME: join(tmp.dir, 'home') }, encoding: 'utf8', timeout: 120_000 })
    return { code: r.status, out: r.stdout, err: r.stderr }
  }

  beforeAll(() => {
    tmp = tempDir('microforge-cli-anywhere-')
    mkdirSync(join(tmp.dir, 'bin'))
    bin = join(tmp.dir, 'bin', 'microforge')
    symlinkSync(join(repoRoot, 'bin', 'microforge.mjs'), bin)
  })
  afterAll(() => tmp.cleanup())

  // Each run is a cold start of the CLI: about 8 s at nice 10 beside other tests, over 30 s beside two
  // busy processes (97 s for these three). The test outlasts its runs' own 120 s limits, so a hung
  // run fails as one.
  it('runs through a symlink outside the clone and writes firmware inside the project by default', { timeout: 400_000 }, () => {
    const created = run(['project', 'create', 'gestures', '--name', 'Gestures', '--json'])
    expect(created.err).toBe('')
    expect(created.code).toBe(0)
    expect(JSON.parse(created.out).dir).toBe(join(tmp.dir, 'gestures'))
    // Firmware samples at the project's rate, so the project needs one first.
    expect(run(['project', 'set', 'gestures', '--rate', '50', '--json']).code).toBe(0)

    const gen = run(['generate', 'gestures', '--mode', 'capture', '--target', 'nano33ble', '--json'])
    expect(gen.code).toBe(0)
    const path = JSON.parse(gen.out).path as string
    expect(path.startsWith(join(tmp.dir, 'gestures', 'firmware') + '/')).toBe(true)
    expect(readdirSync(path)).toContain(`${path.split('/').pop()}.ino`)
  })

  it('names an Arduino sketch after the folder it is written to, so the Arduino IDE opens it', async () => {
    // Its own project, made here (not by the test above), at the rate capture firmware needs.
    const projects = new ProjectService(join(tmp.dir, 'home'))
    await projects.create(join(tmp.dir, 'sketch'), 'Sketch')
    await projects.update(join(tmp.dir, 'sketch'), { signal: { sampleRateHz: 50, rateSource: 'user' } })
    const gen = run(['generate', 'sketch', '--mode', 'capture', '--target', 'nano33ble', '--out', './firmware', '--json'])
    expect(gen.code).toBe(0)
    expect(existsSync(join(tmp.dir, 'firmware', 'firmware.ino'))).toBe(true)
  })
})

describe('the documentation', () => {
  it('shows commands as `microforge …` (after npm link), never `npx microforge`, which asks the npm registry outside the clone', () => {
    const docs = ['README.md', ...readdirSync(join(repoRoot, 'docs')).map((f) => join('docs', f))].filter((f) => f.endsWith('.md'))
    for (const f of docs) {
      const commands = readFileSync(join(repoRoot, f), 'utf8')
        .split('\n')
        .filter((l) => /^\s*npx microforge /.test(l))
      expect(commands, f).toEqual([])
    }
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain('npm link')
  })
})

describe('sketchLocation', () => {
  it('keeps folder and sketch names equal for Arduino, and leaves other project kinds alone', () => {
    expect(sketchLocation('arduino', 'ptq_nano33ble_profile', {})).toEqual({ name: 'ptq_nano33ble_profile', out: null })
    expect(sketchLocation('arduino', 'ptq_nano33ble_profile', { out: '/w/firmware' })).toEqual({ name: 'firmware', out: '/w/firmware' })
    expect(sketchLocation('arduino', 'ptq_nano33ble_profile', { out: '/w/firmware', name: 'gesture' })).toEqual({ name: 'gesture', out: '/w/firmware/gesture' })
    expect(sketchLocation('arduino', 'x', { out: '/w/my-sketch' })).toEqual({ name: 'my_sketch', out: '/w/my-sketch/my_sketch' })
    expect(sketchLocation('platformio', 'ptq_esp32_profile', { out: '/w/firmware' })).toEqual({ name: 'ptq_esp32_profile', out: '/w/firmware' })
    expect(sketchLocation('arduino', 'ptq', { out: '/w/f.zip', zip: true })).toEqual({ name: 'ptq', out: '/w/f.zip' })
  })
})
