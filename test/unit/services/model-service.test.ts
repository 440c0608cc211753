import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { createServices, type Services } from '../../../src/main/services'
import type { ApiClient } from '../../../src/shared/rpc'
import { converterModelsDir } from '../../helpers/fixtures'
import { tempDir } from '../../helpers/tmp'

const models = converterModelsDir

describe('model service (inspect any .tflite)', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let client: ApiClient
  let close: () => void

  beforeAll(() => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
    ;({ client, close } = createMemoryClient(services.api, services.bus))
  })
  afterAll(async () => {
    close()
    await services.dispose()
    tmp.cleanup()
  })

  it('reports the int8 hello_world model as runnable by TFLite Micro, with its quantization', async () => {
    const r = await client.model.inspect(join(models, 'hello_world_int8.tflite'))
    expect(r.tflmSupported).toBe(true)
    expect(r.problems).toEqual([])
    expect(r.ops.every((o) => o === 'FULLY_CONNECTED')).toBe(true)
    expect(r.inputs[0]).toMatchObject({ type: 'INT8', shape: [1, 1] })
    expect(r.inputs[0].scale).toBeGreaterThan(0)
    expect(r.sizes.fileBytes).toBe(readFileSync(join(models, 'hello_world_int8.tflite')).byteLength)
    expect(r.sizes.arena.runtimeBytes).toBeGreaterThan(0)
  })

  it('flags the hybrid and float16 models before anyone flashes them', async () => {
    const hybrid = await client.model.inspect(join(models, 'gesture_dense_dynamic_range_int8.tflite'))
    expect(hybrid.tflmSupported).toBe(false)
    expect(hybrid.problems.map((p) => p.kind)).toContain('hybrid')
    const fp16 = await client.model.inspect(join(models, 'gesture_dense_float16.tflite'))
    expect(fp16.tflmSupported).toBe(false)
    expect(fp16.problems.map((p) => p.kind)).toContain('float16')
    expect(fp16.problems[0].message.length).toBeGreaterThan(20)
  })

  it('gives clear errors for damaged files, folders and missing paths', async () => {
    const bytes = readFileSync(join(models, 'gesture_dense_float32.tflite'))
    const broken = join(tmp.dir, 'broken.tflite')
    writeFileSync(broken, bytes.subarray(0, 200))
    await expect(client.model.inspect(broken)).rejects.toMatchObject({ code: 'MODEL_ERROR' })
    await expect(client.model.inspect(tmp.dir)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(client.model.inspect(join(tmp.dir, 'none.tflite'))).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('lists the .tflite files of a project', async () => {
    const dir = join(tmp.dir, 'proj')
    await client.project.create(dir, 'P')
    mkdirSync(join(dir, 'models', 'variants'), { recursive: true })
    copyFileSync(join(models, 'hello_world_int8.tflite'), join(dir, 'models', 'variants', 'ptq.tflite'))
    writeFileSync(join(dir, 'models', 'variants', 'notes.txt'), 'x')
    const list = await client.model.list(dir)
    expect(list.map((m) => m.relPath)).toEqual([join('models', 'variants', 'ptq.tflite')])
    expect(list[0].bytes).toBe(2704)
  })
})
