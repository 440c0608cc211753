/**
 * Which paths a connected client may make the services read or write (ARCHITECTURE.md, Storage):
 * the project folder of the call, the app's data folder, and folders the person running
 * Microforge granted (a dialog in the desktop app, MICROFORGE_ALLOW_DIRS for `npm run web`).
 * Everything else is refused before a service sees the call. The CLI has no policy: its paths
 * are the user's own, typed at their own terminal.
 */
import { promises as fs } from 'node:fs'
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { MicroforgeError } from '../../shared/errors'

/** What a rule sees: the policy's checks, scoped to one call (so a path picked for it counts). */
interface CallScope {
  project(dir: unknown): Promise<string>
  inside(path: unknown, project: string | null, what: string): Promise<void>
  newProjectFolder(dir: unknown): Promise<void>
}

type Check = (args: unknown[], scope: CallScope) => Promise<void>

/** A path picked in a dialog counts for one call of its method, made within this time. */
export const PICK_TTL_MS = 10 * 60_000

interface Pick {
  method: string
  path: string
  expires: number
}

export class PathPolicy {
  private readonly granted = new Set<string>()
  private picks: Pick[] = []

  /** appDataDir: settings and the recent list; grants: folders the user chose for this app run. */
  constructor(
    readonly appDataDir: string,
    grants: string[] = []
  ) {
    for (const g of grants) this.grant(g)
  }

  /** MICROFORGE_ALLOW_DIRS: folders (path-list separated) the person starting the server allows. */
  static grantsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
    return (env.MICROFORGE_ALLOW_DIRS ?? '').split(delimiter).filter((d) => d.trim() && isAbsolute(d.trim()))
  }

  /** A folder the user chose in a dialog: readable and writable by clients from now on. */
  grant(dir: string): void {
    this.granted.add(resolve(dir))
  }

  /**
   * Paths the user picked in an open or save dialog for a call of `method` (the files to import,
   * the file to export to): allowed for the next call of that method that names them, within
   * PICK_TTL_MS, and then no more. A picked folder covers what is inside it.
   */
  pick(method: string, paths: string[], now: number = Date.now()): void {
    for (const p of paths) if (isAbsolute(p)) this.picks.push({ method, path: resolve(p), expires: now + PICK_TTL_MS })
  }

  async check(method: string, args: unknown[], now: number = Date.now()): Promise<void> {
    const rule = RULES[method]
    if (!rule) return
    this.picks = this.picks.filter((p) => p.expires > now)
    const used = new Set<Pick>()
    const scope: CallScope = {
      project: (dir) => this.project(dir),
      newProjectFolder: (dir) => this.newProjectFolder(dir),
      inside: async (path, project, what) => {
        try {
          await this.inside(path, project, what)
        } catch (err) {
          const pick = await this.pickFor(method, path, project)
          if (!pick) throw err
          used.add(pick)
        }
      }
    }
    await rule(args, scope)
    // Picks serve one call: the next call needs the user to pick again.
    this.picks = this.picks.filter((p) => !used.has(p))
  }

  private async pickFor(method: string, path: unknown, project: string | null): Promise<Pick | null> {
    const target = await realTarget(resolve(project ?? '/', String(path)))
    for (const p of this.picks) {
      if (p.method === method && within(target, await realTarget(p.path))) return p
    }
    return null
  }

  /** The real path of a project folder (it must hold project.json). */
  async project(dir: unknown): Promise<string> {
    const real = await realOrNull(resolve(String(dir)))
    const st = real ? await fs.stat(join(real, 'project.json')).catch(() => null) : null
    if (!real || !st?.isFile()) {
      throw new MicroforgeError('PATH_REFUSED', `${String(dir)} is not a Microforge project folder.`, 'Open or create a project first, then work inside it.')
    }
    return real
  }

  /** Refuses a path outside the project, the app data folder and the granted folders. */
  async inside(path: unknown, project: string | null, what: string): Promise<void> {
    const target = await realTarget(resolve(project ?? '/', String(path)))
    const roots = [project, await realOrNull(this.appDataDir), ...(await Promise.all([...this.granted].map(realOrNull)))].filter((r): r is string => !!r)
    if (roots.some((r) => within(target, r))) return
    throw new MicroforgeError(
      'PATH_REFUSED',
      `Refused: the ${what} ${String(path)} is outside the project folder.`,
      'Choose a place inside the project folder, or start Microforge with MICROFORGE_ALLOW_DIRS set to the folder you want to use.'
    )
  }

  /** project.create: a new folder, or an empty one (never a folder that already holds files). */
  async newProjectFolder(dir: unknown): Promise<void> {
    const abs = resolve(String(dir))
    const entries = await fs.readdir(abs).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : null))
    if (entries === null || entries.length > 0) {
      throw new MicroforgeError('PATH_REFUSED', `Refused: ${abs} is not an empty folder.`, 'Choose a new folder for the project (it is created for you).')
    }
  }
}

const str = (v: unknown): v is string => typeof v === 'string'
const record = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {})
const projectOnly: Check = async (a, p) => void (await p.project(a[0]))

