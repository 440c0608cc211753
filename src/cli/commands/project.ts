import { resolve } from 'node:path'
import type { ProjectSummary } from '../../shared/contract/project'
import type { SignalSpec } from '../../shared/signal'
import { MicroforgeError } from '../../shared/errors'
import { defineCommand, type CliContext } from '../command'
import { rateHz, text, wholeNumber } from '../options'
import { formatNoun } from '../../shared/format'

function formatSummary(result: unknown): string {
  const s = result as ProjectSummary
  const classes = Object.entries(s.samplesPerClass)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')
  const lines = [
    `${s.project.name}  (${s.dir})`,
    `  windows: ${s.sampleCount}${classes ? ` (${classes})` : ''}`,
    signalLine(s.project.signal),
    ...damagedLines(s),
    '  steps:'
  ]
  for (const st of s.steps) lines.push(`    ${st.title.padEnd(9)} ${st.state.padEnd(8)} ${st.detail}`)
  return lines.join('\n')
}

/** Damaged records (variant index, firmware and profile sources), and window files that cannot be read, named with the reason (the first five) and the way out. */
function damagedLines(s: ProjectSummary): string[] {
  const damaged = s.damagedWindows ?? []
  const records = (s.recordProblems ?? []).map((p) => `  damaged record: ${p}`)
  if (damaged.length === 0) return records
  return [
    ...records,
    `  damaged: ${formatNoun(damaged.length, 'window file')}, counted in no class (delete in Capture or restore from a backup; train refuses until then):`,
    ...damaged.slice(0, 5).map((d) => `    ${d.file}: ${d.reason}`),
    ...(damaged.length > 5 ? [`    and ${damaged.length - 5} more`] : [])
  ]
}

function signalLine(sig: SignalSpec): string {
  const rate = sig.sampleRateHz === null ? 'rate unknown' : `${sig.sampleRateHz} Hz`
  const window = sig.windowLength === null ? 'window length not set' : `${sig.windowLength}-sample windows${sig.sampleRateHz ? ` (${(sig.windowLength / sig.sampleRateHz).toFixed(2)} s)` : ''}`
  const axes = sig.axes.map((a, i) => `${a}${sig.units[i] ? ` (${sig.units[i]}${sig.scale[i] !== undefined && sig.scale[i] !== 1 ? ` x ${sig.scale[i]}` : ''})` : ''}`)
  return `  signal: ${axes.length ? axes.join(', ') : 'axes not known'}; ${rate}; ${window}`
}

export const projectCreate = defineCommand('project create', 'DIR [--name NAME] [--json]', 'Create a new project folder.', {
  options: { name: text('Project name (default: the folder name)') },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const name = typeof opts.name === 'string' && opts.name.trim() ? opts.name : resolve(dir).split(/[\\/]/).pop() || 'My project'
    return ctx.api.project.create(resolve(dir), name)
  },
  format: formatSummary
})

export const projectInfo = defineCommand('project info', 'DIR [--json]', 'Show a project: classes, windows, and the state of each step.', {
  positionals: [1, 1],
  async run(ctx, [dir]) {
    return ctx.api.project.open(resolve(dir))
  },
  format: formatSummary
})

export const projectSet = defineCommand('project set', 'DIR [--rate HZ] [--window-length N] [--hop N] [--units U,U,...] [--scale S,S,...] [--json]', "Set the project's signal: the sample rate the sensor runs at, the window length and hop in samples.", {
  options: {
    rate: text('Sample rate in Hz (a Nano 33 BLE Sense IMU: 119)'),
    'window-length': text('Samples per window'),
    hop: text('Samples between window starts along long recordings'),
    units: text('Unit of each axis, in axis order: g, mg, m/s^2, deg/s, rad/s, mdps (the firmware converts the sensor to them)'),
    scale: text('Per axis, in axis order: value in the unit = recorded value * scale (1 for values already in the unit)')
  },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const samples = { min: 1, max: 100_000, example: 50, of: 'samples' }
    const rate = rateHz(opts.rate)
    const windowLength = wholeNumber('window-length', opts['window-length'], samples)
    const hop = wholeNumber('hop', opts.hop, samples)
    const perAxis = await perAxisLists(ctx, dir, opts.units, opts.scale)
    if (rate === undefined && windowLength === undefined && hop === undefined && !perAxis.units && !perAxis.scale) {
      throw new MicroforgeError('INVALID_ARGUMENT', 'Nothing to set.', 'Give --rate HZ, --window-length N, --hop N, --units or --scale.')
    }
    return ctx.api.project.update(resolve(dir), {
      signal: {
        ...(rate !== undefined ? { sampleRateHz: rate, rateSource: 'user' as const } : {}),
        ...(windowLength !== undefined ? { windowLength } : {}),
        ...(hop !== undefined ? { hop } : {}),
        ...(perAxis.units ? { units: perAxis.units } : {}),
        ...(perAxis.scale ? { scale: perAxis.scale } : {})
      }
    })
  },
  format: formatSummary
})


/** --units and --scale: one entry per axis of the project, in its axis order. */
async function perAxisLists(ctx: CliContext, dir: string, units: unknown, scale: unknown): Promise<{ units?: Array<string | null>; scale?: number[] }> {
  if (units === undefined && scale === undefined) return {}
  const axes = (await ctx.api.project.open(resolve(dir))).project.signal.axes
  const split = (name: string, v: unknown): string[] => {
    const list = String(v).split(',').map((x) => x.trim())
    if (axes.length === 0) throw new MicroforgeError('INVALID_ARGUMENT', `The project has no axes yet, so --${name} has nothing to apply to.`, 'Capture or import some windows first.')
    if (list.length !== axes.length) {
      throw new MicroforgeError('INVALID_ARGUMENT', `--${name} gives ${list.length} values for ${axes.length} axes (${axes.join(', ')}).`, `Give one per axis, in that order, separated by commas.`)
    }
    return list
  }
  const out: { units?: Array<string | null>; scale?: number[] } = {}
  if (units !== undefined) out.units = split('units', units).map((u) => u || null)
  if (scale !== undefined) {
    out.scale = split('scale', scale).map((x) => {
      const n = Number(x)
      if (!Number.isFinite(n) || n === 0) throw new MicroforgeError('INVALID_ARGUMENT', `--scale ${x} is not a non-zero number.`, 'Try --scale 1,1,1 for values already in their unit.')
      return n
    })
  }
  return out
}
