/**
 * The Optimize step as the app and the CLI use it: jobs with progress and cancel, real worker
 * threads, variants saved in models/variants, a sparsity sweep, the recommendation.
 */
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OptimizeService } from '../../src/main/services/optimize-service'
import type { JobUpdate } from '../../src/shared/contract/jobs'
import type { VariantIndex, VariantRecord } from '../../src/shared/optimize'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { tempDir } from '../helpers/tmp'

describe('optimize service on mpu6050-punch-flex', () => {
  const tmp = tempDir('microforge-optimize-')
  const trained = join(tmp.dir, 'project')
  let services: Awaited<ReturnType<typeof makePunchFlexProject>>['services']
  let optimize: OptimizeService

  beforeAll(async () => {
    services = (await makePunchFlexProject(tmp.dir, 7)).services
    optimize = new OptimizeService(services.jobs)
    const { jobId } = await services.training.start(trained, { preset: 'cnn1d', epochs: 30, seed: 42, backend: 'wasm' })
    const done = await services.jobs.wait(jobId)
    expect(done.state).toBe('done')
  }, 120_000)
  afterAll(() => tmp.cleanup())

  /** Each test's own copy of the trained project, so none depends on what another test optimized. */
  let copies = 0
  function trainedCopy(): string {
    const dir = join(tmp.dir, `copy-${++copies}`)
    cpSync(trained, dir, { recursive: true })
    return dir
  }
  /** A trained copy with the float32 and PTQ variants made. */
  async function withPtq(): Promise<string> {
    const dir = trainedCopy()
    const started = await optimize.start(dir, { variants: ['ptq'] })
    for (const j of started.jobs) expect((await services.jobs.wait(j.jobId)).state).toBe('done')
    return dir
  }

  function updatesOf(jobId: string): JobUpdate[] {
    const list: JobUpdate[] = []
    services.bus.on('jobs.update', (u) => {
      if (u.jobId === jobId) list.push(u)
    })
    return list
  }

  it('fails with a next step before a model is trained', async () => {
    const other = tempDir('microforge-optimize-empty-')
    try {
      await services.projects.create(join(other.dir, 'p'), 'empty')
      await expect(optimize.start(join(other.dir, 'p'), { variants: ['ptq'] })).rejects.toMatchObject({ code: 'NOT_FOUND', hint: expect.stringMatching(/Train/) })
    } finally {
      other.cleanup()
    }
  })

  it('runs each variant as its own job, one after another, and saves them', async () => {
    const project = trainedCopy()
    const started = await optimize.start(project, { variants: ['ptq', 'prune'], epochs: 3, sparsity: 0.8 })
    expect(started.jobs.map((j) => j.variant)).toEqual(['float32', 'ptq', 'prune'])
    const pruneUpdates = updatesOf(started.jobs[2].jobId)
    const finals = await Promise.all(started.jobs.map((j) => services.jobs.wait(j.jobId)))
    expect(finals.map((f) => f.state)).toEqual(['done', 'done', 'done'])
    expect(pruneUpdates.some((u) => u.state === 'running' && /epoch 3\/3/.test(u.message) && /sparsity/.test(u.message))).toBe(true)

    const index = JSON.parse(readFileSync(join(project, 'models', 'variants', 'index.json'), 'utf8')) as VariantIndex
    expect(index.variants.map((v) => v.name).sort()).toEqual(['float32', 'prune', 'ptq'])
    const byName = (n: string): VariantRecord => index.variants.find((v) => v.name === n)!
    for (const v of index.variants) {
      expect(existsSync(join(project, v.path))).toBe(true)
      expect(readFileSync(join(project, v.path)).length).toBe(v.tfliteBytes)
      expect(v.latency.map((l) => l.target).sort()).toEqual(['esp32', 'nano33ble', 'pico', 'stm32f4'])
    }
    expect(index.floatAccuracy).toBe(byName('float32').accuracy)
    expect(byName('float32').accuracyDelta).toBe(0)
    expect(byName('ptq').tfliteBytes).toBeLessThan(byName('float32').tfliteBytes / 2)
    expect(byName('prune').sparsity).toBeGreaterThan(0.79)
    expect(byName('prune').gzipBytes).toBeLessThan(byName('ptq').gzipBytes)
    expect(byName('ptq').accuracySource).toBe('interpreter')

    const rec = await optimize.recommend(project, { flashKB: 64, ramKB: 16, latencyMs: 20, minAccuracy: 0.5, target: 'nano33ble' })
    expect(rec.variant).not.toBeNull()
    expect(rec.reason.length).toBeGreaterThan(10)
  })

  it('applies the latest per-board correction from profiling to every estimate', async () => {
    const project = await withPtq()
    const summary = await services.projects.open(project)
    await services.projects.update(project, { settings: { ...summary.project.settings, latencyCorrections: { esp32: 2 } } })
    const index = await optimize.list(project)
    expect(index.variants.map((v) => v.name).sort()).toEqual(['float32', 'ptq'])
    for (const v of index.variants) {
      const esp32 = v.latency.find((l) => l.target === 'esp32')!
      expect(esp32.correction).toBe(2)
      expect(esp32.ms).toBeCloseTo(esp32.rawMs * 2, 10)
      expect(v.latency.find((l) => l.target === 'nano33ble')!.correction).toBe(1)
    }
  })

  it('sweeps sparsities as one job and records the curve', async () => {
    const project = trainedCopy()
    const { jobId } = await optimize.sweep(project, { sparsities: [0.5, 0.9], epochs: 2 })
    const done = await services.jobs.wait(jobId)
    expect(done.state).toBe('done')
    const index = await optimize.list(project)
    const sweep = index.sweeps.at(-1)!
    expect(sweep.points.map((p) => p.sparsity)).toEqual([0.5, 0.9])
    expect(sweep.points[1].gzipBytes).toBeLessThan(sweep.points[0].gzipBytes)
    expect(index.variants.some((v) => v.name === 'prune-90')).toBe(true)
  })

  it('cancels a running fine-tune and keeps what was saved', async () => {
    const project = await withPtq()
    const started = await optimize.start(project, { variants: ['qat'], epochs: 200 })
    const job = started.jobs[0].jobId
    const updates = updatesOf(job)
    const t0 = Date.now()
    while (!updates.some((u) => /epoch/.test(u.message)) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50))
    await services.jobs.cancel(job)
    const end = await services.jobs.wait(job)
    expect(end.state).toBe('cancelled')
    expect((await optimize.list(project)).variants.some((v) => v.name === 'qat')).toBe(false)
    const ptqFile = join(project, (await optimize.list(project)).variants.find((v) => v.name === 'ptq')!.path)
    expect(existsSync(ptqFile)).toBe(true)
    expect((await optimize.remove(project, 'ptq')).variants.some((v) => v.name === 'ptq')).toBe(false)
    expect(existsSync(ptqFile)).toBe(false)
  })
  it('after training again, earlier variants are stale: left out of recommendations, and the baseline is made again', async () => {
    const project = await withPtq()
    const budget = { flashKB: 1024, ramKB: 256, latencyMs: 1000, minAccuracy: 0, target: 'nano33ble' as const }
    const before = await optimize.list(project)
    expect(before.variants.length).toBeGreaterThan(1)
    expect(before.variants.every((v) => v.stale === false && typeof v.sourceModel === 'string')).toBe(true)

    const { jobId } = await services.training.start(project, { preset: 'cnn1d', epochs: 5, seed: 7, backend: 'wasm' })
    expect((await services.jobs.wait(jobId)).state).toBe('done')
    const after = await optimize.list(project)
    expect(after.variants.map((v) => v.name).sort()).toEqual(before.variants.map((v) => v.name).sort())
    expect(after.variants.every((v) => v.stale)).toBe(true)
    expect((await optimize.recommend(project, budget)).variant).toBeNull()

    const started = await optimize.start(project, { variants: ['ptq'] })
    expect(started.jobs.map((j) => j.variant)).toEqual(['float32', 'ptq'])
    for (const j of started.jobs) expect((await services.jobs.wait(j.jobId)).state).toBe('done')
    const fresh = await optimize.list(project)
    expect(fresh.variants.filter((v) => !v.stale).map((v) => v.name).sort()).toEqual(['float32', 'ptq'])
    expect(fresh.floatAccuracy).toBe(fresh.variants.find((v) => v.name === 'float32')!.accuracy)
    expect((await optimize.recommend(project, budget)).variant).toBe('ptq')
    // Never stored: the index on disk has no stale flags.
    expect(readFileSync(join(project, 'models', 'variants', 'index.json'), 'utf8')).not.toContain('"stale"')
  })
})
