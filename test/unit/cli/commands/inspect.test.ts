import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { CliContext } from '../../../../src/cli/command'
import { command as inspect } from '../../../../src/cli/commands/inspect'
import { command as run } from '../../../../src/cli/commands/run'
import { createMemoryClient } from '../../../../src/main/rpc/memory-transport'
import { createServices } from '../../../../src/main/services'
import { MicroforgeError } from '../../../../src/shared/errors'
import { converterModelsDir } from '../../../helpers/fixtures'

// The commands go through the contract, like the CLI itself: services behind the in-memory transport.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'microforge-cli-'))
const services = createServices({ host: 'cli', configDir: path.join(tmp, 'config') })
const { client, close } = createMemoryClient(services.api, services.bus)
const ctx: CliContext = { api: client, json: true, progress: () => {}, interrupted: new Promise(() => {}) }
afterAll(async () => {
  close()
  await services.dispose()
})
const model = (name: string) => path.join(converterModelsDir, `${name}.tflite`)

describe('microforge inspect', () => {
  it('--json gives ops, inputs with type/shape/scale/zeroPoint, outputs, tflmSupported and problems', async () => {
    const out = JSON.parse(JSON.stringify(await inspect.run(ctx, [model('hello_world_int8')], {})))
    expect(out.ops).toEqual(['FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED'])
    expect(out.inputs[0]).toMatchObject({ type: 'INT8', shape: [1, 1], zeroPoint: -128 })
    expect(typeof out.inputs[0].scale).toBe('number')
    expect(out.outputs[0]).toMatchObject({ type: 'INT8', shape: [1, 1], zeroPoint: 5 })
    expect(out.tflmSupported).toBe(true)
    expect(out.problems).toEqual([])
  })

  it('says the hybrid model cannot run on TFLM, in text too', async () => {
    const result = await inspect.run(ctx, [model('gesture_dense_dynamic_range_int8')], {})
    expect((result as { tflmSupported: boolean }).tflmSupported).toBe(false)
    expect(inspect.format!(result)).toMatch(/cannot run this model:\n {2}- Operator 0 \(FULLY_CONNECTED\) is a hybrid layer/)
  })

  it('a missing file is a NOT_FOUND error with the path', async () => {
    await expect(inspect.run(ctx, [path.join(tmp, 'nope.tflite')], {})).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('microforge run', () => {
  it('hello_world_int8 with a raw int8 input of -64 prints 126', async () => {
    const input = path.join(tmp, 'in.bin')
    writeFileSync(input, Uint8Array.from([0xc0])) // -64
    const out = JSON.parse(JSON.stringify(await run.run(ctx, [model('hello_world_int8')], { input: [input] })))
    expect(out.outputs).toEqual([[126]])
  })

  it('gesture_dense_float32 with raw float32 zeros', async () => {
    const input = path.join(tmp, 'zeros.bin')
    writeFileSync(input, new Uint8Array(180 * 4))
    const out = (await run.run(ctx, [model('gesture_dense_float32')], { input: [input] })) as { outputs: number[][] }
    expect(out.outputs[0][0]).toBeCloseTo(0.651835, 5)
    expect(out.outputs[0][1]).toBeCloseTo(0.348165, 5)
    expect(run.format!(out)).toMatch(/^Output 0 \(FLOAT32 \[1, 2\]\): 0\.65/)
  })

  it('accepts numbers as JSON', async () => {
    const input = path.join(tmp, 'in.json')
    writeFileSync(input, '[-64]')
    const out = (await run.run(ctx, [model('hello_world_int8')], { input: [input] })) as { outputs: number[][] }
    expect(out.outputs).toEqual([[126]])
  })

  it('a wrong-sized input says how many bytes it needs', async () => {
    const input = path.join(tmp, 'short.bin')
    writeFileSync(input, new Uint8Array(10))
    const err = await run.run(ctx, [model('gesture_dense_float32')], { input: [input] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MicroforgeError)
    expect((err as MicroforgeError).message).toMatch(/needs 720/)
  })
})
