import { z } from 'zod'
import type { ProfileRuntime } from './profile'
import type { ArgSchemas } from './types'

/** A virtual accelerometer board on a pseudo-terminal, for people without hardware and for tests. */
export interface VirtualBoardOptions {
  /** Samples per second (default 50). */
  rateHz?: number
  /** Gestures performed in turn (default wave, punch, flex). */
  classes?: string[]
  /** 'csv': a continuous stream; 'imu-capture': silent until motion, then a block and a blank line. */
  format?: 'csv' | 'imu-capture'
  /** imu-capture: lines per gesture (default 30). */
  samplesPerGesture?: number
  /** Print a millis() column first. */
  timestamp?: boolean
  seed?: number
}

export interface VirtualBoardInfo {
  /** The serial port path to open. */
  path: string
  rateHz: number
  classes: string[]
  /** 'firmware': the project's generated firmware compiled for this computer (startFirmware). */
  format: 'csv' | 'imu-capture' | 'firmware'
  /** With 'firmware': the generated firmware folder it runs. */
  firmwareDir?: string
  /** With 'firmware': what the firmware was generated for, and where its timings come from. */
  firmwareMode?: 'capture' | 'classify' | 'profile'
  /** With 'firmware': the runtime it runs its model with (none for capture firmware). */
  runtime?: ProfileRuntime
  /** With 'firmware': this computer, or the emulated Cortex-M4F in QEMU. */
  engine?: 'host' | 'qemu'
  host?: string
  /** With 'firmware': what it is fed; with 'dataset', windowIds[N] is the window it reports as N. */
  windows?: 'dataset' | 'synthetic'
  windowIds?: string[]
  linesWritten: number
  linesDropped: number
}

export interface SimApi {
  /** Starts the virtual board (stopping any earlier one) and returns the port to open. */
  start(options?: VirtualBoardOptions): Promise<VirtualBoardInfo>
  /**
   * Starts the project's generated firmware (the newest of the chosen runtime, or firmwareDir)
   * compiled for this computer or the emulated Cortex-M4F, fed with the project's recorded windows,
   * on a pseudo-terminal: its timings are real timings of the real generated code (host, or QEMU
   * instruction counts). Stops any earlier virtual board. Without a project
   * (null), firmwareDir is required and the board performs synthetic gestures. status() turns null
   * when the firmware exits (after `count` windows).
   */
  startFirmware(projectDir: string | null, options?: FirmwareBoardOptions): Promise<VirtualBoardInfo>
  /** Stops it: to the app this looks like unplugging the board. */
  stop(): Promise<void>
  status(): Promise<VirtualBoardInfo | null>
}

export const virtualBoardOptionsSchema = z
  .object({
    rateHz: z.number().positive().max(10_000).optional(),
    classes: z.array(z.string().trim().min(1).max(64)).min(1).max(32).optional(),
    format: z.enum(['csv', 'imu-capture']).optional(),
    samplesPerGesture: z.number().int().min(1).max(10_000).optional(),
    timestamp: z.boolean().optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional()
  })
  .strict()

export interface FirmwareBoardOptions {
  /** Default: the project's newest firmware of `runtime`, preferring profile mode. */
  firmwareDir?: string
  /**
   * The runtime of the default firmware (default 'c'); a firmwareDir decides by itself and must
   * agree. TFLM firmware builds against the TFLM SDK (the setting, or MICROFORGE_TFLM).
   */
  runtime?: 'c' | 'tflm'
  /** 'host' (default): compiled for this computer; 'qemu': built for a Cortex-M4F and run in QEMU. */
  engine?: 'host' | 'qemu'
  /** TFLM in QEMU: the SDK's Cortex-M4 kernel set (default 'reference'). */
  kernels?: 'reference' | 'cmsis-nn'
  /** The project's recorded windows (default when it has any) or synthetic gestures. */
  windows?: 'dataset' | 'synthetic'
  /** Windows per second (default 20; 0 = as fast as it runs). */
  rateHz?: number
  /** Stop after this many windows (default: run until stopped). */
  count?: number
  /** Wait this long after the port is opened before the first line (the board waits for the reader, like `while (!Serial)`). */
  startDelayMs?: number
}

export const firmwareBoardOptionsSchema = z
  .object({
    firmwareDir: z.string().min(1).max(4096).optional(),
    runtime: z.enum(['c', 'tflm']).optional(),
    engine: z.enum(['host', 'qemu']).optional(),
    kernels: z.enum(['reference', 'cmsis-nn']).optional(),
    windows: z.enum(['dataset', 'synthetic']).optional(),
    rateHz: z.number().min(0).max(100_000).optional(),
    count: z.number().int().min(0).max(1_000_000_000).optional(),
    startDelayMs: z.number().int().min(0).max(60_000).optional()
  })
  .strict()

export const simArgs: ArgSchemas<SimApi> = {
  start: z.tuple([virtualBoardOptionsSchema.optional()]),
  startFirmware: z.tuple([z.string().min(1).max(4096).nullable(), firmwareBoardOptionsSchema.optional()]),
  stop: z.tuple([]),
  status: z.tuple([])
}
