import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { apiArgs, argSchemaFor, methodPaths } from '../../../src/shared/contract'
import { MicroforgeError } from '../../../src/shared/errors'
import { createMemoryClient } from '../../../src/main/rpc/memory-transport'
import { RpcHost, parseRequest } from '../../../src/main/rpc/rpc-host'
import { createServices, type Services } from '../../../src/main/services'
import type { ApiClient } from '../../../src/shared/rpc'
import type { JobUpdate } from '../../../src/shared/contract/jobs'
import { tempDir } from '../../helpers/tmp'

const CONTRACT_METHODS: Record<string, string[]> = {
  system: ['info', 'tflmSdk', 'setTflmSdk'],
  project: ['create', 'open', 'recent', 'forget', 'update'],
  jobs: ['list', 'get', 'cancel'],
  profile: ['start', 'stop', 'live', 'list', 'saved', 'get', 'remove', 'compare', 'estimates', 'exportCsv'],
  training: ['presets', 'summary', 'start', 'search', 'result', 'evaluate'],
  optimize: ['targets', 'start', 'sweep', 'list', 'recommend', 'remove'],
  device: ['listPorts', 'open', 'close', 'status', 'startRecording', 'stopRecording'],
  dataset: ['list', 'get', 'relabel', 'delete', 'undoDelete', 'setSplit', 'autoSplit', 'import', 'previewImport', 'export'],
  sim: ['start', 'startFirmware', 'stop', 'status'],
  deploy: ['boards', 'variants', 'fit', 'generate'],
  model: ['inspect', 'run', 'list']
}

describe('contract over the in-memory transport pair', () => {
  let tmp: ReturnType<typeof tempDir>
  let services: Services
  let client: ApiClient
  let close: () => void

  beforeEach(() => {
    tmp = tempDir()
    services = createServices({ host: 'cli', configDir: join(tmp.dir, 'config') })
    ;({ client, close } = createMemoryClient(services.api, services.bus))
  })
  afterEach(async () => {
    close()
    await services.dispose()
    tmp.cleanup()
  })

  it('answers exactly the methods the app is written against, each with its own argument check and a service behind it', async () => {
    // Written out by hand, not read from apiArgs: a method dropped from, renamed in or added to the
    // contract fails here until this list (what the renderer and the CLI call) says so too.
    const expected = Object.entries(CONTRACT_METHODS).flatMap(([service, methods]) => methods.map((m) => `${service}.${m}`))
    expect([...methodPaths()].sort()).toEqual([...expected].sort())
    const host = new RpcHost(services.api)
    const wrongArgs = Array.from({ length: 12 }, () => ({ bogus: true }))
    for (const path of expected) {
      const [service, method] = path.split('.') as [keyof typeof apiArgs, string]
      // The host knows the method (its schema refuses the arguments) rather than calling it unknown.
      const r = await host.call(path, wrongArgs)
      expect(r.ok, path).toBe(false)
      if (!r.ok) expect(r.error.message, path).toMatch(new RegExp(`^Invalid arguments for ${path.replace('.', '\\.')}\\b`))
      expect(typeof (services.api[service] as unknown as Record<string, unknown>)[method], path).toBe('function')
    }
    expect((await host.call('project.nope', [])).ok).toBe(false)
    expect(argSchemaFor('project.nope')).toBeUndefined()
  })

  it('creates and reopens a project through the client', async () => {
    const dir = join(tmp.dir, 'gestures')
    const created = await client.project.create(dir, 'Gestures')
    expect(created.project.name).toBe('Gestures')
    expect(created.steps.map((s) => s.id)).toEqual(['connect', 'capture', 'train', 'optimize', 'deploy', 'profile'])
    expect(created.steps.find((s) => s.id === 'train')?.state).toBe('blocked')
    const reopened = await client.project.open(dir)
    expect(reopened.project.createdAt).toBe(created.project.createdAt)
    const recent = await client.project.recent()
    expect(recent[0]).toMatchObject({ dir, name: 'Gestures', available: true })
  })

  it('rejects invalid arguments before the service runs, with a typed error', async () => {
    const call = (client.project as unknown as { create: (...a: unknown[]) => Promise<unknown> }).create(42)
    await expect(call).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
    await expect(call).rejects.toBeInstanceOf(MicroforgeError)
    const badPatch = client.project.update(join(tmp.dir, 'x'), { evil: true } as never)
    await expect(badPatch).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
  })

  it('refuses methods outside the contract, including prototype names', async () => {
    const host = new RpcHost(services.api)
    for (const m of ['project.constructor', 'project.__proto__', 'nope.create', 'project', '.', 'toString.call']) {
      const r = await host.call(m, [])
      expect(r.ok, m).toBe(false)
    }
    expect(parseRequest({ type: 'request', id: 1, method: 'system.info', args: 'x' })).toBeNull()
    expect(parseRequest({ type: 'request', id: 1.5, method: 'system.info', args: [] })).toBeNull()
    expect(parseRequest({ type: 'request', id: 1, method: 'system.info', args: [] })).not.toBeNull()
  })

  it('keeps the error code and the next step across the transport', async () => {
    const err = await client.project.open(join(tmp.dir, 'missing')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MicroforgeError)
    expect(err).toMatchObject({ code: 'NOT_FOUND' })
    expect((err as MicroforgeError).hint).toMatch(/create a new project/)
  })

  it('delivers job events and supports cancel', async () => {
    const updates: JobUpdate[] = []
    client.on('jobs.update', (u) => updates.push(u))
    const { jobId } = services.jobs.start('demo', async (ctx) => {
      for (let i = 0; i < 1000; i++) {
        ctx.report(i / 1000, `step ${i}`)
        await new Promise((r) => setTimeout(r, 2))
        if (ctx.signal.aborted) return null
      }
      return 'finished'
    })
    // Cancel once progress has arrived (a fixed 30 ms wait was sometimes too short on a loaded machine).
    await expect.poll(() => updates.some((u) => u.jobId === jobId && u.state === 'running' && u.progress > 0)).toBe(true)
    await client.jobs.cancel(jobId)
    const final = await services.jobs.wait(jobId)
    expect(final.state).toBe('cancelled')
    await new Promise((r) => setTimeout(r, 10))
    expect(updates.some((u) => u.jobId === jobId && u.state === 'running' && u.progress > 0)).toBe(true)
    expect(updates.at(-1)).toMatchObject({ jobId, state: 'cancelled' })
    expect((await client.jobs.get(jobId)).state).toBe('cancelled')
  })

  it('reports a failed job with its error data', async () => {
    const { jobId } = services.jobs.start('demo', async () => {
      throw new MicroforgeError('MODEL_ERROR', 'The model has no layers.', 'Pick a preset.')
    })
    const final = await services.jobs.wait(jobId)
    expect(final).toMatchObject({ state: 'failed', error: { code: 'MODEL_ERROR', hint: 'Pick a preset.' } })
  })
})
