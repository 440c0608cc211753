import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CliContext } from '../../../src/cli/command'
import { projectInfo } from '../../../src/cli/commands/project'
import { command as variantsCommand } from '../../../src/cli/commands/variants'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import type { Services } from '../../../src/main/services'
import { currentLineage, profiledModel, readFirmwareSources, readProfileSources, recordProfileSource, staleVariantNames } from '../../../src/main/storage/lineage'
import { generateHelloClassify } from '../../helpers/hello-firmware'
import { helloServicesProject, type ServicesProject } from '../../helpers/services-project'

/**
 * The records of where variants, firmware and profiles came from, damaged: each read says so with
 * the file and a next step, instead of taking the file for empty and everything it lists for
 * current (issue #16).
 */
describe('a damaged lineage record is reported, not read as empty', () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir
  const damage = (rel: string): string => {
    const path = join(dir(), rel)
    writeFileSync(path, '{"hello_int8": {"variant": ')
    return path
  }
  const problems = async (): Promise<string[] | undefined> => (await services.api.project.open(dir())).recordProblems

  beforeEach(async () => {
    project = await helloServicesProject({ trained: true })
    services = project.services
  })
  afterEach(() => project.dispose())

  it('firmware/.sources.json: Deploy refuses to write over it, and the summary names it', async () => {
    await generateHelloClassify(services, dir())
    const path = damage(join('firmware', '.sources.json'))
    const message = `${path} is damaged (not valid JSON).`
    const hint = 'Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.'
    await expect(readFirmwareSources(dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message, hint })
    await expect(generateHelloClassify(services, dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message })
    // Not replaced by a record of the one new folder: the others' records are still in it.
    expect(readFileSync(path, 'utf8')).toBe('{"hello_int8": {"variant": ')
    expect(await problems()).toEqual([`${message} ${hint}`])

    const { client, close } = createMemoryClient(services.api, services.bus)
    try {
      const ctx: CliContext = { api: client, json: false, progress: () => {}, interrupted: new Promise(() => {}) }
      expect(projectInfo.format!(await projectInfo.run(ctx, [dir()], {})).split('\n')).toContain(`  damaged record: ${message} ${hint}`)
    } finally {
      close()
    }
  })

  it('profiles/.sources.json: a new record refuses, the session list does not, and the summary names it', async () => {
    writeFileSync(join(dir(), 'profiles', 'p1.json'), '{}')
    const path = damage(join('profiles', '.sources.json'))
    const message = `${path} is damaged (not valid JSON).`
    const hint = 'Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.'
    await expect(readProfileSources(dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message, hint })
    // A damaged side record hides no session: list() marks them 'stale unknown' (profile-damaged-lineage.test.ts).
    await expect(services.api.profile.list(dir())).resolves.toEqual([])
    await expect(recordProfileSource(dir(), 'p2', { variant: null, sourceModel: null, createdAt: new Date().toISOString() })).rejects.toMatchObject({ code: 'PROJECT_CORRUPT' })
    expect(readFileSync(path, 'utf8')).toBe('{"hello_int8": {"variant": ')
    expect(await problems()).toEqual([`${message} ${hint}`])
  })

  it('models/variants/index.json: Deploy still lists and fits the readable variants, marked stale with the index problem; generate asks first', async () => {
    const path = damage(join('models', 'variants', 'index.json'))
    const message = `${path} is damaged (not valid JSON).`
    const hint = 'Delete models/variants/index.json and run the optimizations again; the .tflite files are still there.'
    await expect(staleVariantNames(dir(), await currentLineage(dir()))).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message, hint })
    await expect(profiledModel(dir(), await currentLineage(dir()), { variant: 'hello_int8' })).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message })
    // Not knowing which model a file was made from does not make the file unusable: it is listed, stale, with why.
    const list = await services.api.deploy.variants(dir())
    expect(list.map((v) => [v.name, v.precision, v.stale, v.problem, v.indexProblem])).toEqual([['hello_int8', 'int8', true, undefined, `${message} ${hint}`]])
    expect(variantsCommand.format!(list)).toMatch(/^hello_int8 {2}int8, \d+\.\d KB, made from an unknown model: /)
    expect((await services.api.deploy.fit(dir(), 'hello_int8', 'nano33ble')).variant.name).toBe('hello_int8')
    const anyway = 'Or build hello_int8 anyway (allow stale; --allow-stale on the command line): it may have been made from an earlier model.'
    await expect(generateHelloClassify(services, dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message, hint: `${hint} ${anyway}` })
    expect(existsSync(join(dir(), 'firmware', 'hello_int8_nano33ble_c_classify'))).toBe(false)
    // Asked for, it builds, and is recorded as of no current model.
    const built = await generateHelloClassify(services, dir(), true)
    expect((await readFirmwareSources(dir()))[basename(built.path)].sourceModel).toBe('earlier-model')
    // Profile's estimates come from the index too: not "no estimates".
    await expect(services.api.profile.estimates(dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message })
    expect(await problems()).toEqual([`${message} ${hint}`])
    // Valid JSON without a list of variants is no index either.
    writeFileSync(path, '{"version": 1}')
    expect((await services.api.deploy.variants(dir()))[0].indexProblem).toBe(`${path} is damaged (no list of variants). ${hint}`)
  })

  it('a damaged firmware/.sources.json refuses generate before anything else is worked out', async () => {
    const path = damage(join('firmware', '.sources.json'))
    // A project whose rate is unknown: generate would stop there (after loading the variant) if the record were read only when writing.
    const projectFile = join(dir(), 'project.json')
    const p = JSON.parse(readFileSync(projectFile, 'utf8')) as { signal: { sampleRateHz: number | null } }
    p.signal.sampleRateHz = null
    writeFileSync(projectFile, JSON.stringify(p))
    await expect(generateHelloClassify(services, dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: `${path} is damaged (not valid JSON).` })
    // Written outside the project, the firmware record is not touched: the rate is the problem then.
    await expect(services.api.deploy.generate({ projectDir: dir(), variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'classify', kind: 'platformio', out: join(dir(), '..', 'elsewhere') })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('a version-2 index is refused the same way by Optimize, Deploy\'s stale marks, Profile and the summary (one reader)', async () => {
    const path = join(dir(), 'models', 'variants', 'index.json')
    const index = JSON.parse(readFileSync(path, 'utf8')) as { version: number }
    writeFileSync(path, JSON.stringify({ ...index, version: 2 }))
    const refused = { code: 'PROJECT_CORRUPT', message: `${path} is damaged (version 2; this Microforge reads version 1).`, hint: 'Delete models/variants/index.json and run the optimizations again; the .tflite files are still there.' }
    await expect(services.api.optimize.list(dir())).rejects.toMatchObject(refused)
    await expect(staleVariantNames(dir(), await currentLineage(dir()))).rejects.toMatchObject(refused)
    await expect(services.api.profile.estimates(dir())).rejects.toMatchObject(refused)
    expect(await problems()).toEqual([`${refused.message} ${refused.hint}`])
  })

  it('an entry that is not a record ({"fw": null}) is damaged: named in the summary, and the project still opens', async () => {
    const fw = join(dir(), 'firmware', '.sources.json')
    writeFileSync(fw, JSON.stringify({ fw: null }))
    const hint = 'Restore it from a backup, or delete it: without it, firmware built before is not checked against the current model.'
    expect(await problems()).toEqual([`${fw} is damaged (the entry "fw" is not a firmware record). ${hint}`])
    writeFileSync(fw, JSON.stringify({ fw: { variant: 'hello_int8', sourceModel: 7, mode: 'classify', createdAt: '2026-01-01T00:00:00Z' } }))
    await expect(readFirmwareSources(dir())).rejects.toMatchObject({ code: 'PROJECT_CORRUPT', message: `${fw} is damaged (the entry "fw" is not a firmware record).`, hint })
    rmSync(fw)
    const ps = join(dir(), 'profiles', '.sources.json')
    writeFileSync(ps, JSON.stringify({ p1: 'hello_int8' }))
    expect(await problems()).toEqual([`${ps} is damaged (the entry "p1" is not a profiling session record). Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.`])
  })

  it('a profiles "folder" that is a file is named, not taken for no sessions', async () => {
    const folder = join(dir(), 'profiles')
    rmSync(folder, { recursive: true, force: true })
    writeFileSync(folder, 'not a folder')
    expect(await problems()).toEqual([`${folder} is not a folder. Move or rename that file: saved profiling sessions are kept in a folder of that name.`])
  })

  it('with no trained model nothing is stale, but a damaged record is still named', async () => {
    rmSync(join(dir(), 'models', 'float'), { recursive: true })
    const path = damage(join('profiles', '.sources.json'))
    expect(await problems()).toEqual([`${path} is damaged (not valid JSON). Restore it from a backup, or delete it: without it, saved sessions are judged by their dates.`])
  })

  it('records that are not there are no problem: nothing recorded yet', async () => {
    rmSync(join(dir(), 'models', 'variants', 'index.json'))
    expect(await readFirmwareSources(dir())).toEqual({})
    expect(await readProfileSources(dir())).toEqual({})
    expect(await staleVariantNames(dir(), await currentLineage(dir()))).toEqual(new Set())
    expect(await problems()).toEqual([])
  })
})
