import { z } from 'zod'
import type { ArgSchemas } from './types'
import type { DamagedWindow } from './dataset'
import type { ProjectFile } from '../project-schema'
import { signalPatchSchema, type SignalSpec } from '../signal'
import type { StepStatus } from '../steps'

export interface ProjectSummary {
  /** Absolute path of the project folder: the project's identity everywhere. */
  dir: string
  project: ProjectFile
  /** The signal spec's essentials (the whole spec is project.signal). */
  signal: Pick<SignalSpec, 'sampleRateHz' | 'windowLength' | 'axes'>
  /** Windows per class label and split. */
  split: Record<string, { train: number; test: number }>
  /** Windows per class label, all splits. */
  samplesPerClass: Record<string, number>
  sampleCount: number
  /**
   * Window files whose head cannot be read, each with the reason: counted in no class and in
   * sampleCount, and Train refuses until they are deleted (Capture lists them) or restored.
   */
  damagedWindows?: DamagedWindow[]
  hasFloatModel: boolean
  /** Why the trained model's files cannot be read ("The trained model's files are damaged: ..."), null when they can or there is none. */
  floatModelProblem: string | null
  /**
   * Records of where variants, firmware and profiles came from (models/variants/index.json,
   * firmware/.sources.json, profiles/.sources.json) that are damaged: each message with its next
   * step. What a damaged record lists is counted in no stale count.
   */
  recordProblems?: string[]
  variantCount: number
  firmwareCount: number
  profileCount: number
  /** Made from an earlier model (or before the data changed): shown as such by every step. */
  stale: { dataChanged: boolean; variants: number; firmware: number; profiles: number }
  steps: StepStatus[]
}

export interface RecentProject {
  dir: string
  name: string
  openedAt: string
  /** False when the folder is gone or unreadable now. */
  available: boolean
}

export interface ProjectApi {
  /** Creates the folder layout and project.json. Fails if dir already holds a project. */
  create(dir: string, name: string): Promise<ProjectSummary>
  /** Reads project.json and the folder; adds it to the recent list. */
  open(dir: string): Promise<ProjectSummary>
  recent(): Promise<RecentProject[]>
  forget(dir: string): Promise<void>
  /** Shallow-merges settings into project.json (atomic write) and returns the new summary. */
  update(dir: string, patch: ProjectPatch): Promise<ProjectSummary>
}

const dir = z.string().min(1).max(4096)

export const projectPatchSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    classes: z
      .array(z.object({ name: z.string().min(1).max(64), color: z.string().regex(/^#[0-9a-fA-F]{6}$/) }))
      .max(64)
      .optional(),
    /** Merged field by field into the stored signal spec. */
    signal: signalPatchSchema.optional(),
    settings: z.record(z.string(), z.unknown()).optional()
  })
  .strict()

export type ProjectPatch = z.infer<typeof projectPatchSchema>

export const projectArgs: ArgSchemas<ProjectApi> = {
  create: z.tuple([dir, z.string().min(1).max(200)]),
  open: z.tuple([dir]),
  recent: z.tuple([]),
  forget: z.tuple([dir]),
  update: z.tuple([dir, projectPatchSchema])
}
