import { z } from 'zod'
import type { ErrorData } from '../errors'
import type { ArgSchemas } from './types'

/**
 * Profile: per-stage timings read from a board running profile firmware (or any sketch printing
 * `sensor:180 preprocess:210 inference:1200 output:5 us`), or from the virtual board that runs the
 * generated C firmware on this computer. Sessions are saved as <project>/profiles/<id>.json.
 */

/** One inference as the board reported it: microseconds per stage, and when it arrived. */
export interface ProfileSample {
  /** Milliseconds since the session started (arrival time on this computer). */
  t: number
  /** Stage name -> µs. Stages are whatever the board printed: usually sensor, preprocess, inference, output. */
  stages: Record<string, number>
}

/** Memory the firmware reported at start. Bytes. */
export interface ProfileMemory {
  arenaUsed?: number
  arenaSize?: number
  freeHeap?: number
  /** Other byte counts the board printed (`stack_free:1024`). */
  other?: Record<string, number>
}

export interface ProfileClassification {
  t: number
  label: string
  /** Class index when the firmware printed one. */
  index?: number
  /** Which sensor window it classified (the virtual board numbers the windows it was given). */
  window?: number
  /** Raw model outputs (int8 for int8 models), in class order. */
  scores?: number[]
  /** The line exactly as printed, so the UI can show what the board said. */
  raw: string
}

/** How many lines of each kind arrived; garbage is counted, never fatal. */
export interface ProfileLineCounts {
  lines: number
  timing: number
  memory: number
  classification: number
  /** Words the board printed (banners, logs). */
  text: number
  blank: number
  /** Binary noise, a wrong baud rate, a line cut in half, negative or non-numeric timings. */
  garbage: number
}

export interface HistogramBins {
  /** Lower edge of the first bin, µs. */
  start: number
  /** Width of every bin, µs. */
  width: number
  counts: number[]
  /** Outliers left out of the bins so they do not squash them: values below `start`, above the last bin. */
  below?: number
  above?: number
}

export interface StageStats {
  stage: string
  count: number
  min: number
  max: number
  mean: number
  median: number
  p95: number
  std: number
  histogram: HistogramBins
}

export interface ProfileStats {
  /** Stages in display order (sensor, preprocess, inference, output first). */
  stages: StageStats[]
  /** Sum of the stages of each inference. */
  total: StageStats | null
}

export type ProfileSource =
  | { kind: 'serial'; port: string; baud: number }
  /**
   * The generated firmware compiled for this computer, run on a pseudo-terminal. firmwareDir
   * defaults to the newest profile-mode C-runtime firmware in the project.
   */
  | {
      kind: 'virtual'
      firmwareDir?: string
      windows?: 'dataset' | 'synthetic'
      /**
       * 'host' (default): compiled for this computer, real host timings. 'qemu': built for a
       * Cortex-M4F and run in QEMU (mps2-an386), timed by instruction count at the target's clock;
       * it reads synthetic gestures.
       */
      engine?: 'host' | 'qemu'
      /**
       * The runtime of the project's firmware to run (default 'c'); a firmwareDir decides by itself.
       * TFLM firmware builds against the TFLM SDK (the setting, or MICROFORGE_TFLM).
       */
      runtime?: 'c' | 'tflm'
      /** TFLM on QEMU: the SDK's Cortex-M4 kernel set (default 'reference'); the host has reference kernels only. */
      kernels?: 'reference' | 'cmsis-nn'
    }

/** What ran the model: Microforge's C runtime, or TensorFlow Lite Micro with its reference or CMSIS-NN kernels. */
export type ProfileRuntime = 'c' | 'tflm-reference' | 'tflm-cmsis-nn'

/**
 * Where the timings come from: a real board; this computer running the generated code; or the
 * emulated Cortex-M4 counting instructions.
 */
export type TimingOrigin = 'board' | 'host' | 'emulator'

