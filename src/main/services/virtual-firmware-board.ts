import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, promises as fs, type Dirent } from 'node:fs'
import { arch, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SampleFile } from '../../shared/dataset'
import { MicroforgeError } from '../../shared/errors'
import { sensorChannel } from '../core/codegen/preprocessing-header'

/**
 * The virtual board that runs the real generated firmware: the project Deploy writes for the C
 * runtime (mf_app.cpp, mf_infer_c.cpp, mf_model.c, mf_runtime.c, preprocessing.h, mf_config.h)
 * compiled with this computer's gcc/g++ against the host port of the board services
 * (resources/firmware/host/mf_platform_host.cpp, which implements Deploy's mf_platform.h), its
 * serial output relayed by socat to a pseudo-terminal. The timings it prints are real timings of
 * the generated code on this computer: host timings, never to be mistaken for a board's.
 */

export type FirmwareMode = 'capture' | 'classify' | 'profile'

export interface HostFirmwareBuild {
  binary: string
  mode: FirmwareMode
  /** The folder holding the firmware's sources (mf_app.cpp). */
  sourceDir: string
  /** "host x64, g++ 12.2.0 -O2" */
  description: string
}

const OPT = '-O2'

/** Board-specific files the host port replaces (serial, clock, sensor drivers, the sketch's setup/loop). */
const BOARD_ONLY = /^(mf_platform_.*|mf_sensor_.*|main)\.(c|cc|cpp)$/

/** resources/firmware, found from the running file upwards (source tree, out/ bundle, packaged app). */
export function firmwareResourcesDir(): string {
  const env = process.env.MICROFORGE_RESOURCES
  if (env && existsSync(join(env, 'firmware'))) return join(env, 'firmware')
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged && existsSync(join(packaged, 'firmware'))) return join(packaged, 'firmware')
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'resources', 'firmware', 'host', 'mf_platform_host.cpp'))) return join(dir, 'resources', 'firmware')
    dir = dirname(dir)
  }
  throw new MicroforgeError('INTERNAL', 'The firmware templates (resources/firmware) are missing from this installation.', 'Reinstall Microforge.')
}

/** Finds a file by name under dir (breadth first, a few levels), or null. */
async function findFile(dir: string, name: string, depth = 4): Promise<string | null> {
  let level = [dir]
  for (let d = 0; d <= depth && level.length; d++) {
    const next: string[] = []
    for (const folder of level) {
      let entries: Dirent[]
      try {
        entries = await fs.readdir(folder, { withFileTypes: true })
      } catch {
        continue
      }
      for (const e of entries) {
        if (e.isFile() && e.name === name) return join(folder, e.name)
        if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') next.push(join(folder, e.name))
      }
    }
    level = next
  }
  return null
}

/** The mode a generated firmware was built for, from its mf_config.h. */
export function firmwareModeOf(configHeader: string): FirmwareMode | null {
  for (const m of ['profile', 'classify', 'capture'] as const) {
    if (new RegExp(`#define\\s+MF_MODE_${m.toUpperCase()}\\s+1\\b`).test(configHeader)) return m
  }
  return null
}

async function modeOfDir(sourceDir: string): Promise<FirmwareMode | null> {
  try {
    return firmwareModeOf(await fs.readFile(join(sourceDir, 'mf_config.h'), 'utf8'))
  } catch {
    return null
  }
}

/**
 * The newest firmware folder of the project generated for the C runtime, preferring the given
 * mode (profile firmware for profiling).
 */
