/**
 * Issue #16, silent fallbacks: when the wasm backend cannot load, training falls back to the cpu
 * backend and says why. Every path that trains in a worker carries that reason to the user:
 * train, the model search and each optimize variant, in the CLI JSON and its text.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { command as optimizeCommand } from '../../src/cli/commands/optimize'
import { command as trainCommand } from '../../src/cli/commands/train'
import type { CliContext } from '../../src/cli/command'
import { createMemoryClient } from '../../src/main/rpc/memory-transport'
import { createServices, type Services } from '../../src/main/services'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { tempDir } from '../helpers/tmp'

const FALLBACK = /wasm training backend did not load \(.+\).*cpu/

describe('a wasm backend that does not load, on every training path', () => {
  const tmp = tempDir('microforge-fallback-')
  const project = join(tmp.dir, 'project')
  const before = process.env.MICROFORGE_WASM_DIR
  let services: Services
  let ctx: CliContext
  let close: () => void

  beforeAll(async () => {
    // Worker threads copy process.env when they start: each job's worker looks for wasm here.
    process.env.MICROFORGE_WASM_DIR = join(tmp.dir, 'no-wasm-here') + '/'
    await makePunchFlexProject(tmp.dir)
    services = createServices({ host: 'cli', configDir: join(tmp.dir, '.config') })
    const client = createMemoryClient(services.api, services.bus)
    close = client.close
    ctx = { api: client.client, json: true, progress: () => undefined, interrupted: new Promise(() => {}) }
  })
  afterAll(async () => {
    if (before === undefined) delete process.env.MICROFORGE_WASM_DIR
    else process.env.MICROFORGE_WASM_DIR = before
    close()
    await services.dispose()
    tmp.cleanup()
  })

  it('train, search and optimize each report the fallback and its reason', async () => {
    const train = JSON.parse(JSON.stringify(await trainCommand.run(ctx, [project], { model: 'dense', epochs: '3', seed: '3' }))) as { backend: string; backendFallback?: string }
    expect(train.backend).toBe('cpu')
    expect(train.backendFallback).toMatch(FALLBACK)

    const searched = await trainCommand.run(ctx, [project], { search: true, budget: '30' })
    const search = JSON.parse(JSON.stringify(searched)) as { backendFallback?: string }
    expect(search.backendFallback).toMatch(FALLBACK)
    expect(trainCommand.format!(searched)).toMatch(FALLBACK)
    // The saved model's training.json carries it too: Train shows it from there after a search.
    expect((await services.api.training.result(project))?.backendFallback).toMatch(FALLBACK)

    const optimized = await optimizeCommand.run(ctx, [project], { variants: 'ptq' })
    const opt = JSON.parse(JSON.stringify(optimized)) as { variants: Array<{ name: string; backendFallback?: string }> }
    expect(opt.variants.find((v) => v.name === 'ptq')?.backendFallback).toMatch(FALLBACK)
    expect(optimizeCommand.format!(optimized)).toMatch(FALLBACK)
  }, 240_000)
})
