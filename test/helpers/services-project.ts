import { join } from 'node:path'
import { createServices, type Services } from '../../src/main/services'
import { prepareHelloProject, writeHelloVariantIndex, writeSampleWindow, writeTrainedFloatModel } from './hello-firmware'
import { tempDir } from './tmp'

/** The services as the CLI creates them and one project made through them, in a folder of their own. */
export interface ServicesProject {
  /** The folder everything lives in: the services' config, the project, anything else a test writes. */
  root: string
  /** The project folder, root/<folder>. */
  dir: string
  services: Services
  /** Disposes the services, then removes root when this helper made it. */
  dispose(): Promise<void>
}

/** Creates project `name` in root/<folder>; root is a new temporary folder unless given (e.g. an e2e file's work folder). */
export async function servicesProject(name: string, folder: string, root?: string): Promise<ServicesProject> {
  const tmp = root === undefined ? tempDir() : null
  const base = root ?? (tmp as { dir: string }).dir
  const services = createServices({ host: 'cli', configDir: join(base, 'config') })
  const dir = join(base, folder)
  await services.api.project.create(dir, name)
  return {
    root: base,
    dir,
    services,
    async dispose() {
      await services.dispose()
      tmp?.cleanup()
    }
  }
}

/**
 * The hello_world project Deploy can build firmware for (prepareHelloProject), with dataset windows
 * aX = 1.5708 (w1) and, unless `windows` says otherwise, aX = 0 (w2); `trained` adds a float model
 * (weight 1) and lists hello_int8 as made from it.
 */
export async function helloServicesProject(opts: { name?: string; folder?: string; root?: string; windows?: Array<[id: string, aX: number]>; trained?: boolean } = {}): Promise<ServicesProject> {
  const p = await servicesProject(opts.name ?? 'Hello', opts.folder ?? 'hello', opts.root)
  await prepareHelloProject(p.services.projects, p.dir)
  for (const [id, aX] of opts.windows ?? [['w1', 1.5708], ['w2', 0]]) writeSampleWindow(p.dir, id, aX)
  if (opts.trained) writeHelloVariantIndex(p.dir, await writeTrainedFloatModel(p.dir, 1))
  return p
}