export interface ProfileOptions {
  /** Shown in lists and as the comparison column title. */
  name?: string
  /** The model variant the firmware runs (float32, ptq, qat, ...). */
  variant?: string
  /** The board the firmware runs on (nano33ble, esp32, ...), for the estimate correction. */
  target?: string
  /**
   * The Optimize step's estimated inference latency for this variant and target before correction
   * (ProfileEstimate.rawUs), µs; measured / this is the target's new correction factor.
   */
  estimatedInferenceUs?: number
  /** Stop by itself after this many inferences (classifications, for classify-mode firmware). */
  maxInferences?: number
}

export interface ProfileSessionSummary {
  id: string
  name: string
  createdAt: string
  durationMs: number
  origin: TimingOrigin
  source: ProfileSource
  variant?: string
  target?: string
  /** The runtime the virtual board ran (absent for a real board: the sketch says it in its text). */
  runtime?: ProfileRuntime
  inferences: number
  /** Median µs per stage. */
  medians: Record<string, number>
  totalMedian: number | null
  memory: ProfileMemory
  estimatedInferenceUs?: number
  /** Measured median inference / estimated inference. */
  measuredOverEstimated?: number
  /**
   * It measured firmware of an earlier model (or of a model trained before the data changed): set
   * when listed, never stored; the session's lineage is in profiles/.sources.json.
   */
  stale?: boolean
  /**
   * The session was saved, but something beside it went wrong (e.g. a damaged lineage record): set
   * on the result of the stop that saved it, never stored.
   */
  warning?: string
  /**
   * Why it is not known whether it measured the current model (its lineage record cannot be read):
   * set when listed instead of stale, never stored.
   */
  staleUnknown?: string
}

export interface ProfileSession extends ProfileSessionSummary {
  format: 'microforge-profile'
  version: 1
  samples: ProfileSample[]
  classifications: ProfileClassification[]
  counts: ProfileLineCounts
  stats: ProfileStats
  /** What the virtual board ran on, e.g. "host x64, gcc 12.2 -O2". */
  hostDescription?: string
  /** Dataset windows the virtual board was given, in order; a classification's window indexes this. */
  windowIds?: string[]
}

export type LiveState = 'starting' | 'running' | 'stopped' | 'failed'

/** Batched live data of a running session (about every 100 ms). */
export interface ProfileLiveUpdate {
  sessionId: string
  dir: string
  state: LiveState
  origin: TimingOrigin
  /** The inferences that arrived since the previous update. */
  samples: ProfileSample[]
  inferences: number
  stats: ProfileStats
  memory: ProfileMemory
  counts: ProfileLineCounts
  lastClassification?: ProfileClassification
  /** The last few non-timing lines, so the user sees what the board says. */
  recentText: string[]
  /** The pseudo-terminal of the virtual board, to connect other tools to. */
  link?: string
  /** What runs the code when the timings are host timings. */
  hostDescription?: string
  /** Set when state is 'stopped' and the session was saved. */
  savedId?: string
  /** Set with savedId when the session was saved but something beside it went wrong (ProfileSessionSummary.warning). */
  warning?: string
  error?: ErrorData
}

export interface ProfileComparisonColumn {
  id: string
  name: string
  origin: TimingOrigin
}

export interface ProfileComparison {
  columns: ProfileComparisonColumn[]
  rows: { metric: string; values: string[] }[]
  markdown: string
}

export interface ProfileCsv {
  fileName: string
  csv: string
  /** Where it was written, when a path was given. */
  path?: string
}

/** The Optimize step's latency estimate for one variant on one board, to measure against. */
export interface ProfileEstimate {
  variant: string
  title: string
  target: string
  /** The latency model's estimate before any measured correction, µs: what a profile's ratio corrects. */
  rawUs: number
  /** With the board's current correction applied, µs. */
  correctedUs: number
  correction: number
}

export interface ProfileStarted {
  sessionId: string
  link?: string
}

