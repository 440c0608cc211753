import { resolve } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import type { EpochMetrics, PresetId, TrainRequest, TrainResult } from '../../shared/training'
import { defineCommand } from '../command'
import { flag, text } from '../options'
import { runJob } from './job-run'
import { formatSearch, runSearchCommand, type SearchOutput } from './train-search'

const MODELS: PresetId[] = ['dense', 'cnn1d', 'dscnn']

function intOption(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new MicroforgeError('INVALID_ARGUMENT', `--${name} must be a whole number of at least ${min}, not "${String(value)}".`, `For example --${name} ${Math.max(min, 1) * 10}.`)
  return n
}

interface TrainOutput {
  testAccuracy: number
  backend: string
  /** Set when the wasm backend did not load and training ran on cpu: the reason. */
  backendFallback?: string
  modelPath: string
  model: string
  epochsRun: number
  bestEpoch: number
  stoppedEarly: boolean
  trainMs: number
  params: number
  macs: number
  confusion: number[][]
  classes: string[]
  perClass: TrainResult['test']['perClass']
  misclassified: string[]
  summary: string
  /** What the model input is and why it was chosen. */
  preprocessing: { method: string; chosenBy: string; reason: string }
  /** Accuracy with no training on the same test windows; the model should not be below it. */
  baseline: TrainResult['baseline'] | null
  advice: TrainResult['advice'] | null
}

const METHODS = ['auto', 'zscore', 'window-offset', 'fixed-range', 'none'] as const

/** The advice's training request as this command's flags. */
function cliFlags(fix: TrainRequest): string {
  const flags: string[] = []
  if (fix.preset) flags.push(`--model ${fix.preset}`)
  if (fix.epochs) flags.push(`--epochs ${fix.epochs}`)
  if (fix.learningRate) flags.push(`--lr ${fix.learningRate}`)
  if (fix.preprocessing?.method) flags.push(`--preprocessing ${fix.preprocessing.method}`)
  return flags.join(' ')
}

