/**
 * `npm run bench -- quality-batch`: does the default batch size cost accuracy? Trains every preset
 * with today's defaults (fitted preprocessing, class weights, preset epochs and learning rate,
 * early stopping) at batch 16 and at batch 32 on the quality bench's hard datasets (generator
 * seed 2, as the quality bench), over several training seeds, and records test accuracy, how
 * often the model reaches the nearest-neighbour baseline, and how training stopped.
 * Writes bench/results/quality-batch.json and .md.
 */
import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { initTrainingBackend, tf } from '../src/main/core/train/backend'
import { computeBaseline } from '../src/main/core/train/baseline'
import { prepareData } from '../src/main/core/train/prepare'
import { findPreset } from '../src/main/core/train/presets'
import { DEFAULT_TRAIN_OPTIONS, type PresetId } from '../src/shared/training'
import { benchArg as arg, benchFlag as flag } from './lib/args'
import { qualityDatasets } from './lib/quality-data'
import { PRESETS, trainOne } from './lib/quality-run'
import { rewriteBenchMarkdown, writeBenchResult } from './lib/results'

interface Row {
  dataset: string
  preset: PresetId
  batchSize: number
  trainSeed: number
  testAccuracy: number
  valAccuracy: number | null
  baseline: number
  atOrAboveBaseline: boolean
  epochsRun: number
  bestEpoch: number
  stoppedEarly: boolean
  trainMs: number
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length)

/** The batch size each preset trains with by default today. */
const defaultBatch = (p: PresetId): number => findPreset(p).recommended.batchSize

function markdown(r: { date: string; batchSizes: number[]; trainSeeds: number[]; machine: { loadAverage: number[] }; rows: Row[] }): string {
  const L = [
    `# Batch size vs accuracy (${r.date.slice(0, 10)})`,
    '',
    `Default batch size per preset (today's code): ${PRESETS.map((p) => `${p} **${defaultBatch(p)}**`).join(', ')}. Each cell: mean test accuracy over training seeds ${r.trainSeeds.join(', ')} (min-max), then how many runs reached the nearest-neighbour baseline on the same split (within half a test window), then mean epochs run / best epoch. Datasets from generator seed 2 (bench/lib/quality-data.ts), today's defaults otherwise. Load average ${r.machine.loadAverage.join(' ')}.`,
    '',
    `| dataset | preset | baseline | ${r.batchSizes.map((b) => `batch ${b}`).join(' | ')} |`,
    `|---|---|---|${r.batchSizes.map(() => '---').join('|')}|`
  ]
  for (const d of [...new Set(r.rows.map((x) => x.dataset))]) {
    for (const p of [...new Set(r.rows.map((x) => x.preset))]) {
      const cells = r.batchSizes.map((b) => {
        const xs = r.rows.filter((x) => x.dataset === d && x.preset === p && x.batchSize === b)
        if (!xs.length) return '-'
        const acc = xs.map((x) => x.testAccuracy)
        return `${b === defaultBatch(p) ? '**default** ' : ''}${pct(mean(acc))} (${pct(Math.min(...acc))}-${pct(Math.max(...acc))}), ${xs.filter((x) => x.atOrAboveBaseline).length}/${xs.length} ≥ baseline, ${mean(xs.map((x) => x.epochsRun)).toFixed(0)}/${mean(xs.map((x) => x.bestEpoch)).toFixed(0)} epochs`
      })
      const base = r.rows.find((x) => x.dataset === d && x.preset === p)
      if (base) L.push(`| ${d} | ${p} | ${pct(base.baseline)} | ${cells.join(' | ')} |`)
    }
  }
  L.push('', '| preset | batch | mean test accuracy, all datasets and seeds | runs ≥ baseline | runs stopped early |', '|---|---|---|---|---|')
  for (const p of [...new Set(r.rows.map((x) => x.preset))]) {
    for (const b of r.batchSizes) {
      const xs = r.rows.filter((x) => x.preset === p && x.batchSize === b)
      L.push(`| ${p} | ${b}${b === defaultBatch(p) ? ' (default)' : ''} | ${pct(mean(xs.map((x) => x.testAccuracy)))} | ${xs.filter((x) => x.atOrAboveBaseline).length}/${xs.length} | ${xs.filter((x) => x.stoppedEarly).length}/${xs.length} |`)
    }
  }
  return L.join('\n') + '\n'
}

async function main(): Promise<void> {
  // Only rewrite the .md from the recorded .json.
  if (flag('markdown-only')) return rewriteBenchMarkdown('quality-batch', markdown)
  const batchSizes = (arg('batch-sizes') ?? '16,32').split(',').map(Number)
  const trainSeeds = (arg('train-seeds') ?? '42,7,1234').split(',').map(Number)
  const presets = (arg('presets')?.split(',') ?? PRESETS) as PresetId[]
  await initTrainingBackend('wasm')
  const datasets = qualityDatasets(2, arg('datasets'))
  const rows: Row[] = []
  for (const d of datasets) {
    const data = prepareData(d.samples, d.classes, {}, d.windowLength, DEFAULT_TRAIN_OPTIONS.validationSplit, DEFAULT_TRAIN_OPTIONS.seed)
    const b = computeBaseline(data.train, data.val, data.test, data.inputShape[0] * data.inputShape[1], data.classes.length)
    for (const preset of presets) {
      for (const batchSize of batchSizes) {
        for (const trainSeed of trainSeeds) {
          const r = await trainOne(data, preset, 'after', { batchSize, seed: trainSeed })
          const row: Row = { dataset: d.name, preset, batchSize, trainSeed, testAccuracy: r.acc, valAccuracy: r.valAcc, baseline: b.nearestNeighbour, atOrAboveBaseline: r.acc + 0.5 / data.test.y.length >= b.nearestNeighbour, epochsRun: r.epochsRun, bestEpoch: r.bestEpoch, stoppedEarly: r.stoppedEarly, trainMs: Math.round(r.ms) }
          rows.push(row)
          console.log(`${d.name} ${preset} batch ${batchSize} seed ${trainSeed}: ${pct(r.acc)} (baseline ${pct(b.nearestNeighbour)}), ${r.epochsRun} epochs (best ${r.bestEpoch}${r.stoppedEarly ? ', stopped early' : ''}), ${(r.ms / 1000).toFixed(1)} s`)
        }
      }
    }
  }
  const report = {
    benchmark: 'quality-batch',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, tfjs: tf.version.tfjs, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
    defaultBatchSizes: Object.fromEntries(PRESETS.map((p) => [p, defaultBatch(p)])),
    batchSizes,
    trainSeeds,
    rows
  }
  console.log('\n' + markdown(report))
  if (!flag('no-write')) {
    writeBenchResult('quality-batch', report)
    writeFileSync(join(import.meta.dirname, 'results', 'quality-batch.md'), markdown(report))
  }
}

await main()
