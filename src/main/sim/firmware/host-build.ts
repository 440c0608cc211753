/**
 * The virtual board's builder for this computer: the firmware project Deploy writes (mf_app.cpp,
 * the inference glue, the model, preprocessing.h, mf_config.h) compiled with this computer's
 * gcc/g++ against the host port of the board services (resources/firmware/host/mf_platform_host.cpp,
 * which implements Deploy's mf_platform.h). C-runtime firmware needs only the compilers;
 * TensorFlow Lite Micro firmware links the TFLM SDK's host library (reference kernels). The
 * timings it prints are real timings of the generated code on this computer: host timings, never
 * to be mistaken for a board's.
 */
import { createHash } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import { arch, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../../shared/errors'
import { buildTflmProgram, run } from '../tflm-build'
import { resolveTflmSdk } from '../tflm-sdk'
import { BOARD_ONLY, firmwareResourcesDir, firmwareSources, RUNTIME_TITLES, type FirmwareMode, type FirmwareRuntime } from './firmware-folder'

export interface HostFirmwareBuild {
  binary: string
  mode: FirmwareMode
  /** Null for capture firmware, which runs no model. */
  runtime: FirmwareRuntime | null
  /** The folder holding the firmware's sources (mf_app.cpp). */
  sourceDir: string
  /** "host x64, g++ 12.2.0 -O2" */
  description: string
}

export interface FirmwareBuildOptions {
  /** The TFLM SDK folder (the app setting); MICROFORGE_TFLM when unset. Only TFLM firmware reads it. */
  tflmSdkDir?: string | null
}

export const OPT = '-O2'

/** Stands in for the Arduino library's umbrella header when a sketch builds against a plain SDK. */
export function tflmCompatDir(): string {
  return join(firmwareResourcesDir(), 'tflm-compat')
}

/** The firmware's portable sources: everything but the board files, and the other runtime's glue. */
export function portableSources(sourceDir: string, names: readonly string[], runtime: FirmwareRuntime | null): { c: string[]; cpp: string[]; headers: string[] } {
  const other = runtime === 'tflm' ? 'mf_infer_c.cpp' : 'mf_infer_tflm.cpp'
  return {
    c: names.filter((n) => n.endsWith('.c') && !BOARD_ONLY.test(n)).map((n) => join(sourceDir, n)),
    cpp: names.filter((n) => /\.(cc|cpp)$/.test(n) && !BOARD_ONLY.test(n) && n !== other).map((n) => join(sourceDir, n)),
    headers: names.filter((n) => n.endsWith('.h')).map((n) => join(sourceDir, n))
  }
}

export function buildFailure(where: string, err: unknown): MicroforgeError {
  if (err instanceof MicroforgeError) return err
  const stderr = String((err as { stderr?: string }).stderr ?? (err as Error).message)
  return new MicroforgeError(
    'MODEL_ERROR',
    `The generated firmware did not compile for ${where}: ${stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 3).join(' ') || stderr.slice(0, 400)}`,
    'Generate the firmware again in Deploy; if it still fails, report it with this message.'
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
export async function buildHostFirmware(firmwareDir: string, opts: FirmwareBuildOptions = {}): Promise<HostFirmwareBuild> {
  const { sourceDir, names, mode, runtime } = await firmwareSources(resolve(firmwareDir))
  // Capture firmware has no model: it streams samples at the project's rate, in real time here too.
  if (mode !== 'capture' && runtime === null) {
    throw new MicroforgeError('UNSUPPORTED', `${sourceDir} has no model code (capture firmware streams samples only).`, 'In Deploy, generate the firmware in classify or profile mode.')
  }
  const src = portableSources(sourceDir, names, runtime)
  const platform = join(firmwareResourcesDir(), 'host', 'mf_platform_host.cpp')
  if (runtime === 'tflm') {
    const sdk = resolveTflmSdk({ kind: 'host' }, opts.tflmSdkDir)
    const program = await buildTflmProgram(
      sdk,
      { kind: 'host' },
      { c: src.c, cpp: [...src.cpp, platform], includeDirs: [sourceDir, tflmCompatDir()], defines: [`-DMF_HOST_OPT="${OPT}"`] },
      { opt: OPT }
    )
    return { binary: program.path, mode, runtime, sourceDir, description: program.description }
  }

  const [gccVersion, gxxVersion] = [await compilerVersion('gcc'), await compilerVersion('g++')]
  const cFlags = ['-std=c99', OPT, `-I${sourceDir}`]
  const cxxFlags = ['-std=c++11', OPT, `-DMF_HOST_OPT="${OPT}"`, `-I${sourceDir}`]
  const cppSources = [...src.cpp, platform]
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ cFlags, cxxFlags, gccVersion, gxxVersion }))
  for (const f of [...src.c, ...cppSources, ...src.headers].sort()) hash.update(f).update(await fs.readFile(f))
  const outDir = join(tmpdir(), 'microforge-virtual-board', hash.digest('hex').slice(0, 16))
  const binary = join(outDir, `board-${mode}`)
  const description = `host ${arch()}, ${runtime === 'c' ? `${RUNTIME_TITLES.c}, ` : ''}g++ ${gxxVersion} ${OPT}`
  if (existsSync(binary)) return { binary, mode, runtime, sourceDir, description }
  await fs.mkdir(outDir, { recursive: true })
  const objDir = await fs.mkdtemp(join(outDir, 'obj-'))
  const tmpBinary = `${binary}.${process.pid}.tmp`
  try {
    const objects: string[] = []
    for (const [i, f] of [...src.c, ...cppSources].entries()) {
      const obj = join(objDir, `${i}.o`)
      const isC = f.endsWith('.c')
      await run(isC ? 'gcc' : 'g++', [...(isC ? cFlags : cxxFlags), '-c', f, '-o', obj])
      objects.push(obj)
    }
    await run('g++', [...objects, '-lm', '-o', tmpBinary])
  } catch (err) {
    throw buildFailure('the virtual board', err)
  } finally {
    await fs.rm(objDir, { recursive: true, force: true })
  }
  // Renamed into place only when complete, so a cached binary is never a half-written one.
  await fs.rename(tmpBinary, binary)
  return { binary, mode, runtime, sourceDir, description }
}
