/**
 * Issue #12.4 without the SDK: Profile's runtime choice picks the project's firmware of that
 * runtime, and a TensorFlow Lite Micro run with no TFLM SDK stops at once with what to choose,
 * never a compiler error. (With the SDK, test/tflm/virtual-board.test.ts runs it.)
 */
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/index'
import { DeployService } from '../../src/main/services/deploy-service'
import { EventBus } from '../../src/main/services/event-bus'
import { openSerialLines } from '../../src/main/services/profile-serial-source'
import { ProfileService } from '../../src/main/services/profile-service'
import { openVirtualLines } from '../../src/main/services/profile-virtual-source'
import { ProjectService } from '../../src/main/services/project-service'
import { prepareHelloProject, writeSampleWindow } from '../helpers/hello-firmware'
import { tempDir } from '../helpers/tmp'

const tmp = tempDir('mf-profile-tflm-')
const savedEnv = process.env.MICROFORGE_TFLM

describe('Profile runtime choice on the virtual board', () => {
  let projects: ProjectService
  /** A project with C-runtime firmware only. */
  let bare: string
  /** The same with TFLM profile firmware generated in Deploy. */
  let project: string
  let service: ProfileService
  let tflmDir: string

  beforeAll(async () => {
    projects = new ProjectService(join(tmp.dir, 'config'))
    bare = join(tmp.dir, 'bare')
    project = join(tmp.dir, 'proj')
    for (const dir of [bare, project]) {
      await projects.create(dir, 'Runtimes')
      await prepareHelloProject(projects, dir)
      writeSampleWindow(dir, 's1', 1.5708)
    }
    delete process.env.MICROFORGE_TFLM
    tflmDir = (await new DeployService().generate({ projectDir: project, variant: 'hello_int8', target: 'nano33ble', runtime: 'tflm', mode: 'profile', name: 'hello_tflm' })).path
    if (savedEnv !== undefined) process.env.MICROFORGE_TFLM = savedEnv
    service = new ProfileService(new EventBus(), { serial: openSerialLines, virtual: (d, s, sink, mhz) => openVirtualLines(d, s, sink, mhz, { tflmSdkDir: null }) }, projects)
  })
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.MICROFORGE_TFLM
    else process.env.MICROFORGE_TFLM = savedEnv
  })
  afterAll(() => tmp.cleanup())

  it('TFLM chosen before any TFLM firmware exists: says to generate it in Deploy', async () => {
    await expect(service.start(bare, { kind: 'virtual', runtime: 'tflm' }, {})).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no firmware with TensorFlow Lite Micro/),
      hint: expect.stringMatching(/In Deploy, generate firmware with TensorFlow Lite Micro, profile mode/)
    })
  })

  it('TFLM with no SDK set: "TFLM SDK not set" and which folder to choose, on the host and in QEMU', async () => {
    delete process.env.MICROFORGE_TFLM
    for (const source of [{ engine: 'host' as const }, { engine: 'qemu' as const, kernels: 'cmsis-nn' as const }]) {
      await expect(service.start(project, { kind: 'virtual', runtime: 'tflm', ...source }, {})).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        message: expect.stringMatching(/^TFLM SDK not set/),
        hint: expect.stringMatching(/choose the TFLM SDK folder .*the folder that holds include\//)
      })
    }
    expect(await service.live()).toEqual([])
  })

  it('microforge profile run --virtual --runtime tflm says the same, and refuses an unknown runtime', async () => {
    delete process.env.MICROFORGE_TFLM
    const savedHome = process.env.MICROFORGE_HOME
    process.env.MICROFORGE_HOME = join(tmp.dir, 'cli-home')
    try {
      const err: string[] = []
      expect(await runCli(['profile', 'run', project, '--virtual', '--runtime', 'tflm', '--count', '3'], { out: () => undefined, err: (t) => err.push(t) })).not.toBe(0)
      expect(err.join('\n')).toMatch(/TFLM SDK not set/)
      const err2: string[] = []
      expect(await runCli(['profile', 'run', project, '--virtual', '--runtime', 'tflite'], { out: () => undefined, err: (t) => err2.push(t) })).not.toBe(0)
      expect(err2.join('\n')).toMatch(/--runtime tflite is not a runtime/)
    } finally {
      if (savedHome === undefined) delete process.env.MICROFORGE_HOME
      else process.env.MICROFORGE_HOME = savedHome
    }
  })

  it('a firmware folder of the other runtime, or CMSIS-NN on this computer, is refused with the fix', async () => {
    await expect(service.start(project, { kind: 'virtual', runtime: 'c', firmwareDir: tflmDir }, {})).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'hello_tflm runs TensorFlow Lite Micro, not the Microforge C runtime.'
    })
    await expect(service.start(project, { kind: 'virtual', runtime: 'tflm', kernels: 'cmsis-nn' }, {})).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/CMSIS-NN kernels run only on the emulated Cortex-M4/)
    })
  })
})
