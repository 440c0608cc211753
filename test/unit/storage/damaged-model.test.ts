import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Services } from '../../../src/main/services'
import type { GenerateResult } from '../../../src/shared/contract/deploy'
import { generateHelloClassify } from '../../helpers/hello-firmware'
import { helloServicesProject, type ServicesProject } from '../../helpers/services-project'

/** A damaged float model is a state with its reason in every step, never "no model" (issue #16). */
describe('a damaged float model is said to be damaged, not taken for no model', () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir
  const modelDir = (): string => join(dir(), 'models', 'float')
  const generate = (allowStale = false): Promise<GenerateResult> => generateHelloClassify(services, dir(), allowStale)

  beforeEach(async () => {
    project = await helloServicesProject({ trained: true })
    services = project.services
  })
  afterEach(() => project.dispose())

  it('model.json that is not JSON: the summary, its steps, Optimize and Deploy all say so with the reason', async () => {
    await generate()
    writeFileSync(join(modelDir(), 'model.json'), '{"modelTopology": ')
    const problem = `The trained model's files are damaged: ${join(modelDir(), 'model.json')} is damaged (not valid JSON). Train again to replace it.`

    const summary = await services.api.project.open(dir())
    expect(summary.floatModelProblem).toBe(problem)
    expect(summary.steps.find((s) => s.id === 'train')).toMatchObject({ state: 'ready', detail: problem })
    expect(summary.steps.find((s) => s.id === 'optimize')?.state).toBe('blocked')
    // Nothing made from the model before counts as current while it cannot be read.
    expect(summary.stale).toEqual({ dataChanged: false, variants: 1, firmware: 1, profiles: 0 })

    expect((await services.api.optimize.list(dir())).floatModelProblem).toBe(problem)
    expect((await services.api.deploy.variants(dir()))[0].stale).toBe(true)
    await expect(generate()).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: problem })
    // Asked and confirmed: built, and recorded as of no current model.
    await generate(true)
    const sources = JSON.parse(readFileSync(join(dir(), 'firmware', '.sources.json'), 'utf8')) as Record<string, { sourceModel: string | null }>
    expect(Object.values(sources).map((s) => s.sourceModel)).toEqual(['earlier-model'])
  })

  it('a weights file that model.json names but is gone is damaged too, not "no model"', async () => {
    const named = (JSON.parse(readFileSync(join(modelDir(), 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> }).weightsManifest[0].paths[0]
    rmSync(join(modelDir(), named))
    const summary = await services.api.project.open(dir())
    expect(summary.floatModelProblem).toBe(`The trained model's files are damaged: ${join(modelDir(), named)}, which model.json names, is missing. Train again to replace it.`)
    expect((await services.api.deploy.variants(dir()))[0].stale).toBe(true)
  })

  it('no model at all is no model: no problem, nothing stale', async () => {
    rmSync(modelDir(), { recursive: true })
    const summary = await services.api.project.open(dir())
    expect(summary.floatModelProblem).toBeNull()
    expect(summary.stale).toEqual({ dataChanged: false, variants: 0, firmware: 0, profiles: 0 })
    expect((await services.api.deploy.variants(dir()))[0].stale).toBe(false)
  })
})