/** Methods whose only path is the project folder (their first argument). */
const PROJECT_ONLY_METHODS = [
  'project.open', 'project.update',
  'dataset.list', 'dataset.get', 'dataset.relabel', 'dataset.delete', 'dataset.undoDelete', 'dataset.setSplit', 'dataset.autoSplit',
  'training.start', 'training.search', 'training.result', 'training.evaluate',
  'optimize.start', 'optimize.sweep', 'optimize.list', 'optimize.recommend', 'optimize.remove',
  'deploy.variants',
  'model.list',
  'profile.list', 'profile.saved', 'profile.get', 'profile.remove', 'profile.compare', 'profile.estimates'
]

/** dataset.import and previewImport: every file to import lies in the project (the imports/ folder). */
const importFiles: Check = async (a, p) => {
  const dir = await p.project(a[0])
  for (const f of Array.isArray(a[1]) ? a[1] : []) await p.inside(f, dir, 'file to import')
}

/** What each method touches on disk. Methods not listed take no path. */
const RULES: Record<string, Check> = {
  ...Object.fromEntries(PROJECT_ONLY_METHODS.map((m) => [m, projectOnly])),
  'project.create': async (a, p) => p.newProjectFolder(a[0]),
  'dataset.import': importFiles,
  'dataset.previewImport': importFiles,
  'dataset.export': async (a, p) => p.inside(a[2], await p.project(a[0]), 'export folder'),
  'deploy.fit': async (a, p) => p.inside(variantPath(a[0], a[1]), await p.project(a[0]), 'model'),
  'deploy.generate': async (a, p) => {
    const req = record(a[0])
    const dir = await p.project(req.projectDir)
    if (str(req.variant)) await p.inside(variantPath(dir, req.variant), dir, 'model')
    if (str(req.out)) await p.inside(req.out, dir, 'output')
  },
  'model.inspect': async (a, p) => p.inside(a[0], await p.project(await projectAbove(a[0])), 'model'),
  'model.run': async (a, p) => {
    const dir = await p.project(await projectAbove(a[0]))
    await p.inside(a[0], dir, 'model')
    for (const f of Array.isArray(a[1]) ? a[1] : []) await p.inside(f, dir, 'input file')
  },
  'profile.start': async (a, p) => {
    const dir = await p.project(a[0])
    const source = record(a[1])
    if (str(source.firmwareDir)) await p.inside(source.firmwareDir, dir, 'firmware folder')
    if (str(source.port)) await serialPort(source.port)
  },
  'profile.exportCsv': async (a, p) => {
    const dir = await p.project(a[0])
    if (str(a[2])) await p.inside(a[2], dir, 'CSV file')
  },
  'sim.startFirmware': async (a, p) => {
    const dir = await p.project(a[0])
    const o = record(a[1])
    if (str(o.firmwareDir)) await p.inside(o.firmwareDir, dir, 'firmware folder')
  },
  'device.startRecording': async (a, p) => void (await p.project(record(a[0]).project)),
  'device.open': async (a) => serialPort(a[0]),
  // The SDK's headers and libraries are compiled into programs this computer runs: only a folder the
  // person running Microforge allowed (or the app data folder) may become it.
  'system.setTflmSdk': async (a, p) => {
    if (str(a[0])) await p.inside(a[0], null, 'TFLM SDK folder')
  }
}

/** Methods that touch no path (project.forget only edits the recent list in the app data folder). */
export const NO_PATH_METHODS = new Set([
  'system.info',
  'system.tflmSdk',
  'project.recent',
  'project.forget',
  'jobs.list',
  'jobs.get',
  'jobs.cancel',
  'training.presets',
  'training.summary',
  'optimize.targets',
  'deploy.boards',
  'device.listPorts',
  'device.close',
  'device.status',
  'device.stopRecording',
  'profile.stop',
  'profile.live',
  'sim.start',
  'sim.stop',
  'sim.status'
])

export const PATH_RULE_METHODS = new Set(Object.keys(RULES))

/** A serial port is a character device (a pty or a USB serial port), never a file to read. */
async function serialPort(path: unknown): Promise<void> {
  const st = await fs.stat(String(path)).catch(() => null)
  if (st && !st.isCharacterDevice()) throw new MicroforgeError('PATH_REFUSED', `Refused: ${String(path)} is not a serial port.`, 'Pick the board from the list of ports.')
}

/** deploy's variant: a name inside models/variants, or a path to a .tflite (as the service reads it). */
function variantPath(dir: unknown, variant: unknown): string {
  const v = String(variant)
  const asPath = v.endsWith('.tflite') || v.includes('/') || v.includes('\\')
  return asPath ? resolve(v) : join(resolve(String(dir)), 'models', 'variants', `${v}.tflite`)
}

/** The nearest folder above path that holds project.json, or path's own folder when none does. */
async function projectAbove(path: unknown): Promise<string> {
  let dir = dirname(resolve(String(path)))
  for (;;) {
    if (await fs.stat(join(dir, 'project.json')).then((s) => s.isFile(), () => false)) return dir
    const up = dirname(dir)
    if (up === dir) return dirname(resolve(String(path)))
    dir = up
  }
}

async function realOrNull(path: string): Promise<string | null> {
  return fs.realpath(path).catch(() => null)
}

/** The real path a write to `path` would reach: symlinks of the existing part resolved. */
async function realTarget(path: string): Promise<string> {
  const rest: string[] = []
  let cur = path
  for (;;) {
    const real = await realOrNull(cur)
    if (real) return join(real, ...rest.reverse())
    const up = dirname(cur)
    if (up === cur) return path
    rest.push(basename(cur))
    cur = up
  }
}

function within(target: string, root: string): boolean {
  const rel = relative(root, target)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}
