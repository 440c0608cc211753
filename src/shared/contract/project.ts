import { z } from 'zod'
import type { ArgSchemas } from './types'
import type { ProjectFile } from '../project-schema'
import type { StepStatus } from '../steps'

export interface ProjectSummary {
  /** Absolute path of the project folder: the project's identity everywhere. */
  dir: string
  project: ProjectFile
  /** Windows per class label, all splits. */
  samplesPerClass: Record<string, number>
  sampleCount: number
  hasFloatModel: boolean
  variantCount: number
  firmwareCount: number
  profileCount: number
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
    sensor: z
      .object({
        axes: z.array(z.string().min(1).max(32)).min(1).max(32),
        rateHz: z.number().positive().max(100_000).nullable(),
        baud: z.number().int().positive().max(10_000_000).nullable(),
        port: z.string().max(4096).nullable()
      })
      .optional(),
    windowLength: z.number().int().min(1).max(100_000).optional(),
    preprocessing: z.record(z.string(), z.unknown()).optional(),
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
