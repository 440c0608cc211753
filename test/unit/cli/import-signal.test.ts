import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliCommand } from '../../../src/cli/command'
import { command as importCommand } from '../../../src/cli/commands/import'
import { projectInfo } from '../../../src/cli/commands/project'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { createServices, type Services } from '../../../src/main/services'
import type { ImportResult } from '../../../src/shared/contract/dataset'
import type { ProjectSummary } from '../../../src/shared/contract/project'
import { fixturesDir } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/tmp'

const generated = path.join(fixturesDir, 'datasets', 'generated')
const nanoPunch = path.join(generated, 'nano33-119hz', 'punch.csv')

describe('import keeps each file its rate and length unless told otherwise', () => {
  let tmp: { dir: string; cleanup: () => void }
  let services: Services
  let run: (c: CliCommand, pos: string[], opts?: Record<string, string | boolean | undefined>) => Promise<unknown>

  beforeEach(() => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: path.join(tmp.dir, 'config') })
    const { client } = createMemoryClient(services.api, services.bus)
    run = (c, pos, opts = {}) => {
      const defaults = Object.fromEntries(Object.entries(c.options).map(([k, o]) => [k, o.default]))
      return c.run({ api: client, json: true, progress: () => undefined, interrupted: new Promise(() => undefined) }, pos, { ...defaults, ...opts })
    }
  })
  afterEach(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  it('a 119 Hz file into a 50 Hz project stops with the rates named; --resample gives 50 Hz windows as long as the gestures', async () => {
    const project = path.join(tmp.dir, 'p50')
    await services.api.project.create(project, 'p50')
    await services.api.project.update(project, { signal: { sampleRateHz: 50, rateSource: 'user', windowLength: 50 } })

    const err = await run(importCommand, [project, nanoPunch], { rate: '119' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT' })
    expect((err as Error).message).toMatch(/punch\.csv was recorded at 119 Hz; this project is at 50 Hz\. Nothing was imported/)
    expect((err as { hint?: string }).hint).toMatch(/--resample/)
    expect((await services.api.dataset.list(project)).length).toBe(0)

    const r = (await run(importCommand, [project, nanoPunch], { rate: '119', resample: true })) as ImportResult
    expect(r).toMatchObject({ classes: { punch: 4 }, windowLength: 50, rateHz: 50 })
    expect(r.report).toEqual([expect.objectContaining({ file: 'punch.csv', rateHz: 119, rateFrom: 'given', recordings: 4, samples: 476, windows: 4 })])
    expect(r.report[0].actions.join(' ')).toMatch(/resampled 119 Hz -> 50 Hz/)
    for (const id of r.ids) {
      const w = await services.api.dataset.get(project, id)
      expect(w.rateHz).toBe(50)
      // 119 samples at 119 Hz last 1 s; so do 50 samples at 50 Hz.
      expect(w.values.length / (w.rateHz as number)).toBeCloseTo(119 / 119, 6)
    }
    expect(importCommand.format?.(r)).toMatch(/punch\.csv \(punch\): 119 Hz from the given, 476 samples -> 4 windows; resampled 119 Hz -> 50 Hz/)
  })

  it('a folder per class of phone CSVs: one recording per file, labelled by folder, rate from the clock, windows by hop', async () => {
    const project = path.join(tmp.dir, 'phone')
    await services.api.project.create(project, 'phone')
    const r = (await run(importCommand, [project, path.join(generated, 'phone-gestures')], { 'window-length': '60', hop: '30' })) as ImportResult
    // 120, 150 and 180 rows per class: 3 + 4 + 5 windows of 60 with a hop of 30.
    expect(r.classes).toEqual({ circle: 12, shake: 12, tilt: 12 })
    expect(r.axes).toEqual(['x', 'y', 'z'])
    expect(r.rateHz).toBeGreaterThan(59.5)
    expect(r.rateHz).toBeLessThan(60.5)
    expect(r.report).toHaveLength(9)
    expect(r.report[0]).toMatchObject({ file: 'circle/rec1.csv', label: 'circle', rateFrom: 'time column', recordings: 1, samples: 120, windows: 3 })
    const info = (await run(projectInfo, [project])) as ProjectSummary
    expect(info.signal).toEqual({ sampleRateHz: r.rateHz, windowLength: 60, axes: ['x', 'y', 'z'] })
    expect(info.project.signal).toMatchObject({ hop: 30, units: ['g', 'g', 'g'], rateSource: 'file' })
    for (const cls of ['circle', 'shake', 'tilt']) expect(info.split[cls].test).toBeGreaterThanOrEqual(2)
    // --label wins over the folder; orientation axes only when picked.
    const p2 = path.join(tmp.dir, 'phone2')
    await services.api.project.create(p2, 'phone2')
    const r2 = (await run(importCommand, [p2, path.join(generated, 'phone-gestures', 'tilt')], { label: 'lean', axes: 'x,y,z,alpha', 'window-length': '120' })) as ImportResult
    expect(r2.classes).toEqual({ lean: 3 })
    expect(r2.axes).toEqual(['x', 'y', 'z', 'alpha'])
  })

  it('files without timing import at the rate given with --rate, and say the rate is unknown without it', async () => {
    const project = path.join(tmp.dir, 'nano')
    await services.api.project.create(project, 'nano')
    const unknown = (await run(importCommand, [project, nanoPunch])) as ImportResult
    expect(unknown.rateHz).toBeNull()
    expect(importCommand.format?.(unknown)).toMatch(/rate unknown \(give it with --rate HZ\)/)
    // The sidebar does not call the sensor known while its rate is not.
    expect((await services.api.project.open(project)).steps[0]).toMatchObject({ id: 'connect', state: 'ready', detail: expect.stringMatching(/sample rate is unknown/) })
    const p2 = path.join(tmp.dir, 'nano2')
    await services.api.project.create(p2, 'nano2')
    const given = (await run(importCommand, [p2, nanoPunch], { rate: '119' })) as ImportResult
    expect(given).toMatchObject({ rateHz: 119, windowLength: 119 })
    expect((await services.api.project.open(p2)).project.signal).toMatchObject({ sampleRateHz: 119, rateSource: 'user' })
    expect((await services.api.project.open(p2)).steps[0]).toMatchObject({ id: 'connect', state: 'done' })
  })

  it('a folder of IMU_Capture files (punch.csv, flex.csv) labels each file by its name, not by the folder', async () => {
    const project = path.join(tmp.dir, 'pf')
    await services.api.project.create(project, 'pf')
    const r = (await run(importCommand, [project, path.join(fixturesDir, 'datasets', 'mpu6050-punch-flex')], { rate: '50' })) as ImportResult
    expect(r.classes).toEqual({ flex: 43, punch: 17 })
  })
})
