import { join, resolve } from 'node:path'
import type { ProfileComparison, ProfileLiveUpdate, ProfileSessionSummary, ProfileSource } from '../../shared/contract/profile'
import { MicroforgeError } from '../../shared/errors'
import { formatBytes, formatMicros, formatRatio, MISSING } from '../../shared/format'
import { ORIGIN_LABELS } from '../../shared/profile-format'
import { defineCommand } from '../command'
import { flag, kernelSet, text, wholeNumber } from '../options'

/**
 * `microforge profile ...`: the Profile step from a terminal. `profile run` measures a board on a
 * serial port, or the project's generated firmware on the virtual board (host timings), and saves
 * the session in the project like the app does.
 */

function summaryText(result: unknown): string {
  const s = result as ProfileSessionSummary | null
  if (!s) return 'Nothing arrived: no profile lines were read. Check the port, the baud rate and that the board runs the profile firmware.'
  const stages = Object.entries(s.medians)
    .map(([k, v]) => `${k} ${formatMicros(v)}`)
    .join(', ')
  return [
    `${s.name}: ${s.inferences} inferences, timings from the ${ORIGIN_LABELS[s.origin]}`,
    `  medians: ${stages || MISSING}; total ${formatMicros(s.totalMedian)}`,
    `  arena used ${formatBytes(s.memory.arenaUsed)}${s.memory.freeHeap !== undefined ? `, free memory ${formatBytes(s.memory.freeHeap)}` : ''}`,
    ...(s.measuredOverEstimated !== undefined ? [`  measured / estimated inference: ${formatRatio(s.measuredOverEstimated)}`] : []),
    `  saved as profiles/${s.id}.json`
  ].join('\n')
}

export const profileRun = defineCommand('profile run', 'PROJECT (--port PATH [--baud 115200] | --virtual [--runtime c|tflm] [--kernels reference|cmsis-nn] [--firmware DIR] [--synthetic] [--qemu]) [--count 100] [--name NAME] [--variant NAME] [--target BOARD] [--estimate-us N] [--json]', "Measure per-stage timings of a board's profile firmware, or of the generated firmware on the virtual board, and save the session.", {
  options: {
    port: text('Serial port of a board running profile firmware'),
    baud: text('Baud rate (default 115200)', '115200'),
    virtual: flag("Run the project's generated firmware on this computer (host timings)"),
    runtime: text('With --virtual: c (default) or tflm, the runtime of the project firmware to run (tflm needs the TFLM SDK setting or MICROFORGE_TFLM)'),
    kernels: text('With --virtual --qemu --runtime tflm: reference (default) or cmsis-nn'),
    firmware: text('With --virtual: the firmware folder (default: the newest profile firmware)'),
    synthetic: flag('With --virtual: synthetic gestures instead of the dataset windows'),
    qemu: flag('With --virtual: run the Cortex-M4 build in QEMU and time it by instruction count'),
    count: text('Inferences to measure (default 100)', '100'),
    name: text('Session name'),
    variant: text('The model variant the firmware runs'),
    target: text('The board (nano33ble, esp32, pico, stm32f4): a measured ratio corrects its estimates'),
    'estimate-us': text("Optimize's uncorrected inference estimate, µs"),
    timeout: text('Give up after this many seconds (default 120)', '120')
  },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const project = resolve(dir)
    const count = wholeNumber('count', opts.count, { min: 1, example: 100 }) ?? 100
    let source: ProfileSource
    if (opts.virtual === true) {
      const runtime = opts.runtime === undefined ? undefined : String(opts.runtime)
      if (runtime !== undefined && runtime !== 'c' && runtime !== 'tflm') throw new MicroforgeError('INVALID_ARGUMENT', `--runtime ${runtime} is not a runtime.`, 'Use --runtime c or --runtime tflm.')
      const kernels = kernelSet(opts.kernels)
      source = {
        kind: 'virtual',
        engine: opts.qemu === true ? 'qemu' : 'host',
        windows: opts.synthetic === true ? 'synthetic' : 'dataset',
        ...(runtime ? { runtime } : {}),
        ...(kernels ? { kernels } : {}),
        ...(typeof opts.firmware === 'string' ? { firmwareDir: resolve(opts.firmware) } : {})
      }
    } else if (typeof opts.port === 'string') {
      source = { kind: 'serial', port: opts.port, baud: Number(opts.baud) }
    } else {
      throw new MicroforgeError('INVALID_ARGUMENT', 'Say where the timings come from: --port PATH, or --virtual.', 'For example: microforge profile run my-project --virtual')
    }
    const estimate = opts['estimate-us'] === undefined ? undefined : Number(opts['estimate-us'])
    const options = {
      maxInferences: count,
      ...(typeof opts.name === 'string' ? { name: opts.name } : {}),
      ...(typeof opts.variant === 'string' ? { variant: opts.variant } : {}),
      ...(typeof opts.target === 'string' ? { target: opts.target } : {}),
      ...(estimate !== undefined && estimate > 0 ? { estimatedInferenceUs: estimate } : {})
    }
    let sessionId = ''
    const finished = new Promise<ProfileLiveUpdate>((res) => {
      const off = ctx.api.on('profile.live', (u) => {
        if (u.sessionId !== sessionId) return
        if (u.state === 'stopped' || u.state === 'failed') {
          off()
          res(u)
        }
      })
    })
    ctx.progress(source.kind === 'virtual' ? 'Building the firmware for this computer and starting the virtual board…' : `Reading ${source.port} at ${source.baud} baud…`)
    const started = await ctx.api.profile.start(project, source, options)
    sessionId = started.sessionId
    const seconds = Number(opts.timeout) > 0 ? Number(opts.timeout) : 120
    const timer = new Promise<'timeout'>((res) => setTimeout(() => res('timeout'), seconds * 1000).unref())
    const outcome = await Promise.race([finished, timer, ctx.interrupted.then(() => 'interrupt' as const)])
    if (outcome === 'timeout' || outcome === 'interrupt') {
      const saved = await ctx.api.profile.stop(sessionId)
      if (saved?.warning) (ctx.warn ?? ctx.progress)(saved.warning)
      return saved
    }
    if (outcome.error && !outcome.savedId) throw MicroforgeError.fromData(outcome.error)
    if (outcome.error) ctx.progress(`${outcome.error.message} The inferences so far are saved.`)
    if (outcome.warning) (ctx.warn ?? ctx.progress)(outcome.warning)
    return outcome.savedId ? (await ctx.api.profile.list(project)).find((s) => s.id === outcome.savedId) ?? null : null
  },
  format: summaryText
})