export async function newestCRuntimeFirmware(projectDir: string, prefer: FirmwareMode = 'profile'): Promise<string> {
  const root = join(projectDir, 'firmware')
  let entries: Dirent[] = []
  try {
    entries = await fs.readdir(root, { withFileTypes: true })
  } catch {
    entries = []
  }
  const candidates: { dir: string; mtime: number; mode: FirmwareMode | null }[] = []
  for (const e of entries) {
    if (!e.isDirectory()) continue
    const infer = await findFile(join(root, e.name), 'mf_infer_c.cpp')
    if (infer) candidates.push({ dir: join(root, e.name), mtime: (await fs.stat(infer)).mtimeMs, mode: await modeOfDir(dirname(infer)) })
  }
  candidates.sort((a, b) => Number(b.mode === prefer) - Number(a.mode === prefer) || b.mtime - a.mtime)
  if (!candidates.length) {
    throw new MicroforgeError(
      'NOT_FOUND',
      'The project has no firmware with the Microforge C runtime for the virtual board to run.',
      `In Deploy, generate firmware with the C runtime, ${prefer} mode; then start the virtual board again.`
    )
  }
  return candidates[0].dir
}

function run(cmd: string, args: string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { cwd, maxBuffer: 8 * 1024 * 1024, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) rej(Object.assign(err, { stdout, stderr }))
      else res({ stdout, stderr })
    })
  )
}

async function compilerVersion(cmd: string): Promise<string> {
  try {
    return (await run(cmd, ['-dumpfullversion'])).stdout.trim()
  } catch {
    throw new MicroforgeError(
      'UNSUPPORTED',
      `The virtual board needs a C and C++ compiler (${cmd}) on this computer, and none was found.`,
      'Install them (Debian/Ubuntu: sudo apt install g++), then start the virtual board again.'
    )
  }
}

/**
 * Compiles a generated firmware project for this computer. Builds are cached by the hash of every
 * source and header, so starting the virtual board again costs nothing.
 */
export async function buildHostFirmware(firmwareDir: string): Promise<HostFirmwareBuild> {
  const fwDir = resolve(firmwareDir)
  const app = await findFile(fwDir, 'mf_app.cpp')
  if (!app) {
    throw new MicroforgeError(
      'UNSUPPORTED',
      `${fwDir} is not a firmware project generated by Microforge (it has no mf_app.cpp).`,
      'In Deploy, generate the firmware with the C runtime, then point the virtual board at that folder.'
    )
  }
  const sourceDir = dirname(app)
  const names = await fs.readdir(sourceDir)
  const mode = (await modeOfDir(sourceDir)) ?? 'profile'
  // Capture firmware has no model: it streams samples at the project's rate, in real time here too.
  if (mode !== 'capture' && !names.includes('mf_infer_c.cpp')) {
    throw new MicroforgeError(
      'UNSUPPORTED',
      names.includes('mf_infer_tflm.cpp')
        ? 'This firmware uses TensorFlow Lite Micro, which the virtual board cannot build on this computer.'
        : `${sourceDir} has no model code (capture firmware streams samples only).`,
      'In Deploy, generate the same firmware with the Microforge C runtime for the virtual board.'
    )
  }
  const host = join(firmwareResourcesDir(), 'host')
  const cSources = names.filter((n) => n.endsWith('.c') && !BOARD_ONLY.test(n)).map((n) => join(sourceDir, n))
  const cppSources = [...names.filter((n) => /\.(cc|cpp)$/.test(n) && !BOARD_ONLY.test(n) && n !== 'mf_infer_tflm.cpp').map((n) => join(sourceDir, n)), join(host, 'mf_platform_host.cpp')]
  const headers = names.filter((n) => n.endsWith('.h')).map((n) => join(sourceDir, n))

  const [gccVersion, gxxVersion] = [await compilerVersion('gcc'), await compilerVersion('g++')]
  const cFlags = ['-std=c99', OPT, `-I${sourceDir}`]
  const cxxFlags = ['-std=c++11', OPT, `-DMF_HOST_OPT="${OPT}"`, `-I${sourceDir}`]
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ cFlags, cxxFlags, gccVersion, gxxVersion }))
  for (const f of [...cSources, ...cppSources, ...headers].sort()) hash.update(f).update(await fs.readFile(f))
  const outDir = join(tmpdir(), 'microforge-virtual-board', hash.digest('hex').slice(0, 16))
  const binary = join(outDir, `board-${mode}`)
  const description = `host ${arch()}, g++ ${gxxVersion} ${OPT}`
  if (existsSync(binary)) return { binary, mode, sourceDir, description }
  await fs.mkdir(outDir, { recursive: true })
  const objDir = await fs.mkdtemp(join(outDir, 'obj-'))
  const tmpBinary = `${binary}.${process.pid}.tmp`
  try {
    const objects: string[] = []
    for (const [i, src] of [...cSources, ...cppSources].entries()) {
      const obj = join(objDir, `${i}.o`)
      const isC = src.endsWith('.c')
      await run(isC ? 'gcc' : 'g++', [...(isC ? cFlags : cxxFlags), '-c', src, '-o', obj])
      objects.push(obj)
    }
    await run('g++', [...objects, '-lm', '-o', tmpBinary])
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message)
    throw new MicroforgeError(
      'MODEL_ERROR',
      `The generated firmware did not compile for the virtual board: ${stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 3).join(' ') || stderr.slice(0, 400)}`,
      'Generate the firmware again in Deploy; if it still fails, report it with this message.'
    )
  } finally {
    await fs.rm(objDir, { recursive: true, force: true })
  }
  // Renamed into place only when complete, so a cached binary is never a half-written one.
  await fs.rename(tmpBinary, binary)
  return { binary, mode, sourceDir, description }
}

