/**
 * Builds and runs programs that link TensorFlow Lite Micro: on this computer with g++ against the
 * SDK's host library, or for a Cortex-M4F with arm-none-eabi-g++ against one of its Cortex-M4
 * libraries (reference or CMSIS-NN kernels), run in QEMU's mps2-an386 machine. The virtual board
 * builds generated TFLM firmware with it; tests and the m4 benchmark build their own mains.
 * Builds are cached by the hash of every input, so a second build of the same firmware is free.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import { arch, tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import type { TflmSdk, TflmTarget } from './tflm-sdk'

export interface ProgramSources {
  c: string[]
  cpp: string[]
  /** Folders searched for "..." includes (the firmware's own source folder first). */
  includeDirs: string[]
  defines?: string[]
}

export interface BuiltTflmProgram {
  /** Host executable or Cortex-M4 ELF. */
  path: string
  target: TflmTarget
  description: string
  /** Cortex-M4 only: flash (text + data) and static RAM (data + bss) from arm-none-eabi-size. */
  flashBytes?: number
  ramBytes?: number
}

export interface TflmBuildOptions {
  /** Cortex-M4 only: start-up code and linker script (default: the SDK's mps2-an386 ones). */
  startup?: { source: string; linkerScript: string }
  /** Optimisation level of the firmware's own code (the library is prebuilt). Default -O2. */
  opt?: string
  /** Cache folder (default: the system temporary folder). */
  cacheDir?: string
}

export const M4_ARCH = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']
const CXX_COMMON = ['-std=c++17', '-fno-rtti', '-fno-exceptions', '-fno-threadsafe-statics', '-DTF_LITE_STATIC_MEMORY']
/**
 * The generated kTensorArenaSize fits a 32-bit board; TFLM's structs hold pointers, so a 64-bit
 * host needs more (model_ops.h reads this define). 1 MiB of static memory is nothing on a computer.
 */
const HOST_ARENA_BYTES = 1024 * 1024
/** The SDK's Cortex-M4 archives are release builds: code that includes TFLM headers must match. */
const M4_RELEASE = ['-DNDEBUG', '-DTF_LITE_STRIP_ERROR_STRINGS']

export function run(cmd: string, args: string[], timeoutMs = 600_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { maxBuffer: 32 * 1024 * 1024, timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) rej(Object.assign(err, { stdout, stderr }))
      else res({ stdout, stderr })
    })
  )
}

async function version(cmd: string, install: string): Promise<string> {
  try {
    return (await run(cmd, ['-dumpfullversion'])).stdout.trim()
  } catch {
    throw new MicroforgeError('UNSUPPORTED', `Building TensorFlow Lite Micro firmware needs ${cmd}, which was not found.`, `Install it (Debian/Ubuntu: sudo apt install ${install}).`)
  }
}

function firstErrors(err: unknown): string {
  const stderr = String((err as { stderr?: string }).stderr || (err as Error).message)
  return stderr.split('\n').filter((l) => /error|undefined reference/.test(l)).slice(0, 3).join(' ') || stderr.slice(0, 400)
}

export function targetLabel(target: TflmTarget): string {
  return target.kind === 'host' ? `host ${arch()}` : `Cortex-M4F ${target.kernels === 'cmsis-nn' ? 'CMSIS-NN' : 'reference'} kernels`
}

