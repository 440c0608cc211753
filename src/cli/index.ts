/**
 * `microforge <command>`: the app's services from a terminal. Every command prints JSON with
 * --json (for scripts and tests) and readable text otherwise. Exit codes: 0 ok, 1 failed, 2 usage.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { describeError, toErrorData } from '../shared/errors'
import { createMemoryClient } from '../main/rpc/memory-transport'
import { createServices } from '../main/services'
import { APP_VERSION } from '../main/version'
import type { CliCommand, CliContext } from './command'
import { commands } from './commands'

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t + '\n'),
  err: (t) => process.stderr.write(t + '\n')
}

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `microforge ${APP_VERSION}: from a live accelerometer to an optimized int8 model on your board.`,
    '',
    'Usage: microforge <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options for every command:',
    '  --json     print the result as JSON',
    '  --help     show help for a command',
    '  --version  print the version'
  ].join('\n')
}

function commandHelp(c: CliCommand): string {
  const lines = [c.summary, '', `Usage: ${c.usage}`]
  const opts = Object.entries(c.options)
  if (opts.length) {
    lines.push('', 'Options:')
    for (const [k, o] of opts) lines.push(`  --${k}${o.type === 'string' ? ' VALUE' : ''}`.padEnd(26) + o.description)
  }
  return lines.join('\n')
}

/** Finds the command whose words start argv (longest name first: 'project create' before 'project'). */
function match(argv: string[]): { command: CliCommand; rest: string[] } | null {
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length)
  for (const c of sorted) {
    const words = c.name.split(' ')
    if (words.every((w, i) => argv[i] === w)) return { command: c, rest: argv.slice(words.length) }
  }
  return null
}

export async function runCli(argv: string[], io: CliIo = defaultIo, interrupted: Promise<void> = new Promise(() => {})): Promise<number> {
  const json = argv.includes('--json')
  const fail = (code: number, message: string, hint?: string): number => {
    if (json) io.out(JSON.stringify({ error: { code: code === 2 ? 'USAGE' : 'FAILED', message, ...(hint ? { hint } : {}) } }))
    else io.err(hint ? `${message}\n${hint}` : message)
    return code
  }
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(helpText())
    return 0
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(json ? JSON.stringify({ version: APP_VERSION }) : APP_VERSION)
    return 0
  }
  const found = match(argv.filter((a) => a !== '--json'))
  if (!found) return fail(2, `Unknown command: ${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}`, 'Run `microforge --help` for the list of commands.')
  const { command, rest } = found
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command))
    return 0
  }
  const config: ParseArgsConfig = { args: rest, allowPositionals: true, strict: true, options: {} }
  for (const [k, o] of Object.entries(command.options)) {
    const opt: NonNullable<ParseArgsConfig['options']>[string] = { type: o.type }
    if (o.short) opt.short = o.short
    if (o.multiple) opt.multiple = true
    if (o.default !== undefined) opt.default = o.default
    config.options![k] = opt
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  let positionals: string[]
  try {
    const parsed = parseArgs(config)
    values = parsed.values
    positionals = parsed.positionals
  } catch (err) {
    return fail(2, (err as Error).message, `Usage: ${command.usage}`)
  }
  const [min, max] = command.positionals
  if (positionals.length < min || positionals.length > max) return fail(2, `Wrong number of arguments for ${command.name}.`, `Usage: ${command.usage}`)

  const services = createServices({ host: 'cli' })
  const { client, close } = createMemoryClient(services.api, services.bus)
  const ctx: CliContext = { api: client, json, progress: (line) => !json && io.err(line), warn: (line) => io.err(line), interrupted }
  try {
    const result = await command.run(ctx, positionals, values as Record<string, string | boolean | string[] | undefined>)
    io.out(json ? JSON.stringify(result) : command.format ? command.format(result) : JSON.stringify(result, null, 2))
    return 0
  } catch (err) {
    const e = toErrorData(err)
    if (json) io.out(JSON.stringify({ error: e }))
    else io.err(describeError(e))
    return 1
  } finally {
    close()
    await services.dispose()
  }
}
