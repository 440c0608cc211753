import type { ApiClient } from '../shared/rpc'

/**
 * A CLI command. Parsing is done by the runner with node:util parseArgs; run() returns plain data
 * which the runner prints as JSON with --json, or through format() for people.
 */
export interface CliContext {
  /** The same services the app uses, through the in-memory transport. */
  api: ApiClient
  json: boolean
  /** Progress lines for people (stderr); silent with --json. */
  progress: (line: string) => void
  /** Resolves when the user presses Ctrl+C (for long-running commands like sim-board). */
  interrupted: Promise<void>
}

export interface CliOption {
  type: 'string' | 'boolean'
  short?: string
  multiple?: boolean
  default?: string | boolean
  description: string
}

export interface CliCommand {
  /** e.g. 'project create', 'import', 'inspect' */
  name: string
  usage: string
  summary: string
  options: Record<string, CliOption>
  /** Number of positional arguments: [min, max] (max Infinity for lists). */
  positionals: [number, number]
  run(ctx: CliContext, positionals: string[], options: Record<string, string | boolean | string[] | undefined>): Promise<unknown>
  /** Human-readable rendering of run()'s result. Defaults to pretty JSON. */
  format?(result: unknown): string
}
