import { z } from 'zod'
import type { ErrorData } from '../errors'
import type { ArgSchemas } from './types'

/** A serial port the user can pick. `source: 'scan'` when the OS could not describe it. */
export interface PortInfo {
  path: string
  manufacturer: string | null
  serialNumber: string | null
  vendorId: string | null
  productId: string | null
  source: 'system' | 'scan'
  /**
   * False for the built-in UARTs every PC lists (/dev/ttyS*), where a USB board never appears:
   * they are listed last and never picked by default.
   */
  likelyBoard: boolean
}

export const COMMON_BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000, 2000000] as const

export type TimestampMode = 'auto' | 'none' | 'ms' | 'us'

export interface OpenOptions {
  /** Reopen after an unplug until close() is called. */
  autoReconnect?: boolean
  /** Whether the first column is the board's clock ('auto' detects it). */
  timestamp?: TimestampMode
}

export interface StreamLayout {
  axes: string[]
  columns: number
  timestamp: 'ms' | 'us' | null
  namesFrom: 'header' | 'keys' | 'default'
}

/** Counts since the port was opened. Dropped = overlong + garbled + nonFinite + wrongColumns. */
export interface StreamStats {
  bytes: number
  lines: number
  samples: number
  overlong: number
  garbled: number
  nonFinite: number
  wrongColumns: number
  /** Samples the board's timestamps say never arrived. */
  missing: number
  messages: number
  /** Timings or results from Microforge's profile or classify firmware (not samples, not garbled). */
  profile: number
}

export interface StreamRate {
  /** Measured inside bursts only: never across the pauses between gestures. */
  rateHz: number | null
  jitterMs: number | null
  source: 'timestamps' | 'arrival' | null
  /** The last finished block of samples (IMU_Capture prints one per gesture); null before the first gap. */
  lastBurst: { samples: number; rateHz: number | null; jitterMs: number | null } | null
  bursts: number
}

export type DeviceState = 'closed' | 'opening' | 'open' | 'reconnecting' | 'error'

export interface DeviceStatus {
  state: DeviceState
  path: string | null
  baud: number | null
  autoReconnect: boolean
  layout: StreamLayout | null
  stats: StreamStats
  rate: StreamRate
  /** Why the port closed or failed. */
  error: ErrorData | null
  /** A problem while open: no data, data that looks like a wrong baud rate. */
  warning: ErrorData | null
  /** The last line of words the board printed ("IMU initialized"). */
  lastMessage: string | null
  recording: RecordingStatus | null
}

export type RecordTrigger = 'manual' | 'continuous' | 'motion' | 'board'

export interface RecordRequest {
  /** Project folder the windows are saved into (samples/<id>.json). */
  project: string
  label: string
  trigger: RecordTrigger
  /** Window length in samples; or give ms and the measured rate decides. For 'board', omit both to take the board's blocks as they come. */
  samples?: number
  ms?: number
  /** Windows to record (default 1; continuous and motion keep going until this many or stop). */
  count?: number
  /** Motion trigger: sum of |value| over motionAxes (default the first three) at which recording starts; default 2.5. */
  threshold?: number
  motionAxes?: number[]
  /** Motion trigger: samples from before the trigger kept in the window. */
  preSamples?: number
  /** Delay before recording starts (a countdown in the UI), ms. */
  countdownMs?: number
}

export type RecordingState = 'countdown' | 'armed' | 'recording' | 'done' | 'stopped' | 'failed'

export interface RecordingStatus {
  project: string
  label: string
  trigger: RecordTrigger
  state: RecordingState
  samplesPerWindow: number | null
  windowsWanted: number
  windowsSaved: number
  /** Samples in the window being recorded. */
  inProgress: number
  /** Ids of the windows saved so far, oldest first. */
  savedIds: string[]
  /** Board blocks skipped because their length was not samplesPerWindow. */
  rejectedBlocks: number
  error: ErrorData | null
}

export interface DeviceApi {
  /** The OS list when it works, else a scan of /dev (ttyACM*, ttyUSB*, ...). */
  listPorts(): Promise<PortInfo[]>
  open(path: string, baud: number, options?: OpenOptions): Promise<DeviceStatus>
  close(): Promise<DeviceStatus>
  status(): Promise<DeviceStatus>
  startRecording(request: RecordRequest): Promise<RecordingStatus>
  /** Stops recording; windows already saved stay, the one in progress is dropped. */
  stopRecording(): Promise<RecordingStatus | null>
}

const path = z.string().min(1).max(4096)
const baud = z.number().int().min(50).max(10_000_000)

export const openOptionsSchema = z
  .object({ autoReconnect: z.boolean().optional(), timestamp: z.enum(['auto', 'none', 'ms', 'us']).optional() })
  .strict()

export const recordRequestSchema = z
  .object({
    project: path,
    label: z.string().trim().min(1).max(64),
    trigger: z.enum(['manual', 'continuous', 'motion', 'board']),
    samples: z.number().int().min(1).max(100_000).optional(),
    ms: z.number().positive().max(600_000).optional(),
    count: z.number().int().min(1).max(100_000).optional(),
    threshold: z.number().nonnegative().max(1e9).optional(),
    motionAxes: z.array(z.number().int().min(0).max(64)).min(1).max(64).optional(),
    preSamples: z.number().int().min(0).max(100_000).optional(),
    countdownMs: z.number().int().min(0).max(60_000).optional()
  })
  .strict()

export const deviceArgs: ArgSchemas<DeviceApi> = {
  listPorts: z.tuple([]),
  open: z.tuple([path, baud, openOptionsSchema.optional()]),
  close: z.tuple([]),
  status: z.tuple([]),
  startRecording: z.tuple([recordRequestSchema]),
  stopRecording: z.tuple([])
}

/** Live samples, batched (about every 50 ms) so the renderer is not flooded line by line. */
export interface SampleBatch {
  path: string
  axes: string[]
  /** values[i][a]: sample i of axis a. */
  values: number[][]
  /** Sample time, ms: the board's clock when it prints one, else host arrival time. */
  times: number[]
  timeSource: 'board' | 'host'
  /** Host time (epoch ms) when the oldest sample of this batch arrived. */
  firstArrival: number
  /** Host time (epoch ms) when the batch was sent. */
  sentAt: number
  /** Running total of samples on this connection, after this batch. */
  total: number
  stats: StreamStats
  rate: StreamRate
}

export interface DeviceEvents {
  'device.status': DeviceStatus
  'device.samples': SampleBatch
  'device.recording': RecordingStatus
}
