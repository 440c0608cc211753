/**
 * Builds one bench image for the emulated Cortex-M4F (QEMU mps2-an386) and runs it with
 * `-icount shift=0`: Microforge's generated C runtime, or TensorFlow Lite Micro (release archives,
 * reference or CMSIS-NN kernels) from the SDK in MICROFORGE_TFLM.
 * Start-up code and linker script are the SDK's, for every runtime, so flash deltas compare.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { GeneratedFile } from '../../src/main/core/codegen/c-runtime'

export const benchDir = path.dirname(new URL(import.meta.url).pathname)
export const repoRoot = path.resolve(benchDir, '..', '..')
const runtimeDir = path.join(repoRoot, 'resources', 'firmware', 'c-runtime')

/** One timer tick of the CMSDK timer at 25 MHz under -icount shift=0 (1 ns per instruction). */
export const INSTRUCTIONS_PER_TICK = 40

export function sdkDir(): string {
  const given = process.env.MICROFORGE_TFLM
  if (!given) throw new Error('MICROFORGE_TFLM is not set. Set it to the prebuilt TensorFlow Lite Micro SDK folder (it holds cortex-m4/reference/libtflm.a).')
  const dir = path.resolve(repoRoot, given)
  if (!existsSync(path.join(dir, 'cortex-m4', 'reference', 'libtflm.a'))) {
    throw new Error(`No TensorFlow Lite Micro SDK at ${dir}. Set MICROFORGE_TFLM to the prebuilt SDK folder (it holds cortex-m4/reference/libtflm.a).`)
  }
  return dir
}

const ARCH = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16']
const OPT = [process.env.MF_BENCH_OPT ?? '-Os', '-ffunction-sections', '-fdata-sections']
const CXX = ['-std=c++17', '-fno-rtti', '-fno-exceptions', '-fno-threadsafe-statics', '-DTF_LITE_STATIC_MEMORY', '-DNDEBUG', '-DTF_LITE_STRIP_ERROR_STRINGS']

export type Runtime = 'c' | 'c-before' | 'tflm-reference' | 'tflm-cmsis-nn'

export interface RunResult {
  instructions: number
  /** Per operator, in execution order, with the marker's own cost taken out. */
  opInstructions: number[]
  stackBytes: number
  arenaBytes: number
  /** text + data of the image minus the empty image. */
  flashBytes: number
  output: number[]
}

