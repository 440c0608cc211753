import { resolve } from 'node:path'
import type { JobUpdate } from '../../shared/contract/jobs'
import type { OptimizeRequest } from '../../shared/contract/optimize'
import { MicroforgeError } from '../../shared/errors'
import { VARIANT_KINDS, tflmVerdict, type VariantKind, type VariantRecord } from '../../shared/optimize'
import { defineCommand } from '../command'
import { flag, text } from '../options'

export interface OptimizeOutput {
  floatAccuracy: number | null
  variants: Array<{
    name: string
    kind: VariantKind
    accuracy: number
    accuracyDelta: number
    tfliteBytes: number
    gzipBytes: number
    arenaBytes: number
    /** Whether TensorFlow Lite Micro can load it (false for hybrid dynamic-range and float16 variants). */
    tflmSupported: boolean
    /** Why not, when tflmSupported is false. */
    tflmProblem?: string
    params: number
    macs: number
    /** Estimated ms per inference by board. */
    latencyMs: Record<string, number>
    hostLatencyMs: number
    sparsity: number
    baselineAccuracy?: number
    /** Set when the wasm backend did not load and the variant was made on cpu: the reason. */
    backendFallback?: string
    jobMs: number
    path: string
  }>
}

function number(name: string, value: unknown, min: number, max: number, int: boolean): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
    throw new MicroforgeError('INVALID_ARGUMENT', `--${name} must be ${int ? 'a whole number' : 'a number'} from ${min} to ${max}, not "${String(value)}".`, `For example --${name} ${int ? Math.max(min, 1) : max / 2}.`)
  }
  return n
}