export const profileList = defineCommand('profile list', 'PROJECT [--json]', "List a project's saved profiling sessions.", {
  positionals: [1, 1],
  async run(ctx, [dir]) {
    // The JSON stays the list of sessions; a file that cannot be read is said on stderr, never left out in silence.
    const { sessions: list, damaged } = await ctx.api.profile.saved(resolve(dir))
    for (const d of damaged) (ctx.warn ?? ctx.progress)(`${d.kind === 'damaged' ? 'Damaged' : 'Cannot be read'}: ${d.file}: ${d.reason}`)
    const unknown = list.find((s) => s.staleUnknown)?.staleUnknown
    if (unknown) (ctx.warn ?? ctx.progress)(unknown)
    return list
  },
  format(result) {
    const list = result as ProfileSessionSummary[]
    if (!list.length) return 'No profiling sessions yet.'
    return list
      .map((s) => `${s.id}  ${s.name}  ${s.origin}  inference ${formatMicros(s.medians.inference)}  total ${formatMicros(s.totalMedian)}`)
      .join('\n')
  }
})

export const profileCompare = defineCommand('profile compare', 'PROJECT ID... [--json]', 'Compare saved sessions side by side (the first is the baseline) as a Markdown table.', {
  positionals: [2, 13],
  async run(ctx, [dir, ...ids]) {
    return ctx.api.profile.compare(resolve(dir), ids)
  },
  format: (result) => (result as ProfileComparison).markdown
})

export const profileExport = defineCommand('profile export', 'PROJECT ID [--out FILE.csv] [--json]', 'Export a saved session as CSV, one row per inference.', {
  options: { out: text('CSV file to write (default PROJECT/profiles/ID.csv)') },
  positionals: [2, 2],
  async run(ctx, [dir, id], opts) {
    const out = typeof opts.out === 'string' && opts.out !== '' ? resolve(opts.out) : join(resolve(dir), 'profiles', `${sanitizeFileName(id)}.csv`)
    const r = await ctx.api.profile.exportCsv(resolve(dir), id, out)
    return { path: r.path, rows: r.csv.split('\n').length - 2 }
  },
  format: (result) => `Wrote ${(result as { rows: number }).rows} inferences to ${(result as { path: string }).path}.`
})

export const profileCommands = [profileRun, profileList, profileCompare, profileExport]

/** A session id as a file name: letters, digits, dot, dash and underscore only. */
function sanitizeFileName(id: string): string {
  return id.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_') || 'session'
}
