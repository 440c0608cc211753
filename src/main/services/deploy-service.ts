import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { zipSync } from 'fflate'
import { BOARDS, type BoardInfo, type RuntimeId, type TargetId } from '../../shared/boards'
import type { DeployApi, DeployVariant, FitReport, GenerateRequest, GenerateResult, RuntimeFit, SizeMeasurement } from '../../shared/contract/deploy'
import { describeError, errorClause, MicroforgeError, toErrorData } from '../../shared/errors'
import { defaultFirmwareName } from '../../shared/firmware-names'
import { sensorRateWarning } from '../../shared/sensor-rates'
import { cgModelFromParsed, type CgModel } from '../core/codegen/graph'
import { parseTflite, type ParsedModel } from '../core/tflite/reader'
import { generateCRuntimeModel } from '../core/codegen/c-runtime'
import { cRuntimeFit, tflmFit, type MeasuredCSize } from '../core/codegen/fit'
import { sketchLocation } from '../core/codegen/sketch-location'
import { generateFirmware } from '../core/codegen/firmware'
import { normalizePreprocessing } from '../core/codegen/preprocessing-header'
import { wrapFsError } from '../storage/atomic-fs'
import { inProjectFirmware, writeFirmware } from '../storage/firmware-write'
import { settleCommit } from '../storage/commit-journal'
import { currentLineage, readFirmwareSources, readVariantSources, signalFingerprint, variantLineage, type FirmwareSource } from '../storage/lineage'
import { readProjectFile } from '../storage/project-store'
import { deployLatency } from '../core/cost/latency'
import { opFactsFromGraph } from '../core/cost/op-facts'
import { firmwareResourcesDir } from '../sim/firmware/firmware-folder'

/**
 * The Deploy step's service: lists variants, checks fit per board and runtime, and writes firmware
 * projects (folder or zip). All code generation is pure (core/codegen); this file only reads the
 * project and the templates and writes the result.
 */

export const VARIANTS_DIR = join('models', 'variants')
const TEMPLATE_DIRS = ['common', 'arduino', 'sensors', 'esp-idf', 'c-runtime']
const DEFAULT_BAUD = 115200

