/**
 * The virtual board's builder for an emulated Cortex-M4F: the same generated firmware built with
 * arm-none-eabi-gcc and run in QEMU's mps2-an386 machine with `-icount shift=0`, where virtual time
 * advances exactly 1 ns per executed instruction. The QEMU port (resources/firmware/qemu) turns the
 * timer into nanoseconds at the target's clock at one cycle per instruction, so its timings count
 * the instructions the board's CPU would run (no flash wait states, no multi-cycle instructions).
 * TensorFlow Lite Micro firmware links one of the SDK's Cortex-M4 libraries: reference kernels or
 * CMSIS-NN.
 */
import { createHash } from 'node:crypto'
import { existsSync, promises as fs } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../../shared/errors'
import { buildTflmProgram, M4_ARCH, run } from '../tflm-build'
import { resolveTflmSdk, type TflmKernels } from '../tflm-sdk'
import { sensorWindowsHeader } from './dataset-windows'
import { firmwareResourcesDir, firmwareSources, RUNTIME_TITLES, type FirmwareMode, type FirmwareRuntime } from './firmware-folder'
import { buildFailure, OPT, portableSources, tflmCompatDir, type FirmwareBuildOptions } from './host-build'

export interface QemuFirmwareBuild {
  elf: string
  mode: FirmwareMode
  runtime: FirmwareRuntime
  /** TFLM only: the kernel set linked. */
  kernels?: TflmKernels
  sourceDir: string
  targetMHz: number
  /** Flash (text + rodata + data) and RAM (data + bss) from arm-none-eabi-size. */
  flashBytes: number
  ramBytes: number
  description: string
}

export interface QemuBuildOptions extends FirmwareBuildOptions {
  /** TFLM firmware: the SDK's kernel set to link (default reference). */
  kernels?: TflmKernels
  /** Sensor windows (six channels per sample) compiled into the image; default: synthetic gestures. */
  windows?: number[][][] | null
}

/** The windows header in a folder of its own (named by its content, so builds stay cached). */
async function windowsIncludeDir(windows: number[][][]): Promise<string> {
  const header = sensorWindowsHeader(windows)
  const dir = join(tmpdir(), 'microforge-virtual-board', `qemu-windows-${createHash('sha256').update(header).digest('hex').slice(0, 16)}`)
  if (!existsSync(join(dir, 'mf_qemu_windows.h'))) {
    await fs.mkdir(dir, { recursive: true })
    const tmp = join(dir, `mf_qemu_windows.h.${process.pid}.tmp`)
    await fs.writeFile(tmp, header)
    await fs.rename(tmp, join(dir, 'mf_qemu_windows.h'))
  }
  return dir
}

const ARM_FLAGS = [...M4_ARCH, OPT, '-ffunction-sections', '-fdata-sections']

