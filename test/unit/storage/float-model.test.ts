import { promises as fs, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readFloatModelWindows } from '../../../src/main/storage/float-model'
import { writeModelFolder } from '../../../src/main/storage/model-io'
import { oneWeightModelJson, writeSampleWindow } from '../../helpers/hello-firmware'
import { tempDir } from '../../helpers/tmp'

/** Evaluate and Optimize read the float model, what training recorded, and the windows through readFloatModelWindows. */
describe('readFloatModelWindows', () => {
  let tmp: ReturnType<typeof tempDir>
  const modelDir = (): string => join(tmp.dir, 'models', 'float')
  const modelJson = oneWeightModelJson({ classes: ['sine'], preprocessing: { method: 'none', axes: ['aX'], windowLength: 1, offset: [0], scale: [1] } })

  beforeEach(async () => {
    tmp = tempDir()
    // Both windows are marked train: the test windows are the ids training drew.
    writeSampleWindow(tmp.dir, 'w1', 1, 'train')
    writeSampleWindow(tmp.dir, 'w2', 2, 'train')
    await writeModelFolder(modelDir(), modelJson, new Float32Array([0.5]).buffer, { training: { testIds: ['w2'], testAccuracy: 1 } })
  })
  afterEach(() => {
    vi.restoreAllMocks()
    tmp.cleanup()
  })

  it('reads model.json once and returns the model, what training recorded, and the test windows it drew', async () => {
    const reads = vi.spyOn(fs, 'readFile')
    const m = await readFloatModelWindows(tmp.dir)
    const modelJsonReads = reads.mock.calls.filter(([p]) => String(p).endsWith('model.json'))
    expect(modelJsonReads).toHaveLength(1)
    expect(new Float32Array(m.weights)).toEqual(new Float32Array([0.5]))
    expect(m.training).toMatchObject({ testIds: ['w2'], testAccuracy: 1 })
    expect(m.windows.map((w) => w.id)).toEqual(['w1', 'w2'])
    expect(m.test.map((w) => w.id)).toEqual(['w2'])
  })

  it('a damaged training record is an error with its file named, not a model without a record', async () => {
    const name = (JSON.parse(await fs.readFile(join(modelDir(), 'model.json'), 'utf8')) as { userDefinedMetadata: { microforgeFiles: { training: string } } }).userDefinedMetadata.microforgeFiles.training
    writeFileSync(join(modelDir(), name), '{"testIds": [')
    await expect(readFloatModelWindows(tmp.dir)).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: `${join(modelDir(), name)} is damaged.` })
  })
})
