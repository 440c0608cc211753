import { z } from 'zod'
import type { SampleWindow } from '../dataset'
import type { ArgSchemas } from './types'
import type { CropAt, FileReport, PadAt } from '../import-report'

/** One window without its values, for lists. */
export interface WindowSummary {
  id: string
  label: string
  split: 'train' | 'test'
  samples: number
  axes: string[]
  rateHz: number | null
  source: string
  createdAt: string
  /** Set when the file cannot be read: the reason. Listed so Capture shows it (with Delete); Train and Optimize refuse until it is gone. */
  damaged?: string
}

/** A samples/<id>.json that cannot be read. */
export interface DamagedWindow {
  /** Relative to the project folder, e.g. samples/w-123.json. */
  file: string
  reason: string
}

export type ImportFormat = 'auto' | 'csv' | 'imu-capture' | 'npy'

export interface ImportOptions {
  format?: ImportFormat
  /** Label for files without a label column (default: the folder holding the file, or the file name). */
  label?: string
  /** Window length in samples, for a project that has none yet (default: the recordings' common length, or 1 s). */
  windowLength?: number
  /** Samples between window starts when long recordings are cut (default: the project's hop, else the window length). */
  hop?: number
  /** The files' sample rate when they carry no time column (the CLI's --rate). */
  rateHz?: number
  /** Axis columns to import, in this order (default: the accelerometer and gyroscope axes, else every sensor column). */
  axes?: string[]
  /** Recordings at another rate than the project's: resample them (band-limited) to the project rate. */
  resample?: boolean
  /** Recordings longer than a window: one window cut from here, instead of windows by window and hop. */
  crop?: CropAt
  /** Recordings shorter than a window: pad them at this end. */
  pad?: PadAt
  /** What padding repeats: zeros (default) or the edge sample. */
  padWith?: 'zeros' | 'repeat-last'
  /** Share of each class put in the test split, with the project's seed (default 0.2). */
  testFraction?: number
}

export interface ImportResult {
  /** Windows imported per label. */
  classes: Record<string, number>
  windowLength: number
  hop: number
  /** The project's rate after the import (null: still unknown). */
  rateHz: number | null
  axes: string[]
  /** Windows that were padded or cropped. */
  resized: number
  files: number
  /** Per file: its own rate and what was done to it. */
  report: FileReport[]
  ids: string[]
}

/** What an import would do, shown before anything is written. */
export interface ImportPreview {
  files: Array<FileReport & { format: 'csv' | 'imu-capture' | 'npy'; timeColumn: string | null; axisColumns: string[] }>
  /** Axis columns every file has, and the ones imported by default. */
  axisChoices: string[]
  axes: string[]
  projectRateHz: number | null
  /** Rates of the files that differ from the project's: the user must choose. */
  otherRates: number[]
  windowLength: number
  hop: number
  /** Recordings shorter than a window (need pad), longer (cut by hop, or crop). */
  shorter: number
  longer: number
}
export interface ExportResult {
  out: string
  files: number
  windows: number
}

export interface DatasetApi {
  list(project: string): Promise<WindowSummary[]>
  get(project: string, id: string): Promise<SampleWindow>
  relabel(project: string, ids: string[], label: string): Promise<void>
  /** Moves the windows to the project's trash; returns a token for undoDelete. */
  delete(project: string, ids: string[]): Promise<{ undoToken: string }>
  undoDelete(project: string, undoToken: string): Promise<void>
  setSplit(project: string, ids: string[], split: 'train' | 'test'): Promise<void>
  /** Re-splits every window, stratified per class, with a fixed seed (saved in project settings). */
  autoSplit(project: string, testFraction: number, seed?: number): Promise<Record<string, { train: number; test: number }>>
  import(project: string, paths: string[], options?: ImportOptions): Promise<ImportResult>
  /** Reads the files and reports what import would do with these options; writes nothing. */
  previewImport(project: string, paths: string[], options?: ImportOptions): Promise<ImportPreview>
  export(project: string, format: 'npy' | 'csv', out: string): Promise<ExportResult>
}

const project = z.string().min(1).max(4096)
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/)
const ids = z.array(id).min(1).max(100_000)
const label = z.string().trim().min(1).max(64)

export const importOptionsSchema = z
  .object({
    format: z.enum(['auto', 'csv', 'imu-capture', 'npy']).optional(),
    label: label.optional(),
    windowLength: z.number().int().min(1).max(100_000).optional(),
    hop: z.number().int().min(1).max(100_000).optional(),
    rateHz: z.number().positive().max(100_000).optional(),
    axes: z.array(z.string().min(1).max(64)).min(1).max(32).optional(),
    resample: z.boolean().optional(),
    crop: z.enum(['start', 'center', 'end']).optional(),
    pad: z.enum(['start', 'end']).optional(),
    padWith: z.enum(['zeros', 'repeat-last']).optional(),
    testFraction: z.number().min(0).max(0.9).optional()
  })
  .strict()

export const datasetArgs: ArgSchemas<DatasetApi> = {
  list: z.tuple([project]),
  get: z.tuple([project, id]),
  relabel: z.tuple([project, ids, label]),
  delete: z.tuple([project, ids]),
  undoDelete: z.tuple([project, z.string().regex(/^[a-z0-9-]{1,64}$/)]),
  setSplit: z.tuple([project, ids, z.enum(['train', 'test'])]),
  autoSplit: z.tuple([project, z.number().min(0).max(0.9), z.number().int().min(0).max(2 ** 32 - 1).optional()]),
  import: z.tuple([project, z.array(z.string().min(1).max(4096)).min(1).max(10_000), importOptionsSchema.optional()]),
  previewImport: z.tuple([project, z.array(z.string().min(1).max(4096)).min(1).max(10_000), importOptionsSchema.optional()]),
  export: z.tuple([project, z.enum(['npy', 'csv']), z.string().min(1).max(4096)])
}

export interface DatasetEvents {
  /** Windows were added, changed or removed; views reload the list. */
  'dataset.changed': { project: string; reason: 'recorded' | 'imported' | 'relabelled' | 'deleted' | 'restored' | 'split' }
}
