import { z } from 'zod'
import type { SampleWindow } from '../dataset'
import type { ArgSchemas } from './types'

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
}

export type ImportFormat = 'auto' | 'csv' | 'imu-capture' | 'npy'

export interface ImportOptions {
  format?: ImportFormat
  /** Label for files without a label column (default: the file name, or the folder for data/<class>/x.npy). */
  label?: string
  /** Trim or pad every window to this many samples (default: the project's window length, else the most common length in the files). */
  windowLength?: number
  pad?: 'zeros' | 'repeat-last'
  /** Share of each class put in the test split, with the project's seed (default 0.2). */
  testFraction?: number
}

export interface ImportResult {
  /** Windows imported per label. */
  classes: Record<string, number>
  windowLength: number
  axes: string[]
  /** Windows that were trimmed or padded to windowLength. */
  resized: number
  files: number
  ids: string[]
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
    pad: z.enum(['zeros', 'repeat-last']).optional(),
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
  export: z.tuple([project, z.enum(['npy', 'csv']), z.string().min(1).max(4096)])
}

export interface DatasetEvents {
  /** Windows were added, changed or removed; views reload the list. */
  'dataset.changed': { project: string; reason: 'recorded' | 'imported' | 'relabelled' | 'deleted' | 'restored' | 'split' }
}
