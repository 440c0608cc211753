import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliContext } from '../../src/cli/command'
import { command, type OptimizeOutput } from '../../src/cli/commands/optimize'
import { createMemoryClient } from '../../src/main/rpc/memory-transport'
import { createServices } from '../../src/main/services'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { tempDir } from '../helpers/tmp'

describe('microforge optimize', () => {
  const tmp = tempDir('microforge-optimize-cli-')
  afterAll(() => tmp.cleanup())

  it('prints every requested variant with accuracy, sizes, arena, MACs and path', async () => {
    const { services: fixture } = await makePunchFlexProject(tmp.dir)
    const project = join(tmp.dir, 'project')
    const trained = await fixture.jobs.wait((await fixture.training.start(project, { preset: 'cnn1d', epochs: 20, seed: 1, backend: 'wasm' })).jobId)
    expect(trained.state).toBe('done')

    const services = createServices({ host: 'cli', configDir: join(tmp.dir, '.config') })
    const { client, close } = createMemoryClient(services.api, services.bus)
    const lines: string[] = []
    const ctx: CliContext = { api: client, json: true, progress: (l) => lines.push(l), interrupted: new Promise(() => {}) }
    try {
      await expect(command.run(ctx, [project], { variants: 'ptq,magic' })).rejects.toThrow(/Unknown variant "magic"/)
      await expect(command.run(ctx, [project], { sparsity: '150' })).rejects.toThrow(/--sparsity/)
      const out = JSON.parse(JSON.stringify(await command.run(ctx, [project], { variants: 'ptq,prune-structured,fp16', epochs: '2' }))) as OptimizeOutput
      expect(out.variants.map((v) => v.name)).toEqual(['float32', 'ptq', 'prune-structured', 'fp16'])
      for (const v of out.variants) {
        expect(Object.keys(v)).toEqual(expect.arrayContaining(['name', 'accuracy', 'tfliteBytes', 'gzipBytes', 'arenaBytes', 'tflmSupported', 'macs', 'path']))
        expect(existsSync(v.path)).toBe(true)
      }
      // Two classes: 0.5 is a coin, and a model that always says the commoner class scores above it.
      // The trained float model gets 11 of the 12 test windows; int8 may lose one window, pruning two.
      const [float, ptq, structured, fp16] = out.variants
      expect(float.accuracy).toBeGreaterThanOrEqual(0.8)
      expect(ptq.accuracy).toBeGreaterThanOrEqual(float.accuracy - 0.09)
      expect(structured.accuracy).toBeGreaterThanOrEqual(0.75)
      expect(out.variants.map((v) => v.tflmSupported)).toEqual([true, true, true, false])
      expect(fp16.tflmProblem).toMatch(/float16/)
      expect(command.format!(out)).toMatch(/fp16: TensorFlow Lite Micro cannot load it\./)
      expect(structured.macs).toBeLessThan(ptq.macs)
      expect(structured.tfliteBytes).toBeLessThan(ptq.tfliteBytes)
      expect(lines.some((l) => /Structured pruning .*epoch 2\/2/.test(l))).toBe(true)
      expect(command.format!(out)).toMatch(/ptq\s+\d+\.\d%/)
    } finally {
      close()
      await services.dispose()
    }
  })
})