export async function loadFirmwareTemplates(root = firmwareResourcesDir()): Promise<Record<string, string>> {
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
    await settleCommit(resolve(projectDir))
    const dir = join(resolve(projectDir), VARIANTS_DIR)
    let names: string[]
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.tflite')).sort()
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return []
      throw wrapFsError(err, dir, 'read')
    }
    const out: DeployVariant[] = []
    // A damaged index hides which model each file was made from, not the files: each is listed, stale, with the index's problem.
    const index = await variantLineage(resolve(projectDir), await currentLineage(resolve(projectDir)))
    const indexProblem = index.problem ? { indexProblem: describeError(index.problem.toData()) } : {}
    for (const n of names) {
      const path = join(dir, n)
      const name = basename(n, '.tflite')
      let bytes: Uint8Array
      try {
        bytes = new Uint8Array(await fs.readFile(path))
      } catch (err) {
        // Deleted since the listing: gone, not damaged.
        if ((err as { code?: string }).code === 'ENOENT') continue
        out.push({ ...unusableVariant(name, path, 0, index.stale(name), describeError(toErrorData(wrapFsError(err, path, 'read')))), ...indexProblem })
        continue
      }
      try {
        const v = describe(name, path, bytes, damagedHint(name, index.listed(name))).variant
        out.push({ ...v, stale: index.stale(v.name), ...indexProblem })
      } catch (err) {
        // Listed with its reason, never left out: Deploy shows it and refuses to build from it.
        out.push({ ...unusableVariant(name, path, bytes.byteLength, index.stale(name), describeError(toErrorData(err))), ...indexProblem })
      }
    }
    return out
  }

  async fit(projectDir: string, variant: string, target: TargetId): Promise<FitReport> {
    const v = await this.loadVariant(projectDir, variant)
    const board = BOARDS[target]
    const runtimes = [await this.runtimeFit(board, v, 'tflm'), await this.runtimeFit(board, v, 'c')]
    const format = v.variant.precision === 'int8' ? 'int8' : v.variant.precision === 'float32' ? 'float32' : null
    if (format) {
      // The estimate of the runtime each row builds, with the board's measured correction if any.
      const corrections = ((await readProjectFile(resolve(projectDir)).catch(() => null))?.settings.latencyCorrections ?? {}) as Partial<Record<TargetId, number>>
      const ops = opFactsFromGraph(v.graph)
      for (const r of runtimes) if (r.supported) r.latency = deployLatency(ops, target, r.runtime, corrections[target], format) ?? undefined
    }
    return { board, variant: v.variant, runtimes }
  }

  /** One runtime's fit of a variant on a board: the fit check's rows and the fit generate returns. */
  private async runtimeFit(board: BoardInfo, v: { graph: CgModel; bytes: Uint8Array }, runtime: RuntimeId): Promise<RuntimeFit> {
    if (runtime === 'tflm') return tflmFit(board, v.graph, v.bytes)
    const measured = await this.measureCRuntime(v.graph, v.bytes)
    return { ...cRuntimeFit(board, v.graph, measured.size), measurement: measured.measurement }
  }

  private readonly measuredCache = new Map<string, CSizeResult>()

  /**
   * The C runtime's real flash and RAM when arm-none-eabi-gcc is installed: the generated model
   * and mf_runtime.c linked for a Cortex-M4 with --gc-sections, minus an empty image. Without the
   * toolchain, or when the build fails, the fit check uses its per-kernel estimates and says which
   * of the two happened (a failed build is not "no toolchain").
   */
  private async measureCRuntime(graph: CgModel, bytes: Uint8Array): Promise<CSizeResult> {
    const key = createHash('sha256').update(bytes).digest('hex')
    const cached = this.measuredCache.get(key)
    if (cached) return cached
    const result = await measureWithArmGcc(graph, firmwareResourcesDir())
    // Only a measurement is kept: a toolchain installed later, or a build that fails once, is tried again.
    if (result.size) this.measuredCache.set(key, result)
    return result
  }

  async generate(req: GenerateRequest): Promise<GenerateResult> {
    const projectDir = resolve(req.projectDir)
    const project = await readProjectFile(projectDir)
    const board = BOARDS[req.target]
    const v = req.mode === 'capture' && !req.variant ? null : await this.loadVariant(projectDir, req.variant)
    const defaultName = defaultFirmwareName({ variant: v ? v.variant.name : null, target: req.target, runtime: req.runtime, mode: req.mode })
    const location = sketchLocation(req.kind ?? board.projects[0], defaultName, { name: req.name, out: req.out, zip: req.zip })
    const name = location.name
    const out = req.zip ? resolve(req.out ?? join(projectDir, 'firmware', `${name}.zip`)) : resolve(location.out ?? join(projectDir, 'firmware', name))
    // A damaged firmware/.sources.json refuses the write: said now, not after generating and measuring everything.
    if (inProjectFirmware(projectDir, out)) await readFirmwareSources(projectDir)
    const lineage = await currentLineage(projectDir)
    const index = v !== null && req.mode !== 'capture' ? await variantLineage(projectDir, lineage) : null
    const staleVariant = v !== null && index !== null && index.stale(v.variant.name)
    // A stale variant built anyway keeps a source that matches no current model.
    const source: FirmwareSource = { variant: v ? v.variant.name : null, sourceModel: v && req.mode !== 'capture' ? (staleVariant ? 'earlier-model' : lineage.model) : null, mode: req.mode, signal: signalFingerprint(project.signal), createdAt: new Date().toISOString() }
    if (v && staleVariant && !req.allowStale) {
      const anyway = `Or build ${v.variant.name} anyway (allow stale; --allow-stale on the command line): it may have been made from an earlier model.`
      // Which model a variant was made from is unknown while the index is damaged: built only when asked, like an earlier model's.
      if (index?.problem) throw new MicroforgeError('PROJECT_CORRUPT', index.problem.message, `${index.problem.hint ?? ''} ${anyway}`.trim())
      if (lineage.modelProblem !== null) throw new MicroforgeError('PROJECT_CORRUPT', lineage.modelProblem, anyway)
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        `${v.variant.name} was made from ${lineage.dataChanged ? 'a model trained before the data changed' : 'an earlier model'}: the firmware would run that model, not the one trained now.`,
        'Optimize the current model again (Optimize step), or build it anyway (allow stale; --allow-stale on the command line).'
      )
    }
    const signal = project.signal
    const axes = signal.axes.length > 0 ? signal.axes : ['aX', 'aY', 'aZ', 'gX', 'gY', 'gZ']
    const preprocessing = normalizePreprocessing(signal.preprocessing, { axes, windowLength: signal.windowLength ?? (req.mode === 'capture' ? 1 : null) })
    if (signal.sampleRateHz === null) {
      throw new MicroforgeError(
        'INVALID_ARGUMENT',
        "This project's sample rate is unknown, so the firmware cannot sample as the model was trained.",
        'Connect the board in Connect (the rate is measured), or set it: microforge project set PROJECT --rate HZ (119 for a Nano 33 BLE Sense running IMU_Capture).'
      )
    }
    const sampleRateHz = signal.sampleRateHz
    const warning = sensorRateWarning(req.target, sampleRateHz, req.nano33Revision)
    const baud = signal.sensor.baud ?? DEFAULT_BAUD
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
      signal: { axes: signal.axes, units: signal.units, scale: signal.scale },
      classes: project.classes.map((c) => c.name),
      sampleRateHz,
      baud,
      templates: await loadFirmwareTemplates()
    })
    const fit = v && req.mode !== 'capture' ? await this.runtimeFit(board, v, req.runtime) : null
    const entries = new Map<string, Uint8Array>()
    const enc = new TextEncoder()
    for (const f of fw.files) entries.set(f.path, enc.encode(f.contents))
    for (const b of fw.binaries) entries.set(b.path, b.bytes)

    if (req.zip) {
      const path = out
      const tree: Record<string, Uint8Array> = {}
      // The zip holds one folder so unpacking never scatters files (and the sketch keeps its name).
      for (const [p, bytes] of entries) tree[`${name}/${p}`] = bytes
      await writeFirmware(projectDir, path, { kind: 'zip', bytes: zipSync(tree, { level: 6 }) }, req.overwrite ?? false, source)
      return { kind: fw.kind, path, zip: true, files: [...entries.keys()], fit, baud, sampleRateHz, windowLength: preprocessing.windowLength, sensorWarning: warning }
    }
    await writeFirmware(projectDir, out, { kind: 'folder', entries }, req.overwrite ?? false, source)
    return { kind: fw.kind, path: out, zip: false, files: [...entries.keys()], fit, baud, sampleRateHz, windowLength: preprocessing.windowLength, sensorWarning: warning }
  }

  private async loadVariant(projectDir: string, variant: string | undefined): Promise<{ variant: DeployVariant; graph: CgModel; bytes: Uint8Array }> {
    if (!variant) throw new MicroforgeError('INVALID_ARGUMENT', 'No variant chosen.', 'Pick a variant from the Optimize step (or give the path of a .tflite).')
    const asPath = variant.endsWith('.tflite') || variant.includes('/') || variant.includes('\\')
    const path = asPath ? (isAbsolute(variant) ? variant : resolve(variant)) : join(resolve(projectDir), VARIANTS_DIR, `${variant}.tflite`)
    if (!asPath) await settleCommit(resolve(projectDir))
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await fs.readFile(path))
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw wrapFsError(err, path, 'read')
      const available = (await this.variants(projectDir)).map((v) => v.name)
      throw new MicroforgeError(
        'NOT_FOUND',
        `There is no variant ${variant} (${path}).`,
        available.length ? `Choose one of: ${available.join(', ')}.` : 'Create a variant in the Optimize step first, or give the path of a .tflite file.'
      )
    }
    // A path the user gave keeps the reader's own advice; a project's variant is rebuilt by Optimize, unless Optimize did not make it.
    if (asPath) return describe(basename(path, '.tflite'), path, bytes, null)
    const listed = await readVariantSources(resolve(projectDir)).then((sources) => (sources ?? []).some((s) => s.name === variant), () => true)
    return describe(variant, path, bytes, damagedHint(variant, listed))
  }
}

