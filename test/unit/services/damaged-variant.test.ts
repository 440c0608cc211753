import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliContext } from '../../../src/cli/command'
import { command as variantsCommand } from '../../../src/cli/commands/variants'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { HELLO_WORLD_TFLITE } from '../../helpers/hello-firmware'
import { helloServicesProject, type ServicesProject } from '../../helpers/services-project'

/** A damaged variant .tflite is listed with its reason, and Deploy refuses it with that reason (issue #16). */
describe('a damaged variant is listed with its problem, never skipped', () => {
  let project: ServicesProject
  const broken = (): string => join(project.dir, 'models', 'variants', 'broken.tflite')
  // The reader's own reason for a file cut after 100 bytes, as Deploy words it.
  const reason = (): string => `The file ${broken()} is damaged: this file is not a valid TensorFlow Lite model, or it is damaged (model description points outside the file).`
  // broken.tflite was copied in, not made by Optimize (the index does not list it): Optimize cannot rebuild it.
  const copiedHint = 'models/variants/index.json does not list broken: Optimize did not make it. Replace broken.tflite with a valid model, or remove it.'
  const problem = (): string => `${reason()} ${copiedHint}`

  beforeEach(async () => {
    project = await helloServicesProject({ trained: true })
    writeFileSync(broken(), readFileSync(HELLO_WORLD_TFLITE).subarray(0, 100))
  })
  afterEach(() => project.dispose())

  it('variants() lists it with the reason and the next step beside the readable one', async () => {
    const list = await project.services.api.deploy.variants(project.dir)
    expect(list.map((v) => [v.name, v.problem])).toEqual([
      ['broken', problem()],
      ['hello_int8', undefined]
    ])
    expect(list[0]).toMatchObject({ path: broken(), bytes: 100, precision: 'unknown', ops: [] })
    expect(list[1]).toMatchObject({ precision: 'int8', stale: false })
  })

  it('generate and fit refuse it with the same reason, and write nothing', async () => {
    const { deploy } = project.services.api
    const refused = { code: 'PROJECT_CORRUPT', message: reason(), hint: copiedHint }
    await expect(deploy.generate({ projectDir: project.dir, variant: 'broken', target: 'nano33ble', runtime: 'tflm', mode: 'classify', kind: 'platformio' })).rejects.toMatchObject(refused)
    await expect(deploy.fit(project.dir, 'broken', 'nano33ble')).rejects.toMatchObject(refused)
    expect(existsSync(join(project.dir, 'firmware', 'broken_nano33ble_tflm_classify'))).toBe(false)
  })

  it('a variant the index lists (made by Optimize) is rebuilt by Optimize', async () => {
    const indexPath = join(project.dir, 'models', 'variants', 'index.json')
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { variants: Array<{ name: string }> }
    writeFileSync(indexPath, JSON.stringify({ ...index, variants: [...index.variants, { ...index.variants[0], name: 'broken' }] }))
    const list = await project.services.api.deploy.variants(project.dir)
    expect(list[0].problem).toBe(`${reason()} Run Optimize again to rebuild broken.`)
    await expect(project.services.api.deploy.fit(project.dir, 'broken', 'nano33ble')).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: reason(), hint: 'Run Optimize again to rebuild broken.' })
  })

  it('a .tflite given by path keeps the reader\'s own advice (it is not a project variant)', async () => {
    await expect(project.services.api.deploy.fit(project.dir, broken(), 'nano33ble')).rejects.toMatchObject({ code: 'MODEL_ERROR', hint: expect.stringMatching(/^Export the \.tflite again/) })
  })

  it('the CLI listing shows it, in text and JSON', async () => {
    const { client, close } = createMemoryClient(project.services.api, project.services.bus)
    try {
      const ctx: CliContext = { api: client, json: true, progress: () => {}, interrupted: new Promise(() => {}) }
      const result = await variantsCommand.run(ctx, [project.dir], {})
      expect(JSON.parse(JSON.stringify(result))[0]).toMatchObject({ name: 'broken', problem: problem() })
      const text = variantsCommand.format!(result).split('\n')
      expect(text[0]).toBe(`broken      CANNOT BE DEPLOYED: ${problem()}`)
      expect(text[1]).toMatch(/^hello_int8 {2}int8, \d+\.\d KB$/)
    } finally {
      close()
    }
  })
})
