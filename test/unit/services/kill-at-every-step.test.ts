/**
 * Issue #17, problem 4: a kill at any file-system step leaves the previous complete state or the
 * new one. fs-ops counts the steps that change a project; injectKillAt(k) makes step k and every
 * later step fail as if the process had died (no cleanup can run), for k = 1, 2, ... until an
 * operation completes. After each kill the project is checked as the next run would find it.
 */
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import { fsStepsTaken, injectKillAt, InjectedKill } from '../../../src/main/storage/fs-ops'
import { readModelAttachment, readModelFolder } from '../../../src/main/storage/model-io'
import type { OptimizeService } from '../../../src/main/services/optimize-service'
import { saveProfileSession } from '../../../src/main/services/profile-save'
import type { ProjectService } from '../../../src/main/services/project-service'
import type { TrainingService } from '../../../src/main/services/training-service'
import type { ProfileSession } from '../../../src/shared/contract/profile'
import type { VariantRecord } from '../../../src/shared/optimize'
import type { TrainWorkerResult } from '../../../src/main/workers/train-protocol'
import type { TrainResult } from '../../../src/shared/training'
import { tempDir } from '../../helpers/tmp'

const recipe = (tag: number): Record<string, unknown> => ({ method: 'none', axes: ['aX'], windowLength: 1, offset: [0], scale: [tag] })
function trained(tag: number): { out: TrainWorkerResult; result: TrainResult } {
  const weights = new Float32Array([tag, tag, tag])
  const modelJson = { format: 'layers-model', generatedBy: 't', convertedBy: null, modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }] }
  const out = { modelJson, weights: weights.buffer } as unknown as TrainWorkerResult
  const result = { classes: ['a'], preprocessing: recipe(tag), options: { tag }, trainMs: tag } as unknown as TrainResult
  return { out, result }
}

/** A variant whose accuracy (tag / 10) and bytes (tag + 3 bytes of value tag) tell which save made it. */
function variant(tag: number): { record: VariantRecord; bytes: Uint8Array } {
  const bytes = new Uint8Array(tag + 3).fill(tag)
  const record = { name: 'ptq', kind: 'ptq', title: 'ptq', format: 'int8', accuracy: tag / 10, accuracyDelta: 0, accuracySource: 'interpreter', tfliteBytes: bytes.length, gzipBytes: 1, params: 1, macs: 1, arenaBytes: 1, latency: [], hostLatencyMs: 1, sparsity: 0, jobMs: 1, path: 'models/variants/ptq.tflite', createdAt: '2026-01-01T00:00:00.000Z' }
  return { record: record as unknown as VariantRecord, bytes }
}

/** A board session on nrf52840 measuring `ratio` times the estimate. */
function boardSession(id: string, ratio: number): ProfileSession {
  const stats = { stages: [], total: null }
  return { format: 'microforge-profile', version: 1, id, name: id, createdAt: `2026-01-01T00:00:0${id.length % 10}.000Z`, durationMs: 1, origin: 'board', source: { kind: 'serial', port: '/dev/ttyX', baud: 115200 }, target: 'nrf52840', inferences: 1, medians: {}, totalMedian: null, memory: {}, estimatedInferenceUs: 100, measuredOverEstimated: ratio, samples: [], classifications: [], counts: {}, stats } as unknown as ProfileSession
}

/** Runs op with a kill at every step in turn, on a fresh copy of `template`; check sees each copy. */
async function everyStep(template: string, work: string, op: (dir: string) => Promise<unknown>, check: (dir: string, killedAt: number | null) => Promise<void>): Promise<number> {
  for (let k = 1; ; k++) {
    const dir = join(work, `k${k}`)
    cpSync(template, dir, { recursive: true })
    injectKillAt(k)
    let killed = false
    try {
      await op(dir)
    } catch (err) {
      if (!(err instanceof InjectedKill)) throw err
      killed = true
    }
    const steps = fsStepsTaken()
    injectKillAt(null)
    await check(dir, killed ? k : null)
    if (!killed) return steps
  }
}