/**
 * The way out of a project variant's file that is not a readable .tflite: Optimize rebuilds what
 * the variant index lists; a file it does not list was put there by hand, and Optimize cannot make it again.
 */
function damagedHint(name: string, listed: boolean): string {
  return listed ? `Run Optimize again to rebuild ${name}.` : `models/variants/index.json does not list ${name}: Optimize did not make it. Replace ${name}.tflite with a valid model, or remove it.`
}

/**
 * A variant's graph and facts. With `damagedHint` (a project's variant), a file that is not a
 * readable .tflite is damaged (PROJECT_CORRUPT with that way out); without it (a path the user
 * gave) it keeps the reader's own error. A readable model firmware cannot be made from keeps the
 * code generator's reason.
 */
function describe(name: string, path: string, bytes: Uint8Array, damagedHint: string | null): { variant: DeployVariant; graph: CgModel; bytes: Uint8Array } {
  let parsed: ParsedModel
  try {
    parsed = parseTflite(bytes)
  } catch (err) {
    if (damagedHint === null) throw err
    const text = errorClause(err)
    const reason = /^[A-Z][a-z]/.test(text) ? text[0].toLowerCase() + text.slice(1) : text
    throw new MicroforgeError('PROJECT_CORRUPT', `The file ${path} is damaged: ${reason}.`, damagedHint)
  }
  const graph = cgModelFromParsed(parsed)
  return {
    variant: { name, path, bytes: bytes.byteLength, precision: precisionOf(graph), ops: [...new Set(graph.operators.map((o) => o.op))], stale: false },
    graph,
    bytes
  }
}

