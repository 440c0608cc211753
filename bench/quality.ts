/**
 * `npm run bench -- quality`: test accuracy of each preset, the search and the nearest-neighbour
 * baseline on hard datasets (bench/lib/quality-data.ts says how each is made), with today's
 * defaults ("after") and the defaults before issue #18 ("before": fixed +-range scaling, no class
 * weights). Datasets come from generator seed 2 unless --seed says otherwise: defaults were chosen
 * on seed 1, so the recorded numbers are on data not used to choose them.
 * Writes bench/results/quality.json.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { initTrainingBackend, tf } from '../src/main/core/train/backend'
import { computeBaseline } from '../src/main/core/train/baseline'
import { prepareData, type PreparedData } from '../src/main/core/train/prepare'
import { BOARDS } from '../src/shared/boards'
import type { CandidateResult } from '../src/shared/search'
import { DEFAULT_TRAIN_OPTIONS, type PreprocessingChoice, type PreprocessingMethod, type PresetId } from '../src/shared/training'
import { runSearch } from '../src/main/core/train/search-run'
import { rankCandidates, searchCandidates } from '../src/main/core/train/search-space'
import { PRESETS, trainOne } from './lib/quality-run'
import { benchArg as arg, benchFlag as flag } from './lib/args'
import { qualityDatasets, type BenchDataset } from './lib/quality-data'
import { rewriteBenchMarkdown, writeBenchResult } from './lib/results'


interface Row {
  dataset: string
  config: 'before' | 'after'
  model: string
  preprocessing: string
  testAccuracy: number
  epochsRun: number
  trainMs: number
}

/** The search as the service runs it (fitted preprocessing and its alternative), in this thread. */
async function searchOne(d: BenchDataset, budgetSeconds: number): Promise<{ chosen: CandidateResult; bestTried: CandidateResult; tried: number; skipped: number; ms: number; leaders: number; folds: number }> {
  const started = Date.now()
  const prep = (method: PreprocessingChoice['method']) => prepareData(d.samples, d.classes, { method }, d.windowLength, DEFAULT_TRAIN_OPTIONS.validationSplit, DEFAULT_TRAIN_OPTIONS.seed)
  const fitted = prep('auto')
  const fm = fitted.preprocessing.method
  const om: PreprocessingMethod = fm === 'window-offset' ? 'zscore' : 'window-offset'
  const other = prep(om)
  const sets = (p: PreparedData) => ({ train: p.train, val: p.val!, test: p.test })
  const run = await runSearch(
    {
      candidates: searchCandidates(fm, om),
      sets: { [fm]: sets(fitted), [om]: sets(other) },
      inputShape: fitted.inputShape,
      classes: fitted.classes,
      board: BOARDS.nano33ble,
      deadline: started + budgetSeconds * 1000,
      seed: DEFAULT_TRAIN_OPTIONS.seed,
      patience: 10,
      balanceClasses: true
    },
    { cancelled: () => false, onCandidate: () => undefined }
  )
  const ms = Date.now() - started
  run.best?.model.dispose()
  const ranked = rankCandidates(run.results, fitted.val!.y.length)
  if (ranked[0].id !== run.best?.result.id) throw new Error('the search kept another model than its ranking puts first')
  for (const c of ranked) console.log(`    ${c.id.padEnd(36)} val ${pct(c.valAccuracy).padStart(6)} loss ${c.valLoss.toFixed(3)}${c.recheck ? `  re-check ${pct(c.recheck.accuracy).padStart(6)} loss ${c.recheck.loss.toFixed(3)} (${c.recheck.folds} folds, ${c.recheck.windows} windows)` : ''}  test ${pct(c.testAccuracy).padStart(6)}`)
  const bestTried = [...run.results].sort((a, b) => b.testAccuracy - a.testAccuracy)[0]
  return { chosen: ranked[0], bestTried, tried: run.results.length, skipped: run.skipped, ms, leaders: ranked.filter((c) => c.recheck).length, folds: ranked[0].recheck?.folds ?? 1 }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`

/** The same results as a table a reader can check at a glance, with how each dataset was made. */
function markdown(r: { date: string; generatorSeed: number; note: string; machine: { cpus: number; loadAverage: number[] }; datasets: Array<{ name: string; windows: number; classes: number; howMade: string }>; baselines: Array<{ dataset: string; preprocessing: string; nearestNeighbour: number }>; rows: Row[]; searches: Array<Record<string, unknown>> }): string {
  const L = [`# Quality bench (${r.date.slice(0, 10)}, generator seed ${r.generatorSeed})`, '', r.note, '', `Machine: ${r.machine.cpus} cores, load average ${r.machine.loadAverage.join(' ')} (shared): a search's wall-clock budget covers fewer candidates on a busy machine.`, '', '## Datasets', '']
  for (const d of r.datasets) L.push(`- **${d.name}** (${d.windows} windows, ${d.classes} classes): ${d.howMade}.`)
  L.push('', '## Test accuracy', '', '| dataset | config | preprocessing | baseline (1-NN) | dense | cnn1d | dscnn | search |', '|---|---|---|---|---|---|---|---|')
  for (const d of r.datasets) {
    for (const config of ['before', 'after'] as const) {
      const rows = r.rows.filter((x) => x.dataset === d.name && x.config === config)
      if (!rows.length) continue
      const base = r.baselines.find((b) => b.dataset === d.name && b.preprocessing === rows[0].preprocessing)
      const cell = (m: string): string => {
        const x = rows.find((y) => y.model === m)
        return x ? pct(x.testAccuracy) : '-'
      }
      const search = rows.find((x) => x.model.startsWith('search'))
      L.push(`| ${d.name} | ${config} | ${rows[0].preprocessing} | ${base ? pct(base.nearestNeighbour) : '-'} | ${cell('dense')} | ${cell('cnn1d')} | ${cell('dscnn')} | ${search ? `${pct(search.testAccuracy)} (${search.model.replace(/^search [^:]+: /, '')})` : '-'} |`)
    }
  }
  if (r.searches.length) {
    L.push('', '## Search', '', '| dataset | budget | elapsed | tried | not tried | leaders re-checked (validation folds each) | chosen (by validation) | its test acc. | best test acc. among tried | ratio |', '|---|---|---|---|---|---|---|---|---|---|')
    for (const s of r.searches) L.push(`| ${String(s.dataset)} | ${String(s.budgetSeconds)} s | ${String(s.elapsedSeconds)} s | ${String(s.tried)} | ${String(s.skipped)} | ${s.recheckedLeaders === undefined ? '-' : s.recheckedLeaders ? `${String(s.recheckedLeaders)} (${String(s.validationFolds)})` : 'none'} | ${String(s.chosen)} | ${pct(s.chosenTestAccuracy as number)} | ${pct(s.bestTriedTestAccuracy as number)} | ${pct(s.ratioToBestTried as number)} |`)
  }
  return L.join('\n') + '\n'
}