/** A profiles/<id>.json that cannot be read as a session. */
export interface DamagedSession {
  id: string
  /** Relative to the project folder, e.g. profiles/20250101-120000-abcdef.json. */
  file: string
  /** Why, and what to do ("... is not valid JSON. Delete this session and profile again."). */
  reason: string
  /**
   * 'damaged': its content is not a session (PROJECT_CORRUPT). 'unreadable': it may be a good
   * session that cannot be read here (saved by a newer Microforge, no permission): never offered for deletion.
   */
  kind: 'damaged' | 'unreadable'
  /** remove(id) may delete it: a damaged file whose name is a session id. */
  deletable: boolean
}

/** The project's saved session files in one scan: those that read (as list()) and the others, each with why. */
export interface SavedSessions {
  sessions: ProfileSessionSummary[]
  damaged: DamagedSession[]
}

/** What remove() did beside deleting the file. */
export interface ProfileRemoved {
  /** The session is deleted, but its lineage record could not be updated, and why. */
  warning?: string
}

export interface ProfileApi {
  /** Starts reading profile lines; live data arrives as 'profile.live' events. */
  start(dir: string, source: ProfileSource, options: ProfileOptions): Promise<ProfileStarted>
  /** Stops the session and saves it in <dir>/profiles/<id>.json (unless nothing arrived). */
  stop(sessionId: string): Promise<ProfileSessionSummary | null>
  /** The running sessions' latest state. */
  live(): Promise<ProfileLiveUpdate[]>
  /** The saved sessions that can be read, newest first; the others are in saved(). */
  list(dir: string): Promise<ProfileSessionSummary[]>
  /**
   * list() and the saved session files that cannot be read, each with the reason and what to do
   * (never left out in silence; remove(id) deletes one), from one reading of the profiles folder.
   */
  saved(dir: string): Promise<SavedSessions>
  get(dir: string, id: string): Promise<ProfileSession>
  remove(dir: string, id: string): Promise<ProfileRemoved>
  compare(dir: string, ids: string[]): Promise<ProfileComparison>
  /** Optimize's latency estimates of the project's variants per board (empty before Optimize ran). */
  estimates(dir: string): Promise<ProfileEstimate[]>
  /** One row per inference; written to path when given, else only returned. */
  exportCsv(dir: string, id: string, path?: string): Promise<ProfileCsv>
}

const dir = z.string().min(1).max(4096)
const id = z.string().regex(/^[\w.-]{1,100}$/)
const source: z.ZodType<ProfileSource> = z.union([
  z.object({ kind: z.literal('serial'), port: z.string().min(1).max(4096), baud: z.number().int().positive().max(10_000_000) }).strict(),
  z
    .object({
      kind: z.literal('virtual'),
      firmwareDir: z.string().min(1).max(4096).optional(),
      windows: z.enum(['dataset', 'synthetic']).optional(),
      engine: z.enum(['host', 'qemu']).optional(),
      runtime: z.enum(['c', 'tflm']).optional(),
      kernels: z.enum(['reference', 'cmsis-nn']).optional()
    })
    .strict()
])
const options: z.ZodType<ProfileOptions> = z
  .object({
    name: z.string().min(1).max(200).optional(),
    variant: z.string().min(1).max(200).optional(),
    target: z.string().min(1).max(100).optional(),
    estimatedInferenceUs: z.number().positive().finite().optional(),
    maxInferences: z.number().int().positive().max(10_000_000).optional()
  })
  .strict()

export const profileArgs: ArgSchemas<ProfileApi> = {
  start: z.tuple([dir, source, options]),
  stop: z.tuple([z.string().min(1).max(100)]),
  live: z.tuple([]),
  list: z.tuple([dir]),
  saved: z.tuple([dir]),
  get: z.tuple([dir, id]),
  remove: z.tuple([dir, id]),
  compare: z.tuple([dir, z.array(id).min(1).max(12)]),
  estimates: z.tuple([dir]),
  exportCsv: z.union([z.tuple([dir, id]), z.tuple([dir, id, z.string().min(1).max(4096)])]) as z.ZodType<[string, string, string?]>
}

export interface ProfileEvents {
  'profile.live': ProfileLiveUpdate
}
