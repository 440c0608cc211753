/**
 * TensorFlow Lite Micro's arena on the Cortex-M4F, measured in QEMU: one ELF per model and kernel
 * set (test/helpers/firmware-check/mf_arena_main.cpp), run once per arena size, the size on QEMU's
 * command line. A run that crashes (TFLM does not always fail cleanly on too small an arena) counts
 * as "this size does not work", like a clean AllocateTensors() failure.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateModelData } from '../../../src/main/core/codegen/model-data'
import { buildTflmProgram, qemuCommand, type BuiltTflmProgram } from '../../../src/main/sim/tflm-build'
import type { TflmKernels, TflmSdk } from '../../../src/main/sim/tflm-sdk'
import { repoRoot } from '../../helpers/tmp'

const ARENA_MAIN = path.join(repoRoot, 'test', 'helpers', 'firmware-check', 'mf_arena_main.cpp')

export interface ArenaRun {
  /** AllocateTensors() and Invoke() succeeded. */
  ok: boolean
  /** Exit status; a signal (QEMU's "Lockup" abort) reads as 134. */
  status: number
  usedBytes: number | null
  /** The output tensors' bytes as hex, one string per output. */
  outputs: string[]
  stdout: string
}

/**
 * Builds the probe for one model and kernel set. model_data.h is the same for every model, in one
 * folder, so the probe's main compiles once per kernel set; only model_data.cc differs.
 */
export async function buildArenaProbe(sdk: TflmSdk, bytes: Uint8Array, kernels: TflmKernels): Promise<BuiltTflmProgram> {
  const [header] = generateModelData(new Uint8Array(0))
  const includeDir = path.join(tmpdir(), 'mf-arena-probe', 'include')
  mkdirSync(includeDir, { recursive: true })
  const headerPath = path.join(includeDir, header.path)
  if (!existsSync(headerPath)) {
    writeFileSync(`${headerPath}.${process.pid}.tmp`, header.contents)
    renameSync(`${headerPath}.${process.pid}.tmp`, headerPath)
  }
  const modelDir = path.join(tmpdir(), 'mf-arena-probe', createHash('sha256').update(bytes).digest('hex').slice(0, 16))
  mkdirSync(modelDir, { recursive: true })
  const source = generateModelData(bytes)[1]
  const sourcePath = path.join(modelDir, source.path)
  if (!existsSync(sourcePath)) {
    writeFileSync(`${sourcePath}.${process.pid}.${kernels}.tmp`, source.contents)
    renameSync(`${sourcePath}.${process.pid}.${kernels}.tmp`, sourcePath)
  }
  return buildTflmProgram(sdk, { kind: 'm4', kernels }, { c: [], cpp: [sourcePath, ARENA_MAIN], includeDirs: [includeDir] })
}

/** Runs the probe with `arenaBytes` (undefined: its whole 256 KiB buffer). */
export function runArenaProbe(program: BuiltTflmProgram, arenaBytes?: number): Promise<ArenaRun> {
  const [cmd, ...args] = qemuCommand(program.path)
  if (arenaBytes !== undefined) args.push('-append', String(arenaBytes))
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: 120_000, maxBuffer: 1024 * 1024 }, (err, out) => {
      const e = err as (Error & { code?: number | string; killed?: boolean; signal?: string }) | null
      if (e?.killed) return reject(new Error(`${program.path} with a ${arenaBytes ?? 'full'} B arena did not finish in 120 s`))
      if (e && typeof e.code !== 'number' && !e.signal) return reject(e)
      const stdout = String(out).replace(/\r/g, '')
      const status = e ? (typeof e.code === 'number' ? e.code : 134) : 0
      const used = /arena_used_bytes: (\d+)/.exec(stdout)
      const outputs = [...stdout.matchAll(/^output\d+:(.*)$/gm)].map((m) => m[1].trim())
      resolve({ ok: status === 0 && outputs.length > 0, status, usedBytes: used ? Number(used[1]) : null, outputs, stdout })
    })
  )
}

export interface ArenaMeasure {
  /** arena_used_bytes() with a large arena. */
  used: number
  /** The smallest arena (a multiple of 16) that allocates and gives the large arena's outputs. */
  smallest: number
  /** QEMU runs it took. */
  runs: number
}

/**
 * TFLM's arena_used_bytes() and its smallest working arena, found from a guess (the estimate):
 * if the guess works and 16 bytes less does not, the guess is the smallest (three runs); otherwise
 * a binary search in 16-byte steps. "Works" means AllocateTensors() and Invoke() succeed and the
 * outputs equal those with the full buffer. Assumes, as any search must, that a size that works
 * keeps working when it grows.
 */
export async function measureArena(program: BuiltTflmProgram, guess: number): Promise<ArenaMeasure> {
  let runs = 0
  const full = await runArenaProbe(program)
  runs++
  if (!full.ok || full.usedBytes === null) throw new Error(`TFLM did not run the model with a 256 KiB arena (status ${full.status}):\n${full.stdout.slice(0, 1000)}`)
  const works = async (bytes: number): Promise<boolean> => {
    runs++
    const r = await runArenaProbe(program, bytes)
    return r.ok && r.outputs.join('|') === full.outputs.join('|')
  }
  // fail < smallest <= ok, both multiples of 16.
  let ok = Math.max(16, Math.ceil(guess / 16) * 16)
  let fail: number
  if (await works(ok)) {
    fail = ok - 16
    if (fail > 0 && (await works(fail))) {
      ok = fail
      fail = 0
    }
  } else {
    // Above the guess: double the distance until a size works.
    fail = ok
    for (let span = 64; !(await works((ok = fail + span))); span *= 2) {
      fail = ok
      if (ok > 256 * 1024) throw new Error('no arena up to 256 KiB works')
    }
  }
  while (ok - fail > 16) {
    const mid = fail + Math.floor((ok - fail) / 32) * 16
    if (await works(mid)) ok = mid
    else fail = mid
  }
  return { used: full.usedBytes, smallest: ok, runs }
}
