import { resolve } from 'node:path'
import type { ProjectSummary } from '../../shared/contract/project'
import type { SignalSpec } from '../../shared/signal'
import type { CliCommand } from '../command'

function formatSummary(result: unknown): string {
  const s = result as ProjectSummary
  const classes = Object.entries(s.samplesPerClass)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')
  const lines = [
    `${s.project.name}  (${s.dir})`,
    `  windows: ${s.sampleCount}${classes ? ` (${classes})` : ''}`,
    signalLine(s.project.signal),
    '  steps:'
  ]
  for (const st of s.steps) lines.push(`    ${st.title.padEnd(9)} ${st.state.padEnd(8)} ${st.detail}`)
  return lines.join('\n')
}

function signalLine(sig: SignalSpec): string {
  const rate = sig.sampleRateHz === null ? 'rate unknown' : `${sig.sampleRateHz} Hz`
  const window = sig.windowLength === null ? 'window length not set' : `${sig.windowLength}-sample windows${sig.sampleRateHz ? ` (${(sig.windowLength / sig.sampleRateHz).toFixed(2)} s)` : ''}`
  return `  signal: ${sig.axes.length ? sig.axes.join(', ') : 'axes not known'}; ${rate}; ${window}`
}

export const projectCreate: CliCommand = {
  name: 'project create',
  usage: 'microforge project create DIR [--name NAME] [--json]',
  summary: 'Create a new project folder.',
  options: { name: { type: 'string', description: 'Project name (default: the folder name)' } },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const name = typeof opts.name === 'string' && opts.name.trim() ? opts.name : resolve(dir).split(/[\\/]/).pop() || 'My project'
    return ctx.api.project.create(resolve(dir), name)
  },
  format: formatSummary
}

export const projectInfo: CliCommand = {
  name: 'project info',
  usage: 'microforge project info DIR [--json]',
  summary: 'Show a project: classes, windows, and the state of each step.',
  options: {},
  positionals: [1, 1],
  async run(ctx, [dir]) {
    return ctx.api.project.open(resolve(dir))
  },
  format: formatSummary
}
