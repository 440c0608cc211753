/**
 * Compiling generated C in tests: host gcc for bit-exactness runs, arm-none-eabi-gcc for sizes.
 * Everything goes to os.tmpdir().
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { GeneratedFile } from '../../../src/main/core/codegen/c-runtime'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const runtimeDir = path.join(repoRoot, 'resources', 'firmware', 'c-runtime')
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'deploy')

export const STRICT = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic']
export const M4 = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-Os']

export function writeFiles(files: GeneratedFile[], prefix = 'mf-deploy-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  for (const f of files) writeFileSync(path.join(dir, f.path), f.contents)
  return dir
}

let runtimeObject: string | null = null

/** mf_runtime.c compiled once per test process: every model links the same object. */
function hostRuntimeObject(): string {
  if (!runtimeObject) {
    const obj = path.join(mkdtempSync(path.join(tmpdir(), 'mf-runtime-')), 'mf_runtime.o')
    execFileSync('gcc', [...STRICT, '-O2', `-I${runtimeDir}`, '-c', path.join(runtimeDir, 'mf_runtime.c'), '-o', obj])
    runtimeObject = obj
  }
  return runtimeObject
}

/** Host build of the generated model with the stdin/stdout harness; returns the binary path. */
export function buildHost(dir: string): string {
  const bin = path.join(dir, 'model_host')
  execFileSync('gcc', [...STRICT, '-O2', `-I${dir}`, `-I${runtimeDir}`, path.join(fixturesDir, 'host_main.c'), path.join(dir, 'mf_model.c'), hostRuntimeObject(), '-o', bin])
  return bin
}

export function runHost(bin: string, input: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync(bin, [], { input, maxBuffer: 64 * 1024 * 1024 }))
}

export interface ArmSize {
  text: number
  data: number
  bss: number
  /** text includes .rodata in arm-none-eabi-size's Berkeley format. */
  flash: number
  ram: number
}

export function armSize(elf: string): ArmSize {
  const out = execFileSync('arm-none-eabi-size', ['-B', elf]).toString().trim().split('\n')[1].trim().split(/\s+/).map(Number)
  const [text, data, bss] = out
  return { text, data, bss, flash: text + data, ram: data + bss }
}

/**
 * Links the model for a Cortex-M4 with newlib (nosys) and garbage collection of unused sections,
 * and an empty image the same way, so size differences are the model and runtime alone.
 */
export function buildArm(dir: string): { elf: string; model: ArmSize; baseline: ArmSize } {
  const common = [...STRICT, ...M4, '-ffunction-sections', '-fdata-sections', '-Wl,--gc-sections', '--specs=nosys.specs']
  const elf = path.join(dir, 'model_m4.elf')
  execFileSync('arm-none-eabi-gcc', [...common, `-I${dir}`, `-I${runtimeDir}`, path.join(fixturesDir, 'arm_main.c'), path.join(dir, 'mf_model.c'), path.join(runtimeDir, 'mf_runtime.c'), '-o', elf])
  const emptyC = path.join(dir, 'empty.c')
  writeFileSync(emptyC, 'volatile int mf_sink;\nint main(void) { mf_sink = 0; return 0; }\n')
  const emptyElf = path.join(dir, 'empty_m4.elf')
  execFileSync('arm-none-eabi-gcc', [...common, emptyC, '-o', emptyElf])
  return { elf, model: armSize(elf), baseline: armSize(emptyElf) }
}

const M4_DIR = path.join(fixturesDir, 'm4')

function buildQemuImage(dir: string, runs: number): string {
  const elf = path.join(dir, `qemu_runs${runs}.elf`)
  execFileSync('arm-none-eabi-gcc', [
    ...STRICT,
    ...M4,
    '-ffunction-sections',
    '-fdata-sections',
    '-nostartfiles',
    '--specs=nosys.specs',
    '-Wl,--gc-sections',
    '-T',
    path.join(M4_DIR, 'mps2_an386.ld'),
    `-DMF_RUNS=${runs}`,
    `-I${dir}`,
    `-I${runtimeDir}`,
    path.join(M4_DIR, 'startup.c'),
    path.join(dir, 'mf_model.c'),
    path.join(runtimeDir, 'mf_runtime.c'),
    '-o',
    elf
  ])
  return elf
}

