/**
 * Builds a generated firmware project's model code (preprocessing.h, the inference glue and either
 * TensorFlow Lite Micro's model_data/model_ops or the C runtime's mf_model/mf_runtime) with a main
 * that feeds it fixed raw sensor windows (firmware-check/mf_check_main.cpp), for this computer or
 * the Cortex-M4F in QEMU, and reads back the arena and every score's float bits.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FirmwareProject } from '../../src/main/core/codegen/firmware'
import { buildTflmProgram, runTflmProgram, type BuiltTflmProgram } from '../../src/main/sim/tflm-build'
import type { TflmSdk, TflmTarget } from '../../src/main/sim/tflm-sdk'
import { repoRoot } from './tmp'

const CHECK_MAIN = path.join(repoRoot, 'test', 'helpers', 'firmware-check', 'mf_check_main.cpp')
const TFLM_COMPAT = path.join(repoRoot, 'resources', 'firmware', 'tflm-compat')
/** Board services, the app loop and the sketch: the check main replaces them. */
const NOT_MODEL_CODE = /^(mf_platform_.*|mf_sensor_.*|main|mf_app)\.(c|cc|cpp)$/

export interface CheckResult {
  arenaUsed: number
  arenaSize: number
  runtime: string
  /** One entry per window: the scores' float32 bits as hex, space-separated. */
  scores: string[]
  program: BuiltTflmProgram
}

/** Writes the project to a temporary folder; returns the folder that holds mf_app.cpp. */
export function writeProject(project: FirmwareProject): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-fwcheck-'))
  for (const f of project.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true })
    writeFileSync(path.join(dir, f.path), f.contents)
  }
  const app = project.files.find((f) => f.path.endsWith('mf_app.cpp'))!
  return path.dirname(path.join(dir, app.path))
}

/** Raw sensor windows (samples x 6 channels: aX aY aZ in g, gX gY gZ in deg/s) as a C header. */
function windowsHeader(windows: number[][][]): string {
  const rows = windows.map((w) => w.map((s) => s.map((v) => `${Math.fround(v)}f`).join(', ')).join(',\n  '))
  return `#define MF_CHECK_WINDOW_COUNT ${windows.length}\nstatic const float kMfCheckWindows[] = {\n  ${rows.join(',\n  ')}\n};\n`
}

export async function buildCheck(sdk: TflmSdk, target: TflmTarget, sourceDir: string, windows: number[][][]): Promise<BuiltTflmProgram> {
  // One folder per set of windows, named by its content: the objects that include it are cached
  // by their include folders' paths too, so a fresh folder per build would recompile everything.
  const header = windowsHeader(windows)
  const checkDir = path.join(tmpdir(), 'mf-fwcheck-windows', createHash('sha256').update(header).digest('hex').slice(0, 16))
  mkdirSync(checkDir, { recursive: true })
  const file = path.join(checkDir, 'mf_check_windows.h')
  if (!existsSync(file)) {
    writeFileSync(`${file}.${process.pid}.tmp`, header)
    renameSync(`${file}.${process.pid}.tmp`, file)
  }
  const names = readdirSync(sourceDir).filter((n) => !NOT_MODEL_CODE.test(n)).sort()
  return buildTflmProgram(sdk, target, {
    c: names.filter((n) => n.endsWith('.c')).map((n) => path.join(sourceDir, n)),
    cpp: [...names.filter((n) => /\.(cc|cpp)$/.test(n)).map((n) => path.join(sourceDir, n)), CHECK_MAIN],
    includeDirs: [sourceDir, checkDir, TFLM_COMPAT]
  })
}

export async function runCheck(sdk: TflmSdk, target: TflmTarget, sourceDir: string, windows: number[][][]): Promise<CheckResult> {
  const program = await buildCheck(sdk, target, sourceDir, windows)
  const { stdout, status } = await runTflmProgram(program, { timeoutMs: 300_000 })
  if (status !== 0) throw new Error(`firmware check exited ${status} on ${program.description}:\n${stdout.slice(0, 2000)}`)
  const lines = stdout.trim().split('\n')
  const head = /^arena_used:(\d+) arena_size:(\d+) runtime:(\S+)$/.exec(lines[0])
  if (!head) throw new Error(`unexpected first line: ${lines[0]}`)
  const scores = lines.slice(1).map((l, i) => {
    const m = new RegExp(`^w${i} (.*)$`).exec(l)
    if (!m) throw new Error(`unexpected line ${i + 1}: ${l}`)
    return m[1]
  })
  return { arenaUsed: Number(head[1]), arenaSize: Number(head[2]), runtime: head[3], scores, program }
}
