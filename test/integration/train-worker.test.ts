import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runWorker } from '../../src/main/services/worker-host'
import { prepareData } from '../../src/main/core/train/prepare'
import { presetSpec } from '../../src/main/core/train/presets'
import { readSamples } from '../../src/main/storage/samples'
import type { TrainWorkerRequest, TrainWorkerResult } from '../../src/main/workers/train-protocol'
import type { EpochMetrics, TrainResult } from '../../src/shared/training'
import { jobUpdates, makePunchFlexProject } from '../helpers/train-fixture'
import { tempDir } from '../helpers/tmp'

/** Real worker threads on the real MPU6050 punch/flex recordings (17 + 43 windows of 30 x 6). */
describe('training in a worker thread on mpu6050-punch-flex', () => {
  const tmp = tempDir('microforge-train-')
  const project = join(tmp.dir, 'project')
  let services: Awaited<ReturnType<typeof makePunchFlexProject>>['services']

  beforeAll(async () => {
    services = (await makePunchFlexProject(tmp.dir, 7)).services
  })
  afterAll(() => tmp.cleanup())

  it('the 1D CNN reaches at least 90% test accuracy with a fixed seed, and saves a reloadable model', async () => {
    const { jobId } = await services.training.start(project, { preset: 'cnn1d', epochs: 40, seed: 42 })
    const updates = jobUpdates(services.bus, jobId)
    const done = await services.jobs.wait(jobId)
    expect(done.error).toBeUndefined()
    expect(done.state).toBe('done')
    const result = done.result as TrainResult
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.9)
    expect(result.testWindows).toBe(12)
    expect(result.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12)
    expect(result.test.perClass.map((c) => c.label)).toEqual(['punch', 'flex'])
    expect(['wasm', 'tensorflow', 'cpu']).toContain(result.backend)
    // How fast it trains is npm run bench -- train's to say (the same loop, per preset and backend), not a
    // wall-clock bound here that a busy machine fails.

    // Live progress: one update per epoch with metrics and an ETA.
    const epochs = updates.filter((u) => u.state === 'running' && u.data && (u.data as EpochMetrics).epoch)
    expect(epochs.length).toBe(result.epochsRun)
    expect(epochs[0].etaMs).toBeGreaterThan(0)
    expect(epochs.at(-1)!.data).toMatchObject({ loss: expect.any(Number), acc: expect.any(Number), valLoss: expect.any(Number), valAcc: expect.any(Number) })

    // Saved: model.json committing its weights-<hash>.bin, the recipe in project.json, the result for later.
    expect(result.modelPath).toBe(join(project, 'models', 'float', 'model.json'))
    expect(readdirSync(join(project, 'models', 'float')).filter((f) => /^weights-[0-9a-f]{12}\.bin$/.test(f))).toHaveLength(1)
    const pj = JSON.parse(readFileSync(join(project, 'project.json'), 'utf8'))
    expect(pj.signal.preprocessing).toMatchObject({ axes: ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ'], windowLength: 30, chosen: { by: 'auto' } })
    expect(['zscore', 'window-offset']).toContain(pj.signal.preprocessing.method)
    // The baseline on the same test windows, and no advice when the model is not below it.
    expect(result.baseline).toMatchObject({ windows: 12, nearestNeighbour: expect.any(Number), nearestClassMean: expect.any(Number) })
    expect(result.baseline!.nearestNeighbour).toBeGreaterThan(0.5)
    if (result.testAccuracy + 0.5 / 12 >= result.baseline!.nearestNeighbour) expect(result.advice).toBeNull()
    else expect(result.advice?.fix).toBeDefined()
    expect(pj.settings.training).toMatchObject({ epochs: 40, seed: 42 })
    expect(await services.training.result(project)).toMatchObject({ testAccuracy: result.testAccuracy })

    // Reload in a fresh worker and evaluate: the same test accuracy.
    const again = await services.training.evaluate(project)
    expect(again.accuracy).toBe(result.testAccuracy)
    expect(again.confusion).toEqual(result.test.confusion)
  })

  it('the separable CNN and the dense net also reach 90%', async () => {
    for (const preset of ['dscnn', 'dense'] as const) {
      const { jobId } = await services.training.start(project, { preset, seed: 42 })
      const done = await services.jobs.wait(jobId)
      expect(done.state, `${preset}: ${done.message}`).toBe('done')
      expect((done.result as TrainResult).testAccuracy, preset).toBeGreaterThanOrEqual(0.9)
    }
  })

  it('a model that does not learn (loss stays at chance) fails with a clear message and is not saved', async () => {
    const before = await services.training.result(project)
    const { jobId } = await services.training.start(project, { preset: 'dense', epochs: 4, learningRate: 10, optimizer: 'sgd', earlyStoppingPatience: 0, seed: 42 })
    const done = await services.jobs.wait(jobId)
    expect(done.state).toBe('failed')
    expect(done.error).toMatchObject({ code: 'MODEL_ERROR', message: expect.stringMatching(/did not learn.*not saved/) })
    expect(await services.training.result(project)).toEqual(before)
  })

  it('cancel stops the job within one epoch', async () => {
    const { jobId } = await services.training.start(project, { preset: 'cnn1d', epochs: 5000, earlyStoppingPatience: 0 })
    const updates = jobUpdates(services.bus, jobId)
    await expect(services.training.start(project, { preset: 'dense' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (updates.some((u) => ((u.data as EpochMetrics | undefined)?.epoch ?? 0) >= 3)) {
          clearInterval(t)
          resolve()
        }
      }, 5)
    })
    const epochAtCancel = Math.max(...updates.map((u) => (u.data as EpochMetrics | undefined)?.epoch ?? 0))
    await services.jobs.cancel(jobId)
    const end = await services.jobs.wait(jobId)
    expect(end.state).toBe('cancelled')
    const last = Math.max(...updates.map((u) => (u.data as EpochMetrics | undefined)?.epoch ?? 0))
    expect(last - epochAtCancel).toBeLessThanOrEqual(1)
  })

  it('tf.memory().numTensors is back at its baseline after a job in the worker', async () => {
    const samples = await readSamples(project)
    const data = prepareData(samples, ['punch', 'flex'], {}, 30, 0.2, 1)
    const req: TrainWorkerRequest = {
      kind: 'train',
      backend: 'auto',
      config: { spec: presetSpec('cnn1d'), inputShape: data.inputShape, classes: data.classes, epochs: 3, batchSize: 16, learningRate: 0.002, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
      train: data.train,
      val: data.val,
      test: data.test,
      cancelFlag: new Int32Array(new SharedArrayBuffer(4))
    }
    const out = await runWorker<TrainWorkerResult>('train-worker', req)
    expect(out.leakedTensors).toBe(0)
    expect(out.weights.byteLength).toBe(7282 * 4)
  })
})
