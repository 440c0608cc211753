import { existsSync, promises as fs } from 'node:fs'
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { zipSync } from 'fflate'
import { BOARDS, type BoardInfo, type TargetId } from '../../shared/boards'
import type { DeployApi, DeployVariant, FitReport, GenerateRequest, GenerateResult } from '../../shared/contract/deploy'
import { MicroforgeError } from '../../shared/errors'
import { cgModelFromTflite, type CgModel } from '../core/codegen/graph'
import { cRuntimeFit, tflmFit } from '../core/codegen/fit'
import { generateFirmware, sanitizeName } from '../core/codegen/firmware'
import { normalizePreprocessing } from '../core/codegen/preprocessing-header'
import { writeFileAtomic } from './atomic-fs'
import { readProjectFile } from './project-store'

/**
 * The Deploy step's service: lists variants, checks fit per board and runtime, and writes firmware
 * projects (folder or zip). All code generation is pure (core/codegen); this file only reads the
 * project and the templates and writes the result.
 */

export const VARIANTS_DIR = join('models', 'variants')
const TEMPLATE_DIRS = ['common', 'arduino', 'sensors', 'esp-idf', 'c-runtime']
const DEFAULT_RATE_HZ = 100
const DEFAULT_BAUD = 115200

/** resources/firmware from the running file upwards (source tree, out/ bundle) or the packaged app. */
export function deployResourcesDir(): string {
  const check = (d: string): boolean => existsSync(join(d, 'common', 'mf_app.cpp'))
  const env = process.env.MICROFORGE_RESOURCES
  if (env && check(join(env, 'firmware'))) return join(env, 'firmware')
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged && check(join(packaged, 'firmware'))) return join(packaged, 'firmware')
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (check(join(dir, 'resources', 'firmware'))) return join(dir, 'resources', 'firmware')
    dir = dirname(dir)
  }
  throw new MicroforgeError('INTERNAL', 'The firmware templates (resources/firmware) are missing from this installation.', 'Reinstall Microforge.')
}

export async function loadFirmwareTemplates(root = deployResourcesDir()): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name)
      if (e.isDirectory()) await walk(p)
      else out[relative(root, p).split(sep).join('/')] = await fs.readFile(p, 'utf8')
    }
  }
  for (const d of TEMPLATE_DIRS) await walk(join(root, d))
  return out
}

function precisionOf(m: CgModel): DeployVariant['precision'] {
  const types = new Set(m.tensors.filter((t) => !t.data).map((t) => t.type))
  const weights = new Set(m.tensors.filter((t) => t.data && t.type !== 'int32').map((t) => t.type))
  if (weights.has('float16')) return 'float16'
  if (types.has('float32') && weights.has('int8')) {
    const io = new Set([...m.inputs, ...m.outputs])
    const floatInside = m.tensors.some((t) => !t.data && t.type === 'float32' && !io.has(t.index))
    return floatInside ? 'hybrid' : 'int8'
  }
  if (types.size === 1 && types.has('int8')) return 'int8'
  if (types.size === 1 && types.has('float32')) return 'float32'
  return 'mixed'
}

export class DeployService implements DeployApi {
  async boards(): Promise<BoardInfo[]> {
    return Object.values(BOARDS)
  }

