/**
 * Issue #16, one atomic-commit mechanism: the model folder, firmware folders, variants, profiles
 * and imports all commit through the commit journal now. What an earlier Microforge left on disk
 * still opens: its pending journal (no folder swaps), a firmware folder its swap set aside, and a
 * model folder in the plain layout (weights.bin, training.json).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServices, type Services } from '../../../src/main/services'
import type { TrainingService } from '../../../src/main/services/training-service'
import { JOURNAL_FILE } from '../../../src/main/storage/commit-journal'
import { readModelFolder } from '../../../src/main/storage/model-io'
import type { TrainWorkerResult } from '../../../src/main/workers/train-protocol'
import type { TrainResult } from '../../../src/shared/training'
import { tempDir } from '../../helpers/tmp'

const recipe = { method: 'none', axes: ['aX'], windowLength: 1, offset: [0], scale: [1] }
const modelJson = (weightsFile: string): Record<string, unknown> => ({
  format: 'layers-model',
  generatedBy: 't',
  convertedBy: null,
  modelTopology: {},
  weightsManifest: [{ paths: [weightsFile], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }],
  userDefinedMetadata: { classes: ['a'], inputShape: [1, 1], preprocessing: recipe }
})

describe('a project written by an earlier Microforge', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  beforeAll(() => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
  })
  afterAll(async () => {
    await services.dispose()
    tmp.cleanup()
  })

  async function project(name: string): Promise<string> {
    const dir = join(tmp.dir, name)
    await services.api.project.create(dir, name)
    await services.api.project.update(dir, { signal: { sampleRateHz: 50 } })
    return dir
  }

  it('a pending journal in the earlier format (moves and removes only) is finished when the project opens', async () => {
    const dir = await project('journal')
    mkdirSync(join(dir, 'models', 'variants'), { recursive: true })
    writeFileSync(join(dir, 'models', 'variants', 'gone.tflite'), 'old')
    writeFileSync(join(dir, 'models', 'variants', '.ptq.tflite.0123456789ab.tmp'), 'new bytes')
    writeFileSync(join(dir, JOURNAL_FILE), JSON.stringify({ version: 1, moves: [['models/variants/.ptq.tflite.0123456789ab.tmp', 'models/variants/ptq.tflite']], removes: ['models/variants/gone.tflite'] }))
    await services.api.project.open(dir)
    expect(readFileSync(join(dir, 'models', 'variants', 'ptq.tflite'), 'utf8')).toBe('new bytes')
    expect(readdirSync(join(dir, 'models', 'variants'))).toEqual(['ptq.tflite'])
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false)
  })

  it('a firmware folder the earlier swap set aside (.fw.old-<pid>-<ms>, no fw) comes back before the next generate', async () => {
    const dir = await project('firmware')
    const aside = join(dir, 'firmware', '.fw.old-4242-1700000000000')
    mkdirSync(aside, { recursive: true })
    writeFileSync(join(aside, 'README.md'), 'the earlier firmware')
    const req = { projectDir: dir, target: 'nano33ble' as const, runtime: 'c' as const, mode: 'capture' as const, kind: 'platformio' as const, name: 'fw' }
    await expect(services.api.deploy.generate(req)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' })
    expect(readFileSync(join(dir, 'firmware', 'fw', 'README.md'), 'utf8')).toBe('the earlier firmware')
    await services.api.deploy.generate({ ...req, overwrite: true })
    expect(readFileSync(join(dir, 'firmware', 'fw', 'README.md'), 'utf8')).toMatch(/project \*\*firmware\*\*/)
    expect(readdirSync(join(dir, 'firmware')).sort()).toEqual(['.sources.json', 'fw'])
  })

  it('a model folder in the plain layout (weights.bin, training.json) reads, and the next save replaces it whole', async () => {
    const dir = await project('model')
    const folder = join(dir, 'models', 'float')
    mkdirSync(folder, { recursive: true })
    writeFileSync(join(folder, 'model.json'), JSON.stringify(modelJson('weights.bin')))
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(new Float32Array([7, 7, 7]).buffer))
    writeFileSync(join(folder, 'training.json'), JSON.stringify({ trainMs: 7 }))
    expect(Array.from(new Float32Array((await readModelFolder(folder)).weights))).toEqual([7, 7, 7])
    expect((await services.api.training.result(dir))?.trainMs).toBe(7)

    const out = { modelJson: modelJson('weights.bin'), weights: new Float32Array([8, 8, 8]).buffer } as unknown as TrainWorkerResult
    const result = { classes: ['a'], preprocessing: recipe, options: {}, trainMs: 8 } as unknown as TrainResult
    await (services.api.training as TrainingService).save(dir, out, result)
    expect(Array.from(new Float32Array((await readModelFolder(folder)).weights))).toEqual([8, 8, 8])
    expect((await services.api.training.result(dir))?.trainMs).toBe(8)
    const names = readdirSync(folder).sort()
    expect(names).toHaveLength(3)
    expect(names).toEqual(expect.arrayContaining(['model.json', expect.stringMatching(/^weights-[0-9a-f]{12}\.bin$/), expect.stringMatching(/^training-[0-9a-f]{12}\.json$/)]))
    expect(existsSync(join(dir, JOURNAL_FILE))).toBe(false)
  })
})