/** Percent (70) or fraction (0.7) to a fraction. */
function share(name: string, value: unknown, max: number): number | undefined {
  const n = number(name, value, 0, 100, false)
  if (n === undefined) return undefined
  const f = n > 1 ? n / 100 : n
  if (f > max) throw new MicroforgeError('INVALID_ARGUMENT', `--${name} must be at most ${max * 100}%.`, `For example --${name} 70.`)
  return f
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const kb = (b: number): string => `${(b / 1024).toFixed(1)} KB`

export const command = defineCommand('optimize', 'PROJECT [--variants ptq,qat,prune,...] [--epochs N] [--sparsity 70] [--json]', 'Make optimized variants of the trained model (PTQ, QAT, pruning, distillation, clustering) and compare them.', {
  options: {
    variants: text(`Comma-separated: ${VARIANT_KINDS.join(', ')} (default ptq,qat,prune)`),
    epochs: text('Fine-tuning epochs for QAT, pruning and clustering (default 15)'),
    'student-epochs': text('Epochs for the distilled student (default 60)'),
    sparsity: text('Final sparsity of magnitude pruning, % (default 70)'),
    'structured-fraction': text('Share of filters/neurons structured pruning removes, % (default 50)'),
    clusters: text('Weight clusters per layer (default 16)'),
    temperature: text('Distillation temperature (default 4)'),
    alpha: text('Distillation weight of the hard labels, 0..1 (default 0.3)'),
    'per-tensor': flag('One weight scale per tensor for PTQ and QAT (default: per channel)'),
    seed: text('Seed (default 42)')
  },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    const list = typeof opts.variants === 'string' ? opts.variants.split(',').map((s) => s.trim()).filter(Boolean) : ['ptq', 'qat', 'prune']
    const unknown = list.filter((v) => !VARIANT_KINDS.includes(v as VariantKind))
    if (unknown.length) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown variant ${unknown.map((u) => `"${u}"`).join(', ')}.`, `Choose from: ${VARIANT_KINDS.join(', ')}.`)
    const request: OptimizeRequest = { variants: list as VariantKind[] }
    const set = <K extends keyof OptimizeRequest>(k: K, v: OptimizeRequest[K] | undefined): void => {
      if (v !== undefined) request[k] = v
    }
    set('epochs', number('epochs', opts.epochs, 1, 1000, true))
    set('studentEpochs', number('student-epochs', opts['student-epochs'], 1, 1000, true))
    set('sparsity', share('sparsity', opts.sparsity, 0.99))
    set('structuredFraction', share('structured-fraction', opts['structured-fraction'], 0.95))
    set('clusters', number('clusters', opts.clusters, 2, 256, true))
    set('temperature', number('temperature', opts.temperature, 1, 100, false))
    set('alpha', number('alpha', opts.alpha, 0, 1, false))
    set('seed', number('seed', opts.seed, 0, 2 ** 31 - 1, true))
    if (opts['per-tensor'] === true) request.perChannel = false

    const project = resolve(dir)
    // Listen before starting: the first updates can arrive before start() returns the ids.
    const finals = new Map<string, JobUpdate>()
    const waiters = new Map<string, (u: JobUpdate) => void>()
    let lastLine = ''
    const onUpdate = (u: JobUpdate): void => {
      if (!u.kind.startsWith('optimize')) return
      if (u.state === 'running') {
        if (u.message !== lastLine && u.progress > 0) ctx.progress(u.message)
        lastLine = u.message
        return
      }
      finals.set(u.jobId, u)
      waiters.get(u.jobId)?.(u)
    }
    const unsubscribe = ctx.api.on('jobs.update', onUpdate)
    try {
      const started = await ctx.api.optimize.start(project, request)
      void ctx.interrupted.then(() => Promise.all(started.jobs.map((j) => ctx.api.jobs.cancel(j.jobId).catch(() => undefined))))
      const failures: string[] = []
      for (const j of started.jobs) {
        const end = finals.get(j.jobId) ?? (await new Promise<JobUpdate>((r) => waiters.set(j.jobId, r)))
        if (end.state === 'failed') failures.push(`${j.variant}: ${end.error?.message ?? end.message}`)
        if (end.state === 'cancelled') throw new MicroforgeError('CANCELLED', 'Optimization was cancelled; finished variants are saved.', 'Run the command again for the rest.')
      }
      if (failures.length === started.jobs.length) throw new MicroforgeError('MODEL_ERROR', `Every variant failed: ${failures.join('; ')}`, 'Train the model first (microforge train PROJECT), then optimize.')
      for (const f of failures) ctx.progress(`failed: ${f}`)
      const index = await ctx.api.optimize.list(project)
      const wanted = new Set<string>(['float32', ...list])
      const out: OptimizeOutput = {
        floatAccuracy: index.floatAccuracy,
        variants: index.variants.filter((v) => wanted.has(v.name)).map((v: VariantRecord) => {
          const tflm = tflmVerdict(v)
          return {
            name: v.name,
            kind: v.kind,
            accuracy: v.accuracy,
            accuracyDelta: v.accuracyDelta,
            tfliteBytes: v.tfliteBytes,
            gzipBytes: v.gzipBytes,
            arenaBytes: v.arenaBytes,
            tflmSupported: tflm.supported,
            ...(tflm.problem ? { tflmProblem: tflm.problem } : {}),
            params: v.params,
            macs: v.macs,
            latencyMs: Object.fromEntries(v.latency.map((l) => [l.target, +l.ms.toFixed(3)])),
            hostLatencyMs: +v.hostLatencyMs.toFixed(3),
            sparsity: v.sparsity,
            ...(v.baselineAccuracy !== undefined ? { baselineAccuracy: v.baselineAccuracy } : {}),
            ...(v.backendFallback ? { backendFallback: v.backendFallback } : {}),
            jobMs: v.jobMs,
            path: resolve(project, v.path)
          }
        })
      }
      return out
    } finally {
      unsubscribe()
    }
  },
  format(result) {
    const r = result as OptimizeOutput
    const head = ['variant', 'accuracy', 'change', '.tflite', 'gzip', 'arena', 'MACs', 'nRF52840', 'ESP32', 'TFLM']
    const rows = r.variants.map((v) => [
      v.name,
      pct(v.accuracy),
      `${v.accuracyDelta >= 0 ? '+' : ''}${(v.accuracyDelta * 100).toFixed(1)} pt`,
      kb(v.tfliteBytes),
      kb(v.gzipBytes),
      kb(v.arenaBytes),
      v.macs.toLocaleString('en-US'),
      `${(v.latencyMs.nano33ble ?? 0).toFixed(2)} ms`,
      `${(v.latencyMs.esp32 ?? 0).toFixed(2)} ms`,
      v.tflmSupported ? 'yes' : 'no'
    ])
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')
    const refused = r.variants.filter((v) => !v.tflmSupported).map((v) => `${v.name}: TensorFlow Lite Micro cannot load it. ${v.tflmProblem ?? ''}`.trim())
    const fallbacks = [...new Set(r.variants.flatMap((v) => (v.backendFallback ? [v.backendFallback] : [])))]
    return [line(head), ...rows.map(line), '', ...r.variants.map((v) => `${v.name}: ${v.path}`), ...(refused.length ? ['', ...refused] : []), ...(fallbacks.length ? ['', ...fallbacks] : [])].join('\n')
  }
})