export async function buildQemuFirmware(firmwareDir: string, targetMHz = 64, opts: QemuBuildOptions = {}): Promise<QemuFirmwareBuild> {
  const fwDir = resolve(firmwareDir)
  const { sourceDir, names, mode, runtime } = await firmwareSources(fwDir)
  if (runtime === null) {
    throw new MicroforgeError('UNSUPPORTED', `${fwDir} has no model code for the emulated Cortex-M4 to time.`, 'In Deploy, generate the firmware in profile mode.')
  }
  const qemuDir = join(firmwareResourcesDir(), 'qemu')
  const src = portableSources(sourceDir, names, runtime)
  const startup = { source: join(qemuDir, 'startup_mps2.c'), linkerScript: join(qemuDir, 'mps2_an386.ld') }
  const windowsDir = opts.windows?.length ? await windowsIncludeDir(opts.windows) : null
  const defines = [`-DMF_QEMU_TARGET_MHZ=${Math.round(targetMHz)}`, ...(windowsDir ? ['-DMF_QEMU_DATASET=1'] : [])]
  const includeDirs = [sourceDir, ...(windowsDir ? [windowsDir] : [])]
  const timing = `instruction counts at ${targetMHz} MHz (1 cycle per instruction)`
  if (runtime === 'tflm') {
    const kernels = opts.kernels ?? 'reference'
    const sdk = resolveTflmSdk({ kind: 'm4', kernels }, opts.tflmSdkDir)
    const program = await buildTflmProgram(
      sdk,
      { kind: 'm4', kernels },
      { c: src.c, cpp: [...src.cpp, join(qemuDir, 'mf_platform_mps2.cpp')], includeDirs: [...includeDirs, tflmCompatDir()], defines },
      { opt: OPT, startup }
    )
    return {
      elf: program.path,
      mode,
      runtime,
      kernels,
      sourceDir,
      targetMHz,
      flashBytes: program.flashBytes ?? 0,
      ramBytes: program.ramBytes ?? 0,
      description: `QEMU mps2-an386 ${program.description}, ${timing}`
    }
  }

  const cSources = [...src.c, startup.source]
  const cppSources = [...src.cpp, join(qemuDir, 'mf_platform_mps2.cpp')]
  let version: string
  try {
    version = (await run('arm-none-eabi-gcc', ['-dumpfullversion'])).stdout.trim()
  } catch {
    throw new MicroforgeError('UNSUPPORTED', 'The emulated board needs the Arm cross compiler (arm-none-eabi-gcc).', 'Install it (Debian/Ubuntu: sudo apt install gcc-arm-none-eabi libnewlib-arm-none-eabi).')
  }
  const hash = createHash('sha256')
  hash.update(JSON.stringify({ ARM_FLAGS, defines, version }))
  const headers = [...src.headers, ...(windowsDir ? [join(windowsDir, 'mf_qemu_windows.h')] : [])]
  for (const f of [...cSources, ...cppSources, ...headers, startup.linkerScript].sort()) hash.update(f).update(await fs.readFile(f))
  const outDir = join(tmpdir(), 'microforge-virtual-board', `qemu-${hash.digest('hex').slice(0, 16)}`)
  const elf = join(outDir, `firmware-${mode}.elf`)
  if (!existsSync(elf)) {
    await fs.mkdir(outDir, { recursive: true })
    const objDir = await fs.mkdtemp(join(outDir, 'obj-'))
    const tmpElf = `${elf}.${process.pid}.tmp`
    try {
      const objects: string[] = []
      for (const [i, f] of [...cSources, ...cppSources].entries()) {
        const obj = join(objDir, `${i}.o`)
        const isC = f.endsWith('.c')
        const lang = isC ? ['-std=c99'] : ['-std=c++11', '-fno-exceptions', '-fno-rtti', '-fno-threadsafe-statics']
        await run(isC ? 'arm-none-eabi-gcc' : 'arm-none-eabi-g++', [...ARM_FLAGS, ...lang, ...defines, ...includeDirs.map((d) => `-I${d}`), '-c', f, '-o', obj])
        objects.push(obj)
      }
      // Linked by gcc, not g++: the C-runtime firmware uses no C++ library.
      await run('arm-none-eabi-gcc', [...ARM_FLAGS, '-T', startup.linkerScript, '-nostartfiles', '--specs=nano.specs', '--specs=nosys.specs', '-Wl,--gc-sections', ...objects, '-lm', '-o', tmpElf])
    } catch (err) {
      throw buildFailure('the emulated Cortex-M4', err)
    } finally {
      await fs.rm(objDir, { recursive: true, force: true })
    }
    await fs.rename(tmpElf, elf)
  }
  const [text, data, bss] = (await run('arm-none-eabi-size', [elf])).stdout.trim().split('\n').pop()!.trim().split(/\s+/).map(Number)
  return {
    elf,
    mode,
    runtime,
    sourceDir,
    targetMHz,
    flashBytes: text + data,
    ramBytes: data + bss,
    description: `QEMU mps2-an386 Cortex-M4F, ${RUNTIME_TITLES.c}, arm-none-eabi-gcc ${version} ${OPT}, ${timing}`
  }
}