describe('a kill at every file-system step', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let template: string
  beforeAll(async () => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
    template = join(tmp.dir, 'template')
    await services.api.project.create(template, 'Kill')
    await services.api.project.update(template, { signal: { sampleRateHz: 50 } })
    const a = trained(1)
    await (services.api.training as TrainingService).save(template, a.out, a.result)
  })
  afterAll(async () => {
    injectKillAt(null)
    await services.dispose()
    tmp.cleanup()
  })

  it('train: the old model or the new one, never a mix; project.json follows on open', async () => {
    const b = trained(2)
    const steps = await everyStep(template, join(tmp.dir, 'train'), (dir) => (services.api.training as TrainingService).save(dir, b.out, b.result), async (dir) => {
      // Before anyone finishes a killed commit, a reader going by model.json sees one whole generation.
      const early = await readModelFolder(join(dir, 'models', 'float'))
      const earlyTag = new Float32Array(early.weights)[0]
      expect(Array.from(new Float32Array(early.weights))).toEqual([earlyTag, earlyTag, earlyTag])
      expect((await readModelAttachment<{ trainMs: number }>(join(dir, 'models', 'float'), 'training'))?.trainMs).toBe(earlyTag)
      // The next run opens the project, which rolls a committed change forward: model and project.json agree.
      const opened = await services.api.project.open(dir)
      const { weights } = await readModelFolder(join(dir, 'models', 'float'))
      const tag = new Float32Array(weights)[0]
      expect([1, 2]).toContain(tag)
      expect(Array.from(new Float32Array(weights))).toEqual([tag, tag, tag])
      expect((await services.api.training.result(dir))?.trainMs).toBe(tag)
      expect(opened.project.signal.preprocessing).toEqual(recipe(tag))
    })
    expect(steps).toBeGreaterThan(3)
  })

  it('generate --force: one complete firmware folder, no .old-* counted', async () => {
    const req = { projectDir: template, target: 'nano33ble' as const, runtime: 'c' as const, mode: 'capture' as const, kind: 'platformio' as const, name: 'fw' }
    await services.api.deploy.generate(req)
    const files = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).sort()
    const before = files(join(template, 'firmware', 'fw'))
    await services.api.project.update(template, { name: 'Kill two' })
    const steps = await everyStep(template, join(tmp.dir, 'gen'), (dir) => services.api.deploy.generate({ ...req, projectDir: dir, overwrite: true }), async (dir) => {
      const fw = join(dir, 'firmware', 'fw')
      const summary = await services.api.project.open(dir)
      expect(summary.firmwareCount).toBeLessThanOrEqual(1)
      if (existsSync(fw)) {
        expect(files(fw)).toEqual(before)
        expect(readFileSync(join(fw, 'README.md'), 'utf8')).toMatch(/project \*\*Kill( two)?\*\*/)
      }
      // The next run finds the old folder again, or the new one, and leaves nothing hidden behind.
      await services.api.deploy.generate({ ...req, projectDir: dir, overwrite: true })
      // Beside it only .sources.json, the record of what each firmware was built from (stale marks).
      expect(readdirSync(join(dir, 'firmware')).filter((n) => n !== '.sources.json')).toEqual(['fw'])
      expect((await services.api.project.open(dir)).firmwareCount).toBe(1)
    })
    expect(steps).toBeGreaterThan(3)
  })

  it('optimize: the variant file and its index row are both old or both new', async () => {
    const optimize = services.api.optimize as OptimizeService
    const base = join(tmp.dir, 'opt-template')
    cpSync(template, base, { recursive: true })
    const a = variant(1)
    await optimize.saveVariant(base, a.record, a.bytes, null)
    const b = variant(2)
    const steps = await everyStep(base, join(tmp.dir, 'opt'), (dir) => optimize.saveVariant(dir, b.record, b.bytes, null), async (dir) => {
      const index = await optimize.list(dir)
      expect(index.variants.map((v) => v.name)).toEqual(['ptq'])
      const tag = Math.round(index.variants[0].accuracy * 10)
      expect([1, 2]).toContain(tag)
      expect(Array.from(readFileSync(join(dir, 'models', 'variants', 'ptq.tflite')))).toEqual(Array.from(variant(tag).bytes))
      expect(readdirSync(join(dir, 'models', 'variants')).filter((n) => n.endsWith('.tflite'))).toEqual(['ptq.tflite'])
    })
    expect(steps).toBeGreaterThan(3)
    // Removing: the row and the file go together.
    await everyStep(base, join(tmp.dir, 'opt-rm'), (dir) => optimize.remove(dir, 'ptq'), async (dir) => {
      const listed = (await optimize.list(dir)).variants.length === 1
      expect(existsSync(join(dir, 'models', 'variants', 'ptq.tflite'))).toBe(listed)
    })
  })

  it('profile save: a board session and the correction it makes are both there or both not', async () => {
    const projects = services.api.project as ProjectService
    const base = join(tmp.dir, 'prof-template')
    cpSync(template, base, { recursive: true })
    await saveProfileSession(base, boardSession('first', 1), projects, () => services.api.profile.list(base))
    const steps = await everyStep(base, join(tmp.dir, 'prof'), (dir) => saveProfileSession(dir, boardSession('second', 4), projects, () => services.api.profile.list(dir)), async (dir) => {
      const opened = await services.api.project.open(dir)
      const saved = (await services.api.profile.list(dir)).map((s) => s.id).sort()
      const correction = (opened.project.settings.latencyCorrections as Record<string, number>).nrf52840
      expect(saved.includes('first')).toBe(true)
      // Geometric mean of 1 and 4 once the second session is in.
      expect(correction).toBe(saved.includes('second') ? 2 : 1)
    })
    expect(steps).toBeGreaterThan(3)
  })

  it('import: all windows or none, and every saved window has its class in project.json', async () => {
    const csv = join(tmp.dir, 'in.csv')
    writeFileSync(csv, 'label,aX\nup,1\nup,2\ndown,3\ndown,4\nleft,5\nleft,6\n')
    const steps = await everyStep(template, join(tmp.dir, 'imp'), (dir) => services.api.dataset.import(dir, [csv], { windowLength: 2 }), async (dir) => {
      const project = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8')) as { classes: Array<{ name: string }> }
      const names = project.classes.map((c) => c.name)
      const windows = await services.api.dataset.list(dir)
      for (const s of windows) expect(names).toContain(s.label)
      // All three windows or none: a retry then imports each once.
      expect([0, 3]).toContain(windows.length)
    })
    expect(steps).toBeGreaterThan(3)
  })
})
