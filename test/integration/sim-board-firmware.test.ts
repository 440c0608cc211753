import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/index'
import { DeployService } from '../../src/main/services/deploy-service'
import { openSerialLines } from '../../src/main/services/profile-serial-source'
import { ProjectService } from '../../src/main/services/project-service'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { tempDir } from '../helpers/tmp'

describe('microforge sim-board --firmware', () => {
  const tmp = tempDir('mf-sim-fw-')
  afterAll(() => tmp.cleanup())

  it('runs the generated profile firmware on a pty until --count windows, then reports', async () => {
    const projects = new ProjectService(join(tmp.dir, 'config'))
    const project = join(tmp.dir, 'proj')
    await projects.create(project, 'Sim')
    await prepareHelloProject(projects, project)
    writeSampleWindow(project, 'a', 1.5708)
    writeSampleWindow(project, 'b', 0.5)
    const fw = await new DeployService().generate({ projectDir: project, variant: 'hello_int8', target: 'esp32', runtime: 'c', mode: 'profile', name: 'sim_profile' })
    const link = join(tmp.dir, 'board')
    const out: string[] = []
    const lines: string[] = []
    const run = runCli(['sim-board', '--firmware', fw.path, '--link', link, '--project', project, '--count', '5', '--pace', '50', '--json'], { out: (t) => out.push(t), err: () => undefined })
    const until = Date.now() + 60_000
    while (!existsSync(link) && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    const closed = new Promise<void>((resolve) => void openSerialLines(link, 115200, { line: (l) => lines.push(l), end: () => resolve() }))
    expect(await run).toBe(0)
    await closed
    const result = JSON.parse(out[0])
    expect(result).toMatchObject({ link, mode: 'profile', runtime: 'c', engine: 'host', windows: 'dataset', windowIds: ['a', 'b'], endedBy: 'firmware-exit' })
    expect(result.host).toMatch(/host .* \(host timings\)/)
    expect(lines.filter((l) => /^sensor:\d+ preprocess:\d+ inference:\d+ output:\d+ ns$/.test(l))).toHaveLength(5)
  })
})
