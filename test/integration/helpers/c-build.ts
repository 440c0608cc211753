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
export const sharedDir = path.resolve(repoRoot, '..', 'shared')

export const STRICT = ['-std=c99', '-Wall', '-Wextra', '-Werror', '-pedantic']
export const M4 = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-Os']

export function writeFiles(files: GeneratedFile[], prefix = 'mf-deploy-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  for (const f of files) writeFileSync(path.join(dir, f.path), f.contents)
  return dir
}

/** Host build of the generated model with the stdin/stdout harness; returns the binary path. */
export function buildHost(dir: string): string {
  const bin = path.join(dir, 'model_host')
  execFileSync('gcc', [...STRICT, '-O2', `-I${dir}`, `-I${runtimeDir}`, path.join(fixturesDir, 'host_main.c'), path.join(dir, 'mf_model.c'), path.join(runtimeDir, 'mf_runtime.c'), '-o', bin])
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

export function readShared(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(path.join(sharedDir, ...parts)))
}
