import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../../src/main/services'
import { openSerialLines } from '../../src/main/services/profile-serial-source'
import { helloServicesProject, type ServicesProject } from '../helpers/services-project'

// Issue #17, problem 1: a shared project folder whose preprocessing.method ends the `//` comment it
// was copied into. Before the fix, project.update -> deploy.generate -> sim.startFirmware compiled
// the payload into the virtual board and ran it on this computer (it wrote the marker file).
describe('a hostile project.json never runs code on this computer', () => {
  let project: ServicesProject
  let services: Services
  const dir = (): string => project.dir
  const marker = (): string => join(project.root, 'PWNED')
  const payload = (): string =>
    `none\n#include <stdio.h>\n__attribute__((constructor)) static void mf_pwned(void) { FILE *f = fopen("${marker()}", "w"); if (f) fclose(f); }\n//`

  beforeAll(async () => {
    project = await helloServicesProject({ name: 'Shared', folder: 'shared-project', windows: [['w1', 1.5708]] })
    services = project.services
  })
  afterAll(async () => {
    await services.api.sim.stop()
    await project.dispose()
  })

  async function generateAndRun(): Promise<void> {
    await services.api.deploy.generate({ projectDir: dir(), variant: 'hello_int8', target: 'nano33ble', runtime: 'c', mode: 'profile', kind: 'platformio', overwrite: true })
    const info = await services.api.sim.startFirmware(dir())
    // The virtual board starts its firmware only once a reader opens the port (socat's wait-slave), and
    // the payload runs before main(): a first line read from the port means it had its chance.
    const lines: string[] = []
    const port = await openSerialLines(info.path, 115200, { line: (l) => lines.push(l), end: () => undefined })
    try {
      await expect.poll(() => lines.length).toBeGreaterThan(0)
    } finally {
      await port.close()
      await services.api.sim.stop()
    }
  }

  it('over RPC: project.update refuses the method, and nothing generated from it runs', async () => {
    const preprocessing = { method: payload(), axes: ['aX'], windowLength: 1, offset: [0], scale: [1] }
    const update = await services.api.project.update(dir(), { signal: { preprocessing } }).then(
      () => null,
      (e: unknown) => e as Error
    )
    // The refused update left the project as it was: its firmware is generated and runs.
    const run = await generateAndRun().then(
      () => null,
      (e: unknown) => e as Error
    )
    expect(run).toBeNull()
    expect(existsSync(marker())).toBe(false)
    expect(update?.message).toMatch(/signal\.preprocessing\.method/)
  })

  it('a project.json edited by hand is refused with a clear error when opened or deployed', async () => {
    const file = join(dir(), 'project.json')
    const project = JSON.parse(readFileSync(file, 'utf8')) as { signal: Record<string, unknown> }
    project.signal.preprocessing = { method: payload(), axes: ['aX'], windowLength: 1, offset: [0], scale: [1] }
    writeFileSync(file, JSON.stringify(project))
    const open = await services.api.project.open(dir()).then(
      () => null,
      (e: unknown) => e as Error & { code?: string }
    )
    const run = await generateAndRun().then(
      () => null,
      (e: unknown) => e as Error
    )
    expect(existsSync(marker())).toBe(false)
    expect(open?.code).toBe('PROJECT_CORRUPT')
    expect(open?.message).toMatch(/signal\.preprocessing\.method/)
    expect(run?.message).toMatch(/damaged/)
  })
})