async function main(): Promise<void> {
  // Only rewrite quality.md from the recorded quality.json.
  if (flag('markdown-only')) return rewriteBenchMarkdown('quality', markdown)
  const seed = Number(arg('seed') ?? 2)
  const configs = (arg('configs') ?? 'before,after').split(',') as Array<'before' | 'after'>
  const presets = (arg('presets')?.split(',').filter(Boolean) ?? PRESETS) as PresetId[]
  const backend = await initTrainingBackend('wasm')
  const datasets = qualityDatasets(seed, arg('datasets'))
  const rows: Row[] = []
  const budget = Number(arg('budget') ?? 60)
  const searches: Array<Record<string, unknown>> = []
  const baselines: Array<{ dataset: string; preprocessing: string; nearestNeighbour: number; nearestClassMean: number; testWindows: number }> = []
  for (const d of datasets) {
    for (const config of configs) {
      const choice: PreprocessingChoice = config === 'before' ? { method: 'fixed-range' } : {}
      const data = prepareData(d.samples, d.classes, choice, d.windowLength, DEFAULT_TRAIN_OPTIONS.validationSplit, DEFAULT_TRAIN_OPTIONS.seed)
      const dim = data.inputShape[0] * data.inputShape[1]
      const b = computeBaseline(data.train, data.val, data.test, dim, data.classes.length)
      baselines.push({ dataset: d.name, preprocessing: data.preprocessing.method, nearestNeighbour: b.nearestNeighbour, nearestClassMean: b.nearestClassMean, testWindows: b.windows })
      console.log(`${d.name} ${config}: ${data.preprocessing.method}${data.preprocessing.chosen?.by === 'auto' ? ` (auto: ${data.preprocessing.chosen.reason})` : ''}; baseline 1-NN ${(b.nearestNeighbour * 100).toFixed(1)}%`)
      for (const preset of presets) {
        const r = await trainOne(data, preset, config)
        rows.push({ dataset: d.name, config, model: preset, preprocessing: data.preprocessing.method, testAccuracy: r.acc, epochsRun: r.epochsRun, trainMs: Math.round(r.ms) })
        console.log(`  ${config.padEnd(6)} ${preset.padEnd(6)} ${(r.acc * 100).toFixed(1).padStart(5)}%  ${r.epochsRun} epochs, ${(r.ms / 1000).toFixed(1)} s`)
      }
    }
    if (configs.includes('after') && !flag('no-search')) {
      const s = await searchOne(d, budget)
      const name = `search ${budget} s: ${s.chosen.preset} x${s.chosen.width} lr ${s.chosen.learningRate} ${s.chosen.preprocessing}`
      rows.push({ dataset: d.name, config: 'after', model: name, preprocessing: s.chosen.preprocessing, testAccuracy: s.chosen.testAccuracy, epochsRun: s.chosen.epochsRun, trainMs: s.ms })
      searches.push({ dataset: d.name, budgetSeconds: budget, elapsedSeconds: Math.round(s.ms / 100) / 10, tried: s.tried, skipped: s.skipped, recheckedLeaders: s.leaders, validationFolds: s.folds, chosen: s.chosen.id, chosenTestAccuracy: s.chosen.testAccuracy, bestTriedId: s.bestTried.id, bestTriedTestAccuracy: s.bestTried.testAccuracy, ratioToBestTried: s.bestTried.testAccuracy ? s.chosen.testAccuracy / s.bestTried.testAccuracy : 1 })
      console.log(`  search: ${name}: ${(s.chosen.testAccuracy * 100).toFixed(1)}% (best tried ${(s.bestTried.testAccuracy * 100).toFixed(1)}%), ${s.tried} tried, ${s.skipped} skipped, ${(s.ms / 1000).toFixed(1)} s`)
    }
  }
  const report = {
    benchmark: 'quality',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, tfjs: tf.version.tfjs, backend, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
    generatorSeed: seed,
    note: 'Test accuracy on a stratified 20% test split (seed 42) of datasets from generator seed ' + seed + '; defaults were chosen on seed 1. before: fixed-range scaling, no class weights, the old preset epochs/learning rates; after: scaling fitted to the training split (auto), balanced class weights, current preset defaults. Baseline: nearest neighbour on the same preprocessed windows. Presets train at their default batch size (cnn1d 32, dense and dscnn 16; before: 16). Search: ranked by validation accuracy; leaders tied within one validation window are re-checked on stratified folds of the training windows when the budget leaves time (never the test split); the budget is wall-clock, so a loaded machine covers fewer candidates and re-check folds.',
    datasets: datasets.map((d) => ({ name: d.name, windows: d.samples.length, classes: d.classes.length, windowLength: d.windowLength, howMade: d.description })),
    baselines,
    rows,
    searches
  }
  if (!flag('no-write')) {
    writeBenchResult('quality', report)
    writeFileSync(join(import.meta.dirname, 'results', 'quality.md'), markdown(report))
  }
}

await main()