/** Compiles and links the sources against the SDK for the target; returns the cached program. */
export async function buildTflmProgram(sdk: TflmSdk, target: TflmTarget, src: ProgramSources, opts: TflmBuildOptions = {}): Promise<BuiltTflmProgram> {
  const opt = opts.opt ?? '-O2'
  const m4 = target.kind === 'm4'
  const [cc, cxx] = m4 ? ['arm-none-eabi-gcc', 'arm-none-eabi-g++'] : ['gcc', 'g++']
  const compilerVersion = await version(cxx, m4 ? 'gcc-arm-none-eabi libnewlib-arm-none-eabi' : 'g++')
  const library = m4 ? sdk.m4Library(target.kernels) : sdk.hostLibrary
  const startup = m4 ? (opts.startup ?? { source: join(sdk.dir, 'cortex-m4', 'startup_mps2.c'), linkerScript: join(sdk.dir, 'cortex-m4', 'mps2_an386.ld') }) : null
  const cSources = startup ? [...src.c, startup.source] : src.c
  const targetDefines = m4 ? [] : [`-DMF_TFLM_HOST_ARENA_BYTES=${HOST_ARENA_BYTES}`]
  const base = [...(m4 ? [...M4_ARCH, '-ffunction-sections', '-fdata-sections'] : []), opt, ...targetDefines, ...(src.defines ?? []), ...src.includeDirs.map((d) => `-I${d}`)]
  const cFlags = [...base, '-std=c99']
  const cxxFlags = [...base, ...CXX_COMMON, ...(m4 ? M4_RELEASE : []), '-isystem', sdk.include]
  const linkFlags = m4 ? [...M4_ARCH, '-nostartfiles', '-T', startup!.linkerScript, '-Wl,--gc-sections', '--specs=nano.specs', '--specs=nosys.specs'] : []

  const hash = createHash('sha256')
  const lib = await fs.stat(library)
  hash.update(JSON.stringify({ target, cFlags, cxxFlags, linkFlags, compilerVersion, library, libSize: lib.size, libTime: lib.mtimeMs }))
  const headers: string[] = []
  for (const d of src.includeDirs) {
    for (const n of (await fs.readdir(d)).filter((x) => x.endsWith('.h')).sort()) headers.push(join(d, n))
  }
  // Every object is cached by its flags, its source and the headers it can see, so a program that
  // shares a source with an earlier one (the start-up, a test main) compiles only what changed.
  const headerHash = createHash('sha256')
  for (const f of headers) headerHash.update(f).update(await fs.readFile(f))
  const headerDigest = headerHash.digest('hex')
  const cacheRoot = opts.cacheDir ?? join(tmpdir(), 'microforge-virtual-board')
  const objectKeys: string[] = []
  for (const f of [...cSources, ...src.cpp]) {
    const key = createHash('sha256')
      .update(JSON.stringify({ flags: f.endsWith('.c') ? cFlags : cxxFlags, compilerVersion, target, headerDigest }))
      .update(await fs.readFile(f))
      .digest('hex')
      .slice(0, 20)
    objectKeys.push(key)
    hash.update(key)
  }
  if (startup) hash.update(await fs.readFile(startup.linkerScript))
  const outDir = join(cacheRoot, `tflm-${hash.digest('hex').slice(0, 16)}`)
  const out = join(outDir, m4 ? 'firmware.elf' : 'firmware')
  const description = `${targetLabel(target)}, TensorFlow Lite Micro (${basename(sdk.dir)}), ${cxx} ${compilerVersion} ${opt}`
  if (!existsSync(out)) {
    await fs.mkdir(outDir, { recursive: true })
    const objDir = join(cacheRoot, 'tflm-objects')
    await fs.mkdir(objDir, { recursive: true })
    const tmpOut = `${out}.${process.pid}.tmp`
    try {
      const objects: string[] = []
      for (const [i, f] of [...cSources, ...src.cpp].entries()) {
        const obj = join(objDir, `${objectKeys[i]}.o`)
        if (!existsSync(obj)) {
          const isC = f.endsWith('.c')
          const tmpObj = `${obj}.${process.pid}.tmp`
          await run(isC ? cc : cxx, [...(isC ? cFlags : cxxFlags), '-c', f, '-o', tmpObj])
          await fs.rename(tmpObj, obj)
        }
        objects.push(obj)
      }
      await run(cxx, [...linkFlags, ...objects, library, '-lm', '-o', tmpOut])
    } catch (err) {
      throw new MicroforgeError(
        'MODEL_ERROR',
        `The TensorFlow Lite Micro firmware did not build for ${targetLabel(target)}: ${firstErrors(err)}`,
        'Check that the TFLM SDK matches the layout Microforge expects (include/, host/, cortex-m4/); generate the firmware again in Deploy.'
      )
    }
    // Renamed into place only when complete, so a cached program is never a half-written one.
    await fs.rename(tmpOut, out)
  }
  if (!m4) return { path: out, target, description }
  const [text, data, bss] = (await run('arm-none-eabi-size', [out])).stdout.trim().split('\n').pop()!.trim().split(/\s+/).map(Number)
  return { path: out, target, description, flashBytes: text + data, ramBytes: data + bss }
}

/** The QEMU command line that runs a Cortex-M4 ELF; its UART0 is QEMU's stdout. */
export function qemuCommand(elf: string, opts: { icount?: boolean } = {}): string[] {
  return [
    'qemu-system-arm', '-M', 'mps2-an386', '-cpu', 'cortex-m4', '-display', 'none', '-monitor', 'none', '-serial', 'stdio',
    '-semihosting-config', 'enable=on,target=native', ...(opts.icount ? ['-icount', 'shift=0'] : []), '-kernel', elf
  ]
}

export interface ProgramRun {
  stdout: string
  /** Exit status: main()'s return value (QEMU: through semihosting; 99 after a fault). */
  status: number
}

/** Runs a built program to its end (QEMU exits through the SDK start-up's semihosting exit). */
export async function runTflmProgram(program: BuiltTflmProgram, opts: { args?: string[]; timeoutMs?: number; icount?: boolean } = {}): Promise<ProgramRun> {
  const [cmd, ...args] = program.target.kind === 'host' ? [program.path, ...(opts.args ?? [])] : qemuCommand(program.path, opts)
  try {
    const { stdout } = await run(cmd, args, opts.timeoutMs ?? 120_000)
    return { stdout: stdout.replace(/\r/g, ''), status: 0 }
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; killed?: boolean }
    if (e.killed) throw new Error(`${basename(program.path)} (${targetLabel(program.target)}) did not finish within ${opts.timeoutMs ?? 120_000} ms`)
    if (typeof e.code !== 'number') throw err
    return { stdout: String(e.stdout ?? '').replace(/\r/g, ''), status: e.code }
  }
}