function qemuTraceCount(elf: string): number {
  const log = `${elf}.trace`
  // -singlestep: one guest instruction per translation block; exec,nochain: every block logged.
  execFileSync('qemu-system-arm', ['-machine', 'mps2-an386', '-nographic', '-semihosting', '-kernel', elf, '-singlestep', '-d', 'exec,nochain', '-D', log], { timeout: 120_000 })
  const text = readFileSync(log, 'utf8')
  let n = 0
  for (let i = text.indexOf('Trace '); i >= 0; i = text.indexOf('Trace ', i + 6)) n++
  return n
}

/**
 * Cortex-M4 instructions per inference, counted in QEMU (mps2-an386): the -Os image runs the model
 * once and twice, every executed instruction is logged, and the difference is one inference.
 */
export function countM4Instructions(dir: string): number {
  return qemuTraceCount(buildQemuImage(dir, 2)) - qemuTraceCount(buildQemuImage(dir, 1))
}

/** Host (x86-64) instructions inside mf_model_invoke() for one inference, from callgrind. */
export function callgrindHostInstructions(dir: string, bin: string, input: Uint8Array): number {
  const out = path.join(dir, 'callgrind.out')
  execFileSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${out}`, '--toggle-collect=mf_model_invoke', bin], { input, stdio: ['pipe', 'ignore', 'ignore'] })
  const summary = readFileSync(out, 'utf8').match(/^(?:summary|totals):\s*(\d+)/m)
  return summary ? Number(summary[1]) : NaN
}

export type QemuCore = 'cortex-m4' | 'cortex-m3'

/**
 * Runs the generated model in QEMU on every input and returns the raw output bytes per input:
 * cortex-m4 (mps2-an386, -mcpu=cortex-m4: the DSP path with SMLAD) or cortex-m3 (mps2-an385, no
 * DSP extension: the portable path on an Arm core). Inputs are compiled into the image.
 */
export function runQemu(dir: string, inputs: Uint8Array[], core: QemuCore = 'cortex-m4'): Uint8Array[] {
  const rows = inputs.map((x) => `  {${Array.from(new Int8Array(x.buffer, x.byteOffset, x.byteLength)).join(', ')}}`)
  writeFileSync(
    path.join(dir, 'mf_test_inputs.h'),
    `#define MF_TEST_COUNT ${inputs.length}\nstatic const int8_t mf_test_inputs[${inputs.length}][${inputs[0].byteLength}] = {\n${rows.join(',\n')}\n};\n`
  )
  const arch = core === 'cortex-m4' ? M4 : ['-mcpu=cortex-m3', '-mthumb', '-Os']
  const elf = path.join(dir, `io_${core}.elf`)
  execFileSync('arm-none-eabi-gcc', [
    ...STRICT,
    ...arch,
    '-ffunction-sections',
    '-fdata-sections',
    '-nostartfiles',
    '--specs=nosys.specs',
    '-Wl,--gc-sections',
    '-T',
    path.join(M4_DIR, 'mps2_an386.ld'),
    `-I${dir}`,
    `-I${runtimeDir}`,
    path.join(M4_DIR, 'qemu_io.c'),
    path.join(dir, 'mf_model.c'),
    path.join(runtimeDir, 'mf_runtime.c'),
    '-o',
    elf
  ])
  const machine = core === 'cortex-m4' ? 'mps2-an386' : 'mps2-an385'
  const out = execFileSync('qemu-system-arm', ['-M', machine, '-nographic', '-monitor', 'none', '-semihosting-config', 'enable=on,target=native', '-kernel', elf], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }).toString()
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[0-9a-f]+$/.test(l))
    .map((l) => Uint8Array.from(l.match(/../g)!.map((h) => parseInt(h, 16))))
}

/** The instructions of an ELF's disassembly (objdump -d), for checking which path was compiled. */
export function disassemble(elf: string): string {
  return execFileSync('arm-none-eabi-objdump', ['-d', elf], { maxBuffer: 64 * 1024 * 1024 }).toString()
}
