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
  /** Something wrong beside the result (a damaged file it leaves out): stderr, with --json too. */
  warn?: (line: string) => void
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

/** What a command declares besides its name, usage and summary; `options` may be left out when it has none. */
export type CliCommandBody = Omit<CliCommand, 'name' | 'usage' | 'summary' | 'options'> & { options?: Record<string, CliOption> }

/**
 * A command from its name, the arguments its usage shows after `microforge NAME` (one string per
 * form of the command, each printed on its own line under the first), its summary and the rest.
 * The name is written once: the usage lines are built from it.
 */
export function defineCommand(name: string, args: string | string[], summary: string, body: CliCommandBody): CliCommand {
  const usage = (Array.isArray(args) ? args : [args]).map((a) => `microforge ${name} ${a}`).join('\n       ')
  return { name, usage, summary, ...body, options: body.options ?? {} }
}