  async variants(projectDir: string): Promise<DeployVariant[]> {
    const dir = join(resolve(projectDir), VARIANTS_DIR)
    let names: string[]
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.tflite')).sort()
    } catch {
      return []
    }
    const out: DeployVariant[] = []
    for (const n of names) {
      const path = join(dir, n)
      try {
        out.push(describe(basename(n, '.tflite'), path, await fs.readFile(path)).variant)
      } catch {
        // A damaged file is skipped here; generate() reports it with a next step when chosen.
      }
    }
    return out
  }

  async fit(projectDir: string, variant: string, target: TargetId): Promise<FitReport> {
    const v = await this.loadVariant(projectDir, variant)
    const board = BOARDS[target]
    return { board, variant: v.variant, runtimes: [tflmFit(board, v.graph, v.bytes.byteLength), cRuntimeFit(board, v.graph)] }
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const projectDir = resolve(req.projectDir)
    const project = await readProjectFile(projectDir)
    const board = BOARDS[req.target]
    const v = req.mode === 'capture' && !req.variant ? null : await this.loadVariant(projectDir, req.variant)
    const axes = project.sensor?.axes ?? ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
    const preprocessing = normalizePreprocessing(project.preprocessing, { axes, windowLength: project.windowLength ?? (req.mode === 'capture' ? 1 : null) })
    const sampleRateHz = project.sensor?.rateHz ?? DEFAULT_RATE_HZ
    const baud = project.sensor?.baud ?? DEFAULT_BAUD
    const name = sanitizeName(req.name ?? `${v ? v.variant.name : 'capture'}_${req.target}_${req.mode}`)
    const fw = generateFirmware({
      name,
      projectName: project.name,
      target: req.target,
      runtime: req.runtime,
      mode: req.mode,
      kind: req.kind,
      nano33Revision: req.nano33Revision,
      model: v && req.mode !== 'capture' ? { bytes: v.bytes, graph: v.graph, label: v.variant.name } : null,
      preprocessing,
      classes: project.classes.map((c) => c.name),
      sampleRateHz,
      baud,
      templates: await loadFirmwareTemplates()
    })
    const fit = v && req.mode !== 'capture' ? (req.runtime === 'c' ? cRuntimeFit(board, v.graph) : tflmFit(board, v.graph, v.bytes.byteLength)) : null
    const entries = new Map<string, Uint8Array>()
    const enc = new TextEncoder()
    for (const f of fw.files) entries.set(f.path, enc.encode(f.contents))
    for (const b of fw.binaries) entries.set(b.path, b.bytes)

    if (req.zip) {
      const path = resolve(req.out ?? join(projectDir, 'firmware', `${name}.zip`))
      if (existsSync(path) && !req.overwrite) {
        throw new MicroforgeError('ALREADY_EXISTS', `${path} already exists.`, 'Choose another name, or allow overwriting.')
      }
      const tree: Record<string, Uint8Array> = {}
      // The zip holds one folder so unpacking never scatters files (and the sketch keeps its name).
      for (const [p, bytes] of entries) tree[`${name}/${p}`] = bytes
      await fs.mkdir(dirname(path), { recursive: true })
      await writeFileAtomic(path, zipSync(tree, { level: 6 }))
      return { kind: fw.kind, path, zip: true, files: [...entries.keys()], fit, baud, sampleRateHz }
    }
    const out = resolve(req.out ?? join(projectDir, 'firmware', name))
    await writeFolder(out, entries, req.overwrite ?? false)
    return { kind: fw.kind, path: out, zip: false, files: [...entries.keys()], fit, baud, sampleRateHz }
  }

  private async loadVariant(projectDir: string, variant: string | undefined): Promise<{ variant: DeployVariant; graph: CgModel; bytes: Uint8Array }> {
    if (!variant) throw new MicroforgeError('INVALID_ARGUMENT', 'No variant chosen.', 'Pick a variant from the Optimize step (or give the path of a .tflite).')
    const asPath = variant.endsWith('.tflite') || variant.includes('/') || variant.includes('\\')
    const path = asPath ? (isAbsolute(variant) ? variant : resolve(variant)) : join(resolve(projectDir), VARIANTS_DIR, `${variant}.tflite`)
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await fs.readFile(path))
    } catch {
      const available = (await this.variants(projectDir)).map((v) => v.name)
      throw new MicroforgeError(
        'NOT_FOUND',
        `There is no variant ${variant} (${path}).`,
        available.length ? `Choose one of: ${available.join(', ')}.` : 'Create a variant in the Optimize step first, or give the path of a .tflite file.'
      )
    }
    return describe(asPath ? basename(path, '.tflite') : variant, path, bytes)
  }
}

function describe(name: string, path: string, bytes: Uint8Array): { variant: DeployVariant; graph: CgModel; bytes: Uint8Array } {
  const graph = cgModelFromTflite(bytes)
  return {
    variant: { name, path, bytes: bytes.byteLength, precision: precisionOf(graph), ops: [...new Set(graph.operators.map((o) => o.op))] },
    graph,
    bytes
  }
}

/** Writes the project into a fresh sibling folder and renames it into place: never half a project. */
async function writeFolder(out: string, entries: Map<string, Uint8Array>, overwrite: boolean): Promise<void> {
  if (existsSync(out) && !overwrite) {
    throw new MicroforgeError('ALREADY_EXISTS', `The folder ${out} already exists.`, 'Choose another name, or allow overwriting (--force in the CLI).')
  }
  const tmp = `${out}.tmp-${process.pid}-${Date.now()}`
  await fs.mkdir(tmp, { recursive: true })
  try {
    for (const [p, bytes] of entries) {
      const file = join(tmp, ...p.split('/'))
      await fs.mkdir(dirname(file), { recursive: true })
      await fs.writeFile(file, bytes)
    }
    if (existsSync(out)) await fs.rm(out, { recursive: true, force: true })
    await fs.rename(tmp, out)
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true })
    throw err
  }
}
