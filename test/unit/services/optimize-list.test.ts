import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { EventBus } from '../../../src/main/services/event-bus'
import { JobService } from '../../../src/main/services/job-service'
import { OptimizeService } from '../../../src/main/services/optimize-service'
import { ProjectService } from '../../../src/main/services/project-service'
import type { VariantIndex, VariantRecord } from '../../../src/shared/optimize'
import { tempDir } from '../../helpers/tmp'

describe('listing variants when the float model is missing or damaged', () => {
  let tmp: ReturnType<typeof tempDir>
  let project: string
  const optimize = new OptimizeService(new JobService(new EventBus()))

  beforeEach(async () => {
    tmp = tempDir()
    project = join(tmp.dir, 'p')
    await new ProjectService(join(tmp.dir, 'config')).create(project, 'p')
    const variant = { name: 'ptq', kind: 'ptq', accuracy: 0.9, accuracyDelta: 0, latency: [], sourceModel: '0123456789abcdef' } as unknown as VariantRecord
    const index: VariantIndex = { version: 1, floatAccuracy: 0.9, variants: [variant], sweeps: [] }
    mkdirSync(join(project, 'models', 'variants'), { recursive: true })
    writeFileSync(join(project, 'models', 'variants', 'index.json'), JSON.stringify(index))
  })
  afterEach(() => tmp.cleanup())

  it('a damaged model.json makes every variant stale and says why', async () => {
    mkdirSync(join(project, 'models', 'float'), { recursive: true })
    writeFileSync(join(project, 'models', 'float', 'model.json'), '{"modelTopology": ')
    writeFileSync(join(project, 'models', 'float', 'weights.bin'), new Uint8Array(8))
    const listed = await optimize.list(project)
    expect(listed.variants.map((v) => v.stale)).toEqual([true])
    expect(listed.floatModelProblem).toMatch(/^The trained model's files are damaged: .*model\.json is damaged \(not valid JSON\)\. Train again to replace it\.$/)
    const rec = await optimize.recommend(project, { flashKB: 1024, ramKB: 256, latencyMs: 1000, minAccuracy: 0, target: 'esp32' })
    expect(rec.variant).toBeNull()
  })

  it('with no trained model, the variants are listed as they were, with no problem', async () => {
    const listed = await optimize.list(project)
    expect(listed.variants.map((v) => v.stale)).toEqual([false])
    expect(listed.floatModelProblem).toBeUndefined()
  })
})
