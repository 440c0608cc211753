import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { command } from '../../src/cli/commands/train'
import type { CliContext } from '../../src/cli/command'
import { createMemoryClient } from '../../src/main/rpc/memory-transport'
import { createServices } from '../../src/main/services'
import { FIRST_MODEL_MIN_EPOCHS } from '../../src/shared/search'
import { makePunchFlexProject } from '../helpers/train-fixture'
import { tempDir } from '../helpers/tmp'

describe('microforge train', () => {
  const tmp = tempDir('microforge-train-cli-')
  afterAll(() => tmp.cleanup())

  it('trains through the contract and prints testAccuracy, backend and modelPath', async () => {
    await makePunchFlexProject(tmp.dir)
    const services = createServices({ host: 'cli', configDir: join(tmp.dir, '.config') })
    const { client, close } = createMemoryClient(services.api, services.bus)
    const lines: string[] = []
    const ctx: CliContext = { api: client, json: true, progress: (l) => lines.push(l), interrupted: new Promise(() => {}) }
    try {
      const out = (await command.run(ctx, [join(tmp.dir, 'project')], { model: 'dense', epochs: '40', seed: '3' })) as Record<string, unknown>
      const json = JSON.parse(JSON.stringify(out)) as { testAccuracy: number; backend: string; modelPath: string }
      expect(json.testAccuracy).toBeGreaterThanOrEqual(0.9)
      expect(json.backend).toMatch(/^(wasm|tensorflow|cpu)$/)
      expect(json.modelPath).toBe(join(tmp.dir, 'project', 'models', 'float', 'model.json'))
      expect(lines.some((l) => l.startsWith('Epoch 40/40'))).toBe(true)
      expect(command.format!(out)).toContain('Test accuracy:')
      await expect(command.run(ctx, [join(tmp.dir, 'project')], { model: 'resnet' })).rejects.toThrow(/Unknown model/)
      // The preprocessing and the baseline are in the JSON, with why the method was chosen.
      const q = json as unknown as { preprocessing: { method: string; chosenBy: string; reason: string }; baseline: { nearestNeighbour: number } }
      expect(q.preprocessing.chosenBy).toBe('auto')
      expect(q.preprocessing.reason).toMatch(/nearest-neighbour agreement/)
      expect(q.baseline.nearestNeighbour).toBeGreaterThan(0.5)

      // The shortest budget the CLI takes: however busy the machine, the first model trains its minimum epochs,
      // so the search ends with a model (how many others it tries depends on the machine, and is not checked).
      const search = (await command.run(ctx, [join(tmp.dir, 'project')], { search: true, budget: '5', board: 'esp32' })) as Record<string, unknown>
      const s = JSON.parse(JSON.stringify(search)) as { search: boolean; board: string; budgetSeconds: number; candidates: Array<{ id: string; valAccuracy: number; epochsRun: number }>; bestId: string }
      expect(s).toMatchObject({ search: true, board: 'esp32', budgetSeconds: 5 })
      expect(Math.max(...s.candidates.map((c) => c.epochsRun))).toBeGreaterThanOrEqual(FIRST_MODEL_MIN_EPOCHS)
      expect(s.candidates[0].id).toBe(s.bestId)
      expect(lines.some((l) => l.startsWith('Tried 1:'))).toBe(true)
      expect(command.format!(search)).toMatch(/Searched (1 model|\d+ models) in/)
      await expect(command.run(ctx, [join(tmp.dir, 'project')], { search: true, budget: '1' })).rejects.toThrow(/between 5 and 3600/)
    } finally {
      close()
      await services.dispose()
    }
  })
})
