import { emptySignal, type SignalSpec } from './signal'

/** project.json, versioned. Bump PROJECT_FORMAT_VERSION and add a migration when the shape changes. */
export const PROJECT_FORMAT = 'microforge-project'
export const PROJECT_FORMAT_VERSION = 2

export interface ClassDef {
  name: string
  /** #rrggbb */
  color: string
}

export interface ProjectFile {
  format: typeof PROJECT_FORMAT
  version: number
  name: string
  createdAt: string
  classes: ClassDef[]
  /** Rate, window, axes, units, sensor and preprocessing: the one contract between board and model. */
  signal: SignalSpec
  /** Step-specific settings (split seed, training options, ...). */
  settings: Record<string, unknown>
}

export const CLASS_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac']

/** The standard project folder layout (ARCHITECTURE.md, Storage). */
export const PROJECT_DIRS = ['samples', 'models', 'firmware', 'profiles'] as const

export function newProjectFile(name: string, now: Date = new Date()): ProjectFile {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_FORMAT_VERSION,
    name,
    createdAt: now.toISOString(),
    classes: [],
    signal: emptySignal(),
    settings: {}
  }
}
