import { z } from 'zod'
import type { BoardInfo, FirmwareMode, ProjectKind, RuntimeId, TargetId } from '../boards'
import type { ArgSchemas } from './types'

/**
 * Deploy: a chosen variant becomes firmware for a board (Arduino sketch, PlatformIO or ESP-IDF
 * project) running TensorFlow Lite Micro or Microforge's own C runtime, in capture, classify or
 * profile mode, written to <project>/firmware/<name>/ or a zip. A fit check compares model, arena
 * and runtime against the board before anyone flashes it.
 */

import type { LatencyRuntime } from '../optimize'

export interface DeployVariant {
  name: string
  /** Absolute path of the .tflite. */
  path: string
  bytes: number
  /** 'int8' when every activation is int8 (the C runtime can run it), else 'float32', 'hybrid', 'float16'; 'unknown' when the file cannot be read (see problem). */
  precision: 'int8' | 'float32' | 'hybrid' | 'float16' | 'mixed' | 'unknown'
  ops: string[]
  /** Made from an earlier model, or from one trained before the data changed. */
  stale: boolean
  /**
   * Set when no firmware can be made from this file: why, and the next step ("The file ... is
   * damaged: .... Run Optimize again to rebuild ptq."). fit and generate refuse it with the same reason.
   */
  problem?: string
  /**
   * Set when models/variants/index.json is damaged, so it cannot be told which model this file was
   * made from: the index's problem and its way out. The variant stays usable; it counts as stale
   * (generate asks, allowStale builds it anyway).
   */
  indexProblem?: string
}

export interface FitPart {
  label: string
  flashBytes: number
  ramBytes: number
  /** 'measured' (arm-none-eabi-size / planner) or 'estimate'. */
  source: 'measured' | 'planned' | 'estimate'
}

export interface RuntimeFit {
  runtime: RuntimeId
  /** False with a reason when the runtime cannot run this model at all. */
  supported: boolean
  reason?: string
  parts: FitPart[]
  flashBytes: number
  ramBytes: number
  fits: boolean
  flashPercent: number
  ramPercent: number
  /** Estimated ms per inference with this runtime on the board (int8 models), and how it was obtained. */
  latency?: { ms: number; runtime: LatencyRuntime; basis: string }
  /**
   * C runtime only: whether its sizes come from arm-none-eabi-gcc, and if not, why: the toolchain
   * is not installed, or the build failed (the reason). Either way the sizes shown are estimates.
   */
  measurement?: SizeMeasurement
}

export type SizeMeasurement = { state: 'measured' } | { state: 'toolchain-missing'; detail: string } | { state: 'build-failed'; detail: string }

export interface FitReport {
  board: BoardInfo
  variant: DeployVariant
  runtimes: RuntimeFit[]
}

export interface GenerateRequest {
  projectDir: string
  /** A variant name in <project>/models/variants/, or a path to a .tflite. Ignored in capture mode. */
  variant?: string
  target: TargetId
  runtime: RuntimeId
  mode: FirmwareMode
  /** Default: the board's first kind (Arduino sketch for the Nano, PlatformIO otherwise). */
  kind?: ProjectKind
  nano33Revision?: 'rev1' | 'rev2'
  /** Folder/sketch name; default <variant>_<target>_<mode>. */
  name?: string
  /** Output folder (default <project>/firmware/<name>) or, with zip, the .zip path. */
  out?: string
  zip?: boolean
  /** Replace an existing folder of the same name. */
  overwrite?: boolean
  /** Build from a stale variant anyway (the user was asked). */
  allowStale?: boolean
}

export interface GenerateResult {
  kind: ProjectKind
  /** Folder written, or the zip file. */
  path: string
  zip: boolean
  files: string[]
  fit: RuntimeFit | null
  /** Serial settings the generated firmware uses. */
  baud: number
  /** The rate and window the firmware samples, from the project's signal spec. */
  sampleRateHz: number
  windowLength: number
  /** Set when the target's sensor cannot deliver sampleRateHz. */
  sensorWarning: string | null
}

export interface DeployApi {
  boards(): Promise<BoardInfo[]>
  /** The .tflite variants in <project>/models/variants/; one that cannot be read is listed with its problem, never left out. */
  variants(projectDir: string): Promise<DeployVariant[]>
  /** Flash and RAM of both runtimes for a variant on a board. */
  fit(projectDir: string, variant: string, target: TargetId): Promise<FitReport>
  generate(request: GenerateRequest): Promise<GenerateResult>
}

const dir = z.string().min(1).max(4096)
const target = z.enum(['nano33ble', 'esp32', 'pico', 'stm32f4'])

export const generateRequestSchema = z
  .object({
    projectDir: dir,
    variant: z.string().min(1).max(4096).optional(),
    target,
    runtime: z.enum(['tflm', 'c']),
    mode: z.enum(['capture', 'classify', 'profile']),
    kind: z.enum(['arduino', 'platformio', 'esp-idf']).optional(),
    nano33Revision: z.enum(['rev1', 'rev2']).optional(),
    name: z.string().min(1).max(64).optional(),
    out: z.string().min(1).max(4096).optional(),
    zip: z.boolean().optional(),
    overwrite: z.boolean().optional(),
    allowStale: z.boolean().optional()
  })
  .strict()

export const deployArgs: ArgSchemas<DeployApi> = {
  boards: z.tuple([]),
  variants: z.tuple([dir]),
  fit: z.tuple([dir, z.string().min(1).max(4096), target]),
  generate: z.tuple([generateRequestSchema])
}