function run(cmd: string, args: string[], cwd?: string): string {
  return execFileSync(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
}

function flashOf(elf: string): number {
  const [text, data] = run('arm-none-eabi-size', ['-B', elf]).trim().split('\n')[1].trim().split(/\s+/).map(Number)
  return text + data
}

function qemu(elf: string): string {
  return execFileSync(
    'qemu-system-arm',
    ['-M', 'mps2-an386', '-cpu', 'cortex-m4', '-nographic', '-monitor', 'none', '-semihosting-config', 'enable=on,target=native', '-icount', 'shift=0', '-kernel', elf],
    { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }
  ).toString()
}

function link(work: string, objects: string[], name: string, cxx: boolean, libs: string[] = []): string {
  const sdk = sdkDir()
  const elf = path.join(work, `${name}.elf`)
  run(cxx ? 'arm-none-eabi-g++' : 'arm-none-eabi-gcc', [
    ...ARCH,
    '-nostartfiles',
    '-T',
    path.join(sdk, 'cortex-m4', 'mps2_an386.ld'),
    '-Wl,--gc-sections',
    '--specs=nano.specs',
    '--specs=nosys.specs',
    ...objects,
    ...libs,
    '-lm',
    '-o',
    elf
  ])
  return elf
}

function compileC(work: string, src: string, extra: string[] = []): string {
  const obj = path.join(work, `${path.basename(src)}.o`)
  run('arm-none-eabi-gcc', [...ARCH, ...OPT, '-std=c99', `-I${benchDir}`, `-I${work}`, `-I${runtimeDir}`, ...extra, '-c', src, '-o', obj])
  return obj
}

let shared: { work: string; objects: string[]; emptyFlash: number; markInstructions: number } | null = null

/** Start-up, bench hooks and the empty image, built once per process. */
function sharedParts(): NonNullable<typeof shared> {
  if (shared) return shared
  const work = mkdtempSync(path.join(tmpdir(), 'mf-bench-m4-'))
  const objects = [compileC(work, path.join(sdkDir(), 'cortex-m4', 'startup_mps2.c')), compileC(work, path.join(benchDir, 'bench_hooks.c'))]
  const empty = link(work, [...objects, compileC(work, path.join(benchDir, 'empty_main.c'))], 'empty', false)
  const marks = Number(/marks4000 (\d+)/.exec(qemu(empty))![1])
  shared = { work, objects, emptyFlash: flashOf(empty), markInstructions: (marks * INSTRUCTIONS_PER_TICK) / 4000 }
  return shared
}

export function markerInstructions(): number {
  return sharedParts().markInstructions
}

function parse(out: string, flash: number): RunResult {
  const s = sharedParts()
  const ops: number[] = []
  for (const m of out.matchAll(/^op (\d+) (\d+)$/gm)) ops[Number(m[1])] = Number(m[2]) * INSTRUCTIONS_PER_TICK - s.markInstructions
  const num = (key: string): number => {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(out)
    if (!m) throw new Error(`bench image printed no "${key}":\n${out}`)
    return Number(m[1])
  }
  const output = /^output(.*)$/m.exec(out)![1].trim().split(/\s+/).map(Number)
  return {
    instructions: num('total') * INSTRUCTIONS_PER_TICK - ops.length * s.markInstructions,
    opInstructions: ops,
    stackBytes: num('stack'),
    arenaBytes: num('arena'),
    flashBytes: flash - s.emptyFlash,
    output
  }
}

/** The generated C runtime (mf_model.c/.h) with its per-operator hook on the bench marker. */
export function runC(files: GeneratedFile[], name: string): RunResult {
  const s = sharedParts()
  const work = path.join(s.work, name)
  mkdirSync(work, { recursive: true })
  for (const f of files) writeFileSync(path.join(work, f.path), f.contents)
  const hook = ['-include', path.join(benchDir, 'bench_hooks.h'), '-DMF_PROFILE_OP(i)=mf_bench_mark(i)']
  const objects = [compileC(work, path.join(work, 'mf_model.c'), hook), compileC(work, path.join(runtimeDir, 'mf_runtime.c')), compileC(work, path.join(benchDir, 'c_main.c'))]
  const elf = link(work, [...s.objects, ...objects], 'c', false)
  return parse(qemu(elf), flashOf(elf))
}

/** TFLM with the model as a C array and the generated resolver (model_ops.h). */
export function runTflm(tflite: Uint8Array, modelOps: GeneratedFile, kernels: 'reference' | 'cmsis-nn', name: string): RunResult {
  const s = sharedParts()
  const sdk = sdkDir()
  const work = path.join(s.work, `${name}-${kernels}`)
  mkdirSync(work, { recursive: true })
  writeFileSync(path.join(work, modelOps.path), modelOps.contents)
  const bytes = Array.from(tflite, (b) => `0x${b.toString(16).padStart(2, '0')}`)
  const rows: string[] = []
  for (let i = 0; i < bytes.length; i += 24) rows.push(bytes.slice(i, i + 24).join(','))
  writeFileSync(path.join(work, 'model_data.cc'), `alignas(16) extern const unsigned char g_model_data[] = {\n${rows.join(',\n')}\n};\n`)
  const cxx = (src: string): string => {
    const obj = path.join(work, `${path.basename(src)}.o`)
    run('arm-none-eabi-g++', [...ARCH, ...OPT, ...CXX, '-isystem', path.join(sdk, 'include'), `-I${benchDir}`, `-I${work}`, '-c', src, '-o', obj])
    return obj
  }
  // tflm_main.cc depends on the model only through model_ops.h: one object per operator set.
  const key = createHash('sha256')
    .update(modelOps.contents)
    .update(readFileSync(path.join(benchDir, 'tflm_main.cc')))
    .update(readFileSync(path.join(benchDir, 'bench_hooks.h')))
    .update(sdk)
    .digest('hex')
    .slice(0, 16)
  const cacheDir = path.join(tmpdir(), 'microforge-bench-m4-cache')
  mkdirSync(cacheDir, { recursive: true })
  const cached = path.join(cacheDir, `tflm_main-${key}.o`)
  if (!existsSync(cached)) copyFileSync(cxx(path.join(benchDir, 'tflm_main.cc')), cached)
  const objects = [cached, cxx(path.join(work, 'model_data.cc'))]
  const elf = link(work, [...s.objects, ...objects], 'tflm', true, [path.join(sdk, 'cortex-m4', kernels, 'libtflm.a')])
  return parse(qemu(elf), flashOf(elf))
}