export interface DatasetWindows {
  file: string
  /** Sample ids in the order the virtual board reads them; `window:N` in its output is ids[N]. */
  ids: string[]
}

/**
 * Writes the project's windows as the host HAL reads them: one sample per line, the six sensor
 * channels aX aY aZ gX gY gZ (missing ones 0), a blank line between windows. The test split comes
 * first because those are the windows the model has not seen.
 */
export async function writeDatasetWindows(projectDir: string, outFile: string, limit = 200): Promise<DatasetWindows | null> {
  const folder = join(projectDir, 'samples')
  let names: string[]
  try {
    names = (await fs.readdir(folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  } catch {
    return null
  }
  const windows: SampleFile[] = []
  for (const n of names) {
    try {
      const w = JSON.parse(await fs.readFile(join(folder, n), 'utf8')) as SampleFile
      if (Array.isArray(w.values) && Array.isArray(w.axes) && w.values.length) windows.push(w)
    } catch {
      // A damaged sample file is skipped here; the Capture step reports it.
    }
  }
  if (!windows.length) return null
  windows.sort((a, b) => (a.split === b.split ? a.id.localeCompare(b.id) : a.split === 'test' ? -1 : 1))
  const chosen = windows.slice(0, limit)
  const lines: string[] = []
  for (const w of chosen) {
    const channels = w.axes.map((a) => sensorChannel(a))
    for (const row of w.values) {
      const six = [0, 0, 0, 0, 0, 0]
      channels.forEach((ch, i) => {
        if (ch >= 0 && Number.isFinite(row[i])) six[ch] = row[i]
      })
      lines.push(six.join(' '))
    }
    lines.push('')
  }
  await fs.mkdir(dirname(outFile), { recursive: true })
  await fs.writeFile(outFile, lines.join('\n') + '\n')
  return { file: outFile, ids: chosen.map((w) => w.id) }
}

export interface VirtualBoardOptions {
  binary: string
  /** Run this command line instead of the host binary's own (QEMU); the options below are then unused. */
  command?: string[]
  windowsFile?: string
  /** Stop after this many windows (default: run until stopped). */
  count?: number
  /** Windows per second (default 20; 0 = as fast as the code runs). */
  rate?: number
  /** Where the pseudo-terminal's symlink goes (default: a temporary path). */
  link?: string
  /**
   * Wait before the first line. Opening a serial port flushes what is queued, so a reader that opens
   * the port right after the link appears needs the board to wait a moment, as boards do with
   * `while (!Serial)`.
   */
  startDelayMs?: number
}

export interface RunningVirtualBoard {
  link: string
  /** Resolves when socat (and with it the firmware) has exited. */
  exited: Promise<number | null>
  stop(): Promise<void>
}

/** Starts the firmware behind a socat pseudo-terminal and resolves once the link exists. */
export async function startVirtualBoard(opts: VirtualBoardOptions): Promise<RunningVirtualBoard> {
  const link = opts.link ? resolve(opts.link) : join(tmpdir(), 'microforge-virtual-board', `tty-${process.pid}-${Date.now().toString(36)}`)
  await fs.mkdir(dirname(link), { recursive: true })
  await fs.rm(link, { force: true })
  const args = opts.command ? [...opts.command] : [opts.binary, '--rate', String(opts.rate ?? 20)]
  if (!opts.command) {
    if (opts.windowsFile) args.push('--windows', opts.windowsFile)
    if (opts.count) args.push('--count', String(opts.count))
    if (opts.startDelayMs) args.push('--start-delay-ms', String(Math.round(opts.startDelayMs)))
  }
  // socat's EXEC splits its command on spaces and treats some characters specially; refuse them
  // rather than run something else.
  for (const a of [...args, link]) {
    if (/[\s,:!'"\\]/.test(a)) throw new MicroforgeError('INVALID_ARGUMENT', `The virtual board cannot use the path "${a}" (spaces and punctuation confuse socat).`, 'Use a path without spaces.')
  }
  let child: ChildProcess
  try {
    child = spawn('socat', [`PTY,link=${link},raw,echo=0`, `EXEC:${args.join(' ')}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    throw socatMissing()
  }
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code))
    child.once('error', () => res(null))
  })
  const spawnError = new Promise<Error>((res) => child.once('error', res))
  const deadline = Date.now() + 10_000
  while (!existsSync(link)) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 20))])
    if (failed) throw (failed as NodeJS.ErrnoException).code === 'ENOENT' ? socatMissing() : failed
    if (child.exitCode !== null) throw new MicroforgeError('DEVICE_ERROR', `The virtual board stopped at once: ${stderr.trim().split('\n').pop() ?? ''}`, 'Check that socat works (socat -V).')
    if (Date.now() > deadline) {
      child.kill('SIGTERM')
      throw new MicroforgeError('DEVICE_ERROR', 'The virtual board did not create its pseudo-terminal within 10 s.', 'Check that socat works (socat -V).')
    }
  }
  return {
    link,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
        await exited
        clearTimeout(timer)
      }
      await fs.rm(link, { force: true }).catch(() => undefined)
    }
  }
}

function socatMissing(): MicroforgeError {
  return new MicroforgeError('UNSUPPORTED', 'The virtual board needs socat, which is not installed.', 'Install it (Debian/Ubuntu: sudo apt install socat), then start the virtual board again.')
}

export interface ProjectFirmwareBoardOptions {
  /** Default: the project's newest C-runtime firmware, preferring `prefer` mode. */
  firmwareDir?: string
  prefer?: FirmwareMode
  /** Feed the project's dataset windows (default) or the synthetic gestures. */
  windows?: 'dataset' | 'synthetic'
  link?: string
  rate?: number
  count?: number
  startDelayMs?: number
}

export interface ProjectFirmwareBoard extends RunningVirtualBoard {
  firmwareDir: string
  build: HostFirmwareBuild
  /** The dataset windows it reads, in order; `window:N` in its output is windowIds[N]. */
  windowIds?: string[]
}

/**
 * One call for any step that wants the virtual board running a project's generated firmware (the
 * Profile step, and the Connect step's "Virtual board"): pick, build, feed and start it.
 */
export async function startProjectFirmwareBoard(projectDir: string | null, opts: ProjectFirmwareBoardOptions = {}): Promise<ProjectFirmwareBoard> {
  if (projectDir === null && !opts.firmwareDir) throw new MicroforgeError('INVALID_ARGUMENT', 'Say which firmware to run: a project, or a firmware folder.', 'Generate firmware in the Deploy step first.')
  if (projectDir === null && opts.windows === 'dataset') throw new MicroforgeError('INVALID_ARGUMENT', 'Dataset windows need a project.', 'Give the project whose windows the board should read.')
  const firmwareDir = opts.firmwareDir ? resolve(opts.firmwareDir) : await newestCRuntimeFirmware(projectDir!, opts.prefer)
  const build = await buildHostFirmware(firmwareDir)
  const work = await fs.mkdtemp(join(tmpdir(), 'microforge-vb-'))
  try {
    const windows = opts.windows === 'synthetic' || projectDir === null ? null : await writeDatasetWindows(projectDir, join(work, 'windows.txt'))
    if (!windows && opts.windows === 'dataset') {
      throw new MicroforgeError('NOT_FOUND', `${resolve(projectDir!)} has no dataset windows to feed the board.`, 'Record or import windows first, or choose synthetic gestures.')
    }
    const board = await startVirtualBoard({
      binary: build.binary,
      ...(opts.rate === undefined ? {} : { rate: opts.rate }),
      ...(opts.count ? { count: opts.count } : {}),
      ...(opts.link ? { link: opts.link } : {}),
      ...(opts.startDelayMs ? { startDelayMs: opts.startDelayMs } : {}),
      ...(windows ? { windowsFile: windows.file } : {})
    })
    return {
      ...board,
      firmwareDir,
      build,
      ...(windows ? { windowIds: windows.ids } : {}),
      async stop() {
        await board.stop()
        await fs.rm(work, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await fs.rm(work, { recursive: true, force: true })
    throw err
  }
}

/**
 * The stretch path: the same generated firmware built with arm-none-eabi-gcc for a Cortex-M4F and
 * run in QEMU's mps2-an386 machine with `-icount shift=0`, where virtual time advances exactly 1 ns
 * per executed instruction. The QEMU port (resources/firmware/qemu) turns the timer into
 * nanoseconds at the target's clock at one cycle per instruction, so its timings count the
 * instructions the board's CPU would run (no flash wait states, no multi-cycle instructions).
 */
export interface QemuFirmwareBuild {
  elf: string
  mode: FirmwareMode
  sourceDir: string
  targetMHz: number
  /** Flash (text + rodata + data) and RAM (data + bss) from arm-none-eabi-size. */
  flashBytes: number
  ramBytes: number
  description: string
}

const ARM_FLAGS = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', OPT, '-ffunction-sections', '-fdata-sections']

export async function buildQemuFirmware(firmwareDir: string, targetMHz = 64): Promise<QemuFirmwareBuild> {
  const fwDir = resolve(firmwareDir)
  const app = await findFile(fwDir, 'mf_app.cpp')
  if (!app || !existsSync(join(dirname(app), 'mf_infer_c.cpp'))) {
    throw new MicroforgeError('UNSUPPORTED', `${fwDir} is not C-runtime firmware generated by Microforge.`, 'In Deploy, generate the firmware with the Microforge C runtime.')
  }
  const sourceDir = dirname(app)
  const names = await fs.readdir(sourceDir)
  const mode = (await modeOfDir(sourceDir)) ?? 'profile'
  const qemuDir = join(firmwareResourcesDir(), 'qemu')
  const cSources = [...names.filter((n) => n.endsWith('.c') && !BOARD_ONLY.test(n)).map((n) => join(sourceDir, n)), join(qemuDir, 'startup_mps2.c')]
  const cppSources = [...names.filter((n) => /\.(cc|cpp)$/.test(n) && !BOARD_ONLY.test(n) && n !== 'mf_infer_tflm.cpp').map((n) => join(sourceDir, n)), join(qemuDir, 'mf_platform_mps2.cpp')]
  const headers = names.filter((n) => n.endsWith('.h')).map((n) => join(sourceDir, n))
  let version: string
  try {
    version = (await run('arm-none-eabi-gcc', ['-dumpfullversion'])).stdout.trim()
  } catch {
    throw new MicroforgeError('UNSUPPORTED', 'The emulated board needs the Arm cross compiler (arm-none-eabi-gcc).', 'Install it (Debian/Ubuntu: sudo apt install gcc-arm-none-eabi libnewlib-arm-none-eabi).')
  }
  const defines = [`-DMF_QEMU_TARGET_MHZ=${Math.round(targetMHz)}`]
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ ARM_FLAGS, defines, version }))
  for (const f of [...cSources, ...cppSources, ...headers, join(qemuDir, 'mps2_an386.ld')].sort()) hash.update(f).update(await fs.readFile(f))
  const outDir = join(tmpdir(), 'microforge-virtual-board', `qemu-${hash.digest('hex').slice(0, 16)}`)
  const elf = join(outDir, `firmware-${mode}.elf`)
  if (!existsSync(elf)) {
    await fs.mkdir(outDir, { recursive: true })
    const objDir = await fs.mkdtemp(join(outDir, 'obj-'))
    const tmpElf = `${elf}.${process.pid}.tmp`
    try {
      const objects: string[] = []
      for (const [i, src] of [...cSources, ...cppSources].entries()) {
        const obj = join(objDir, `${i}.o`)
        const isC = src.endsWith('.c')
        const lang = isC ? ['-std=c99'] : ['-std=c++11', '-fno-exceptions', '-fno-rtti', '-fno-threadsafe-statics']
        await run(isC ? 'arm-none-eabi-gcc' : 'arm-none-eabi-g++', [...ARM_FLAGS, ...lang, ...defines, `-I${sourceDir}`, '-c', src, '-o', obj])
        objects.push(obj)
      }
      // Linked by gcc, not g++: the firmware uses no C++ library, and newlib-nano has no libstdc++.
      await run('arm-none-eabi-gcc', [...ARM_FLAGS, '-T', join(qemuDir, 'mps2_an386.ld'), '-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-Wl,--gc-sections', ...objects, '-lm', '-o', tmpElf])
    } catch (err) {
      const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message)
      throw new MicroforgeError('MODEL_ERROR', `The firmware did not build for the emulated Cortex-M4: ${stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 3).join(' ') || stderr.slice(0, 400)}`, 'Generate the firmware again in Deploy.')
    } finally {
      await fs.rm(objDir, { recursive: true, force: true })
    }
    await fs.rename(tmpElf, elf)
  }
  const size = (await run('arm-none-eabi-size', [elf])).stdout.trim().split('\n').pop()!.trim().split(/\s+/).map(Number)
  const [text, data, bss] = size
  return {
    elf,
    mode,
    sourceDir,
    targetMHz,
    flashBytes: text + data,
    ramBytes: data + bss,
    description: `QEMU mps2-an386 Cortex-M4F, arm-none-eabi-gcc ${version} ${OPT}, instruction counts at ${targetMHz} MHz (1 cycle per instruction)`
  }
}

/** Starts QEMU on the firmware behind a socat pseudo-terminal (its UART0 on QEMU's stdio). */
export async function startQemuBoard(build: QemuFirmwareBuild, link?: string): Promise<RunningVirtualBoard> {
  try {
    await run('qemu-system-arm', ['--version'])
  } catch {
    throw new MicroforgeError('UNSUPPORTED', 'The emulated board needs QEMU (qemu-system-arm).', 'Install it (Debian/Ubuntu: sudo apt install qemu-system-arm).')
  }
  return startVirtualBoard({
    binary: 'qemu-system-arm',
    command: ['qemu-system-arm', '-M', 'mps2-an386', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-icount', 'shift=0', '-kernel', build.elf],
    ...(link ? { link } : {})
  })
}