/** A variant whose file cannot be read or built from, listed with why (`problem`) instead of left out. */
function unusableVariant(name: string, path: string, bytes: number, stale: boolean, problem: string): DeployVariant {
  return { name, path, bytes, precision: 'unknown', ops: [], stale, problem }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => (err ? rej(err) : res(stdout)))
  )
}

const M4_FLAGS = ['-std=c99', '-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-Os', '-ffunction-sections', '-fdata-sections', '-Wl,--gc-sections', '--specs=nosys.specs']

/** The measured sizes, or none and why. */
interface CSizeResult {
  size: MeasuredCSize | null
  measurement: SizeMeasurement
}

async function measureWithArmGcc(graph: CgModel, resources: string): Promise<CSizeResult> {
  let c
  try {
    c = generateCRuntimeModel(graph)
  } catch (err) {
    return { size: null, measurement: { state: 'build-failed', detail: `the C code generator refused the model: ${(err as Error).message}` } }
  }
  let version: string
  try {
    version = (await run('arm-none-eabi-gcc', ['-dumpversion'])).trim()
  } catch (err) {
    const missing = (err as { code?: unknown }).code === 'ENOENT'
    return missing
      ? { size: null, measurement: { state: 'toolchain-missing', detail: 'arm-none-eabi-gcc is not installed: sizes are estimates. Install gcc-arm-none-eabi to measure them.' } }
      : { size: null, measurement: { state: 'build-failed', detail: `arm-none-eabi-gcc -dumpversion failed: ${firstLines(err)}` } }
  }
  try {
    return { size: await buildAndSize(c, resources, version), measurement: { state: 'measured' } }
  } catch (err) {
    return { size: null, measurement: { state: 'build-failed', detail: `arm-none-eabi-gcc could not build the model: ${firstLines(err)}` } }
  }
}

/** The start of a failed command's message (execFile puts the compiler's stderr in it). */
function firstLines(err: unknown): string {
  const text = String((err as Error)?.message ?? err).trim()
  const lines = text.split('\n').slice(0, 4).join(' ')
  return lines.length > 400 ? `${lines.slice(0, 400)}…` : lines
}

async function buildAndSize(c: ReturnType<typeof generateCRuntimeModel>, resources: string, version: string): Promise<MeasuredCSize> {
  const dir = await fs.mkdtemp(join(tmpdir(), 'microforge-size-'))
  try {
    for (const f of c.files) await fs.writeFile(join(dir, f.path), f.contents)
    // A main that touches input, invoke and output, so nothing the firmware needs is collected away.
    await fs.writeFile(
      join(dir, 'main.c'),
      '#include "mf_model.h"\nvolatile int mf_sink;\nint main(void) { mf_model_input()[0] = 0; mf_model_invoke(); mf_sink = (int)mf_model_output()[0]; return 0; }\n'
    )
    await fs.writeFile(join(dir, 'empty.c'), 'volatile int mf_sink;\nint main(void) { mf_sink = 0; return 0; }\n')
    const runtime = join(resources, 'c-runtime')
    await run('arm-none-eabi-gcc', [...M4_FLAGS, `-I${dir}`, `-I${runtime}`, join(dir, 'main.c'), join(dir, 'mf_model.c'), join(runtime, 'mf_runtime.c'), '-o', join(dir, 'model.elf')])
    await run('arm-none-eabi-gcc', [...M4_FLAGS, join(dir, 'empty.c'), '-o', join(dir, 'empty.elf')])
    const size = async (elf: string): Promise<{ flash: number; ram: number }> => {
      const [text, data, bss] = (await run('arm-none-eabi-size', ['-B', elf])).trim().split('\n')[1].trim().split(/\s+/).map(Number)
      return { flash: text + data, ram: data + bss }
    }
    const model = await size(join(dir, 'model.elf'))
    const empty = await size(join(dir, 'empty.elf'))
    return { flashBytes: model.flash - empty.flash, ramBytes: model.ram - empty.ram, toolchain: `arm-none-eabi-gcc ${version} -Os, Cortex-M4` }
  } finally {
    await fs.rm(dir, { recursive: true, force: true })
  }
}
