/**
 * TensorFlow Lite Micro's host harness (`bin/run_tflite` of the SDK, reference kernels) as a function:
 * one model, one set of raw input bytes, TFLM's outputs parsed. Only the oracle suites and
 * `npm run golden` use it; `npm test` reads what it produced from test/fixtures/golden.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { tflmSdkDir } from './tflm-sdk'

export interface TflmTensorInfo {
  type: string
  shape: number[]
  scale: number
  zeroPoint: number
}

export interface TflmOutput extends TflmTensorInfo {
  /** Integers as printed, float32 values exact (RUN_TFLITE_EXACT_FLOAT=1 prints %.9g). */
  values: number[]
}

export interface TflmRun {
  ops: string[]
  arenaUsedBytes: number
  inputs: TflmTensorInfo[]
  outputs: TflmOutput[]
}

/** What the harness said when it did not run the model: exit status (3 = AllocateTensors failed) and stderr. */
export interface TflmRefusal {
  status: number
  signal: string | null
  stderr: string
}

export type TflmResult = { ok: true; run: TflmRun } | { ok: false; refusal: TflmRefusal }

function parseInfo(line: string): TflmTensorInfo {
  const m = /type=(\S+) shape=\[([^\]]*)\] scale=(\S+) zero_point=(-?\d+)/.exec(line)
  if (!m) throw new Error(`run_tflite: cannot parse "${line}"`)
  return { type: m[1], shape: m[2] ? m[2].split(',').map(Number) : [], scale: Number(m[3]), zeroPoint: Number(m[4]) }
}

/** printf's %g spellings of the non-finite floats ("inf", "-inf", "nan", "-nan"); Number() knows only "Infinity". */
function printedFloat(v: string): number {
  if (v === 'inf') return Infinity
  if (v === '-inf') return -Infinity
  return Number(v)
}

export function parseRunTflite(stdout: string): TflmRun {
  const run: TflmRun = { ops: [], arenaUsedBytes: -1, inputs: [], outputs: [] }
  for (const line of stdout.split('\n')) {
    if (line.startsWith('op[')) run.ops.push(line.slice(line.indexOf(':') + 2).trim())
    else if (line.startsWith('arena_used_bytes:')) run.arenaUsedBytes = Number(line.split(':')[1])
    else if (line.startsWith('input[')) run.inputs.push(parseInfo(line))
    else if (line.startsWith('output[')) run.outputs.push({ ...parseInfo(line), values: [] })
    else if (line.startsWith('values:')) {
      const out = run.outputs[run.outputs.length - 1]
      const text = line.slice('values:'.length).trim()
      out.values = text ? text.split(/\s+/).map((v) => (out.type === 'FLOAT32' ? Math.fround(printedFloat(v)) : Number(v))) : []
    }
  }
  if (run.arenaUsedBytes < 0) throw new Error(`run_tflite printed no arena_used_bytes:\n${stdout}`)
  return run
}

/**
 * Runs `modelPath` once per entry of `inputs` (each entry: the raw bytes of every input tensor).
 * With no inputs it still runs once, zero-filled, which is enough to learn whether TFLM loads the model.
 */
export function runTflite(modelPath: string, inputs: Uint8Array[][] = [[]], sdk = tflmSdkDir()): TflmResult[] {
  const bin = path.join(sdk, 'bin', 'run_tflite')
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-run-tflite-'))
  try {
    return inputs.map((tensors) => {
      const files = tensors.map((bytes, k) => {
        const f = path.join(dir, `input${k}.bin`)
        writeFileSync(f, bytes)
        return f
      })
      const r = spawnSync(bin, [modelPath, ...files], { encoding: 'utf8', env: { ...process.env, RUN_TFLITE_EXACT_FLOAT: '1' }, maxBuffer: 64 * 1024 * 1024 })
      if (r.error) throw r.error
      if (r.status !== 0) return { ok: false as const, refusal: { status: r.status ?? -1, signal: r.signal, stderr: r.stderr } }
      return { ok: true as const, run: parseRunTflite(r.stdout) }
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Raw little-endian bytes of a typed array, as run_tflite reads an input file. */
export function rawBytes(values: Int8Array | Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
}