export const command = defineCommand('train', 'PROJECT [--model dense|cnn1d|dscnn] [--epochs N] [--seed N] [--batch-size N] [--lr RATE] [--backend auto|wasm|cpu|tensorflow] [--preprocessing auto|zscore|window-offset|fixed-range|none] [--search [--budget SECONDS] [--board ID]] [--json]', 'Train the float32 model on the project windows (in a worker thread) and save it to models/float.', {
  options: {
    model: text('Architecture preset: dense, cnn1d or dscnn (default: the last one used, else cnn1d)'),
    epochs: text('Epochs (default: the preset\'s)'),
    seed: text('Seed for weights, dropout and shuffling (default 42)'),
    'batch-size': text('Windows per batch (default 16)'),
    lr: text('Learning rate (default: the preset\'s)'),
    backend: text('tfjs backend: auto, wasm, cpu or tensorflow (default auto)'),
    search: flag('Find a good model: try presets, widths, learning rates and preprocessing within --budget, keep the best'),
    budget: text('Search time budget in seconds (default 60)'),
    board: text('Board whose flash, RAM and speed rank the search: nano33ble, esp32, pico, stm32f4 (default nano33ble)'),
    preprocessing: text('Model input scaling: auto (fitted to the training windows, default), zscore, window-offset, fixed-range or none')
  },
  positionals: [1, 1],
  async run(ctx, [dir], opts) {
    if (opts.search) return runSearchCommand(ctx, dir, opts)
    const request: TrainRequest = {}
    if (opts.model !== undefined) {
      if (!MODELS.includes(opts.model as PresetId)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown model "${String(opts.model)}".`, `Choose one of: ${MODELS.join(', ')}.`)
      request.preset = opts.model as PresetId
    }
    request.epochs = intOption('epochs', opts.epochs, 1)
    request.seed = intOption('seed', opts.seed, 0)
    request.batchSize = intOption('batch-size', opts['batch-size'], 1)
    if (opts.lr !== undefined) {
      const lr = Number(opts.lr)
      if (!(lr > 0 && lr <= 10)) throw new MicroforgeError('INVALID_ARGUMENT', `--lr must be a positive number, not "${String(opts.lr)}".`, 'For example --lr 0.002.')
      request.learningRate = lr
    }
    if (opts.backend !== undefined) {
      if (!['auto', 'wasm', 'cpu', 'tensorflow'].includes(String(opts.backend))) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown backend "${String(opts.backend)}".`, 'Choose auto, wasm, cpu or tensorflow.')
      request.backend = opts.backend as TrainRequest['backend']
    }
    if (opts.preprocessing !== undefined) {
      const method = String(opts.preprocessing) as (typeof METHODS)[number]
      if (!METHODS.includes(method)) throw new MicroforgeError('INVALID_ARGUMENT', `Unknown preprocessing "${method}".`, `Choose one of: ${METHODS.join(', ')}.`)
      request.preprocessing = { method }
    }
    for (const k of Object.keys(request) as Array<keyof TrainRequest>) if (request[k] === undefined) delete request[k]

    const r = (await runJob(
      ctx,
      () => ctx.api.training.start(resolve(dir), request),
      (u) => {
        const m = u.data as EpochMetrics | undefined
        if (!m?.epoch) return
        const eta = u.etaMs === undefined ? '' : `, ${Math.ceil(u.etaMs / 1000)} s left`
        ctx.progress(`${u.message}${eta}`)
      },
      'Training was cancelled; the previous model (if any) is unchanged.',
      'Run the command again to train.'
    )) as TrainResult
    const out: TrainOutput = {
      testAccuracy: r.testAccuracy,
      backend: r.backend,
      ...(r.backendFallback ? { backendFallback: r.backendFallback } : {}),
      modelPath: r.modelPath,
      model: r.options.spec.preset,
      epochsRun: r.epochsRun,
      bestEpoch: r.bestEpoch,
      stoppedEarly: r.stoppedEarly,
      trainMs: r.trainMs,
      params: r.summary.totalParams,
      macs: r.summary.totalMacs,
      confusion: r.test.confusion,
      classes: r.classes,
      perClass: r.test.perClass,
      misclassified: r.test.misclassified.map((m) => m.id),
      summary: r.summary.text,
      preprocessing: { method: r.preprocessing.method, chosenBy: r.preprocessing.chosen?.by ?? 'user', reason: r.preprocessing.chosen?.reason ?? '' },
      baseline: r.baseline ?? null,
      advice: r.advice ?? null
    }
    return out
  },
  format(result) {
    if ((result as SearchOutput).search) return formatSearch(result as SearchOutput)
    const r = result as TrainOutput
    const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
    const width = Math.max(...r.classes.map((c) => c.length), 9)
    return [
      r.summary,
      '',
      `Preprocessing: ${r.preprocessing.method} (${r.preprocessing.chosenBy}). ${r.preprocessing.reason}`,
      `Test accuracy: ${pct(r.testAccuracy)}  (backend ${r.backend}, ${r.epochsRun} epochs, best ${r.bestEpoch}${r.stoppedEarly ? ', stopped early' : ''}, ${(r.trainMs / 1000).toFixed(1)} s)`,
      ...(r.backendFallback ? [r.backendFallback] : []),
      ...(r.baseline ? [`Baseline without training: nearest neighbour ${pct(r.baseline.nearestNeighbour)}, nearest class mean ${pct(r.baseline.nearestClassMean)}`] : []),
      ...(r.advice ? ['', `Below the baseline. ${r.advice.message}`, ...r.advice.causes.map((c) => `  - ${c}`), `Fix: ${r.advice.fixLabel}: microforge train PROJECT ${cliFlags(r.advice.fix)}`] : []),
      '',
      `${'true \\ pred'.padEnd(width + 2)}${r.classes.map((c) => c.padStart(width)).join('')}`,
      ...r.confusion.map((row, i) => `${r.classes[i].padEnd(width + 2)}${row.map((n) => String(n).padStart(width)).join('')}`),
      '',
      ...r.perClass.map((c) => `${c.label.padEnd(width + 2)}precision ${pct(c.precision)}, recall ${pct(c.recall)} (${c.support} windows)`),
      r.misclassified.length ? `Misclassified: ${r.misclassified.join(', ')}` : 'No test window misclassified.',
      `Saved: ${r.modelPath}`
    ].join('\n')
  }
})
