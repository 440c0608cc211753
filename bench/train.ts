/**
 * `npm run bench -- train`: training speed per preset and backend, on the real punch/flex windows,
 * on an augmented set of 1,200 windows, and (1D CNN) on 1,200 windows of the Nano 33 BLE IMU_Capture
 * shape, 119 x 6. Measures whole epochs of the same loop the worker runs
 * (shuffle, gather, forward, backward, optimizer step, accuracy count), excluding the first
 * (warm-up) epoch. The 119 x 6 target is measured at batch 16, 32 and 64, interleaved, in
 * `--repeat` runs (default 5): `target` holds each run, the medians and which batch is the 1D CNN's
 * default. Writes bench/results/train.json.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { initTrainingBackend, tf, type TrainingBackend } from '../src/main/core/train/backend'
import { prepareData } from '../src/main/core/train/prepare'
import { findPreset, presetSpec } from '../src/main/core/train/presets'
import { mulberry32 } from '../src/main/core/train/rng'
import { trainLoop, type WindowSet } from '../src/main/core/train/train-loop'
import type { SampleWindow } from '../src/shared/dataset'
import type { PresetId } from '../src/shared/training'
import { loadPunchFlex } from '../test/helpers/train-fixture'
import { AXES, perform, sampleAt, shapeFor } from '../src/main/sim/gestures'
import { benchArg, benchFlag } from './lib/args'
import { median } from './lib/results'

const AUGMENTED_WINDOWS = 1200

interface Row {
  backend: TrainingBackend
  preset: PresetId
  dataset: 'punch-flex' | 'augmented' | 'nano-119'
  windows: number
  batchSize: number
  epochs: number
  msPerEpoch: number
  windowsPerSecond: number
  /** The fastest epoch: closest to the machine's capability when other programs compete for it. */
  bestWindowsPerSecond: number
  /** Process CPU time per epoch: what an otherwise idle core would take, robust to other load. */
  cpuMsPerEpoch: number
  windowsPerCpuSecond: number
}

/** Time shift (edge-padded), per-axis gain and sensor noise: plausible new recordings of the same gestures. */
function augment(samples: SampleWindow[], count: number, seed: number): SampleWindow[] {
  const r = mulberry32(seed)
  const out: SampleWindow[] = []
  for (let i = 0; i < count; i++) {
    const s = samples[i % samples.length]
    const shift = Math.floor(r() * 7) - 3
    const gains = s.axes.map(() => 0.9 + r() * 0.2)
    const values = s.values.map((_, t) => {
      const row = s.values[Math.min(s.values.length - 1, Math.max(0, t + shift))]
      return row.map((v, a) => v * gains[a] + (r() - 0.5) * (a < 3 ? 0.02 : 2))
    })
    out.push({ ...s, id: `${s.id}-aug${i}`, values, split: 'train' })
  }
  return out
}

const defaultBatchSize = findPreset('cnn1d').recommended.batchSize

interface TargetRun {
  run: number
  batchSize: number
  windowsPerSecond: number
  windowsPerCpuSecond: number
  loadAverage1m: number
}

interface Target {
  preset: PresetId
  backend: TrainingBackend
  dataset: Row['dataset']
  windowsPerSecond: number
  defaultBatchSize: number
  medians: Array<{ batchSize: number; isDefault: boolean; runs: number; windowsPerSecond: number; windowsPerCpuSecond: number }>
  runs: TargetRun[]
}

/** The target section of the last results, when this run did not measure it (--backends without wasm). */
function previousTarget(): Target | null {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, 'results', 'train.json'), 'utf8')) as { target?: Target }).target ?? null
  } catch {
    return null
  }
}

/** Rows of backends this run left out (--backends), kept from the last results so one run does not erase them. */
function previousRows(measured: TrainingBackend[]): Row[] {
  try {
    const old = JSON.parse(readFileSync(join(import.meta.dirname, 'results', 'train.json'), 'utf8')) as { rows: Row[] }
    return old.rows.filter((r) => !measured.includes(r.backend))
  } catch {
    return []
  }
}

async function measure(backend: TrainingBackend, preset: PresetId, dataset: Row['dataset'], train: WindowSet, inputShape: [number, number], classes: string[], batchSize: number, epochs: number): Promise<Row> {
  const ms: number[] = []
  const cpuMs: number[] = []
  let cpuAt = process.cpuUsage()
  const result = await trainLoop(
    { spec: presetSpec(preset), inputShape, classes, epochs: epochs + 1, batchSize, learningRate: 0.002, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
    train,
    null,
    {
      cancelled: () => false,
      onEpoch: (m) => {
        const used = process.cpuUsage(cpuAt)
        cpuAt = process.cpuUsage()
        if (m.epoch > 1) {
          ms.push(m.ms)
          cpuMs.push((used.user + used.system) / 1000)
        }
      }
    }
  )
  result.model.dispose()
  const msPerEpoch = median(ms)
  const cpuMsPerEpoch = median(cpuMs)
  const n = train.y.length
  return {
    backend,
    preset,
    dataset,
    windows: n,
    batchSize,
    epochs,
    msPerEpoch: Math.round(msPerEpoch * 10) / 10,
    windowsPerSecond: Math.round((n / msPerEpoch) * 1000),
    bestWindowsPerSecond: Math.round((n / Math.min(...ms)) * 1000),
    cpuMsPerEpoch: Math.round(cpuMsPerEpoch * 10) / 10,
    windowsPerCpuSecond: Math.round((n / cpuMsPerEpoch) * 1000)
  }
}

/** Windows of the Nano 33 BLE IMU_Capture shape (119 samples x 6 axes at 119 Hz) from the virtual board's gestures. */
function nanoWindows(count: number, seed: number): SampleWindow[] {
  const r = mulberry32(seed)
  const classes = ['punch', 'flex']
  return Array.from({ length: count }, (_, i) => {
    const label = classes[i % 2]
    const perf = perform(shapeFor(label), r)
    const values = Array.from({ length: 119 }, (_, t) => sampleAt(perf, t / 119, r))
    return { id: `n${i}`, label, split: i < count - 12 ? 'train' : 'test', axes: [...AXES], rateHz: 119, values, source: 'bench', createdAt: '' }
  })
}

async function main(): Promise<void> {
  const raw = loadPunchFlex()
  const samples: SampleWindow[] = raw.map((w, i) => ({ id: `w${i}`, label: w.label, split: 'train', axes: w.axes, rateHz: null, values: w.values, source: w.source, createdAt: '' }))
  const real = prepareData(samples, ['punch', 'flex'], {}, 30, 0, 1)
  const nano = prepareData(nanoWindows(AUGMENTED_WINDOWS + 12, 11), ['punch', 'flex'], {}, 119, 0, 1)
  const big = prepareData([...augment(samples, AUGMENTED_WINDOWS, 7), ...samples.slice(0, 12).map((s) => ({ ...s, split: 'test' as const }))], ['punch', 'flex'], {}, 30, 0, 1)
  const rows: Row[] = []
  const repeat = Number(benchArg('repeat') ?? 5)
  const targetRuns: TargetRun[] = []
  let backends: TrainingBackend[] = ['wasm', 'cpu']
  try {
    await import(/* @vite-ignore */ '@tensorflow/tfjs-node' as string)
    backends.unshift('tensorflow')
  } catch {
    console.log('tfjs-node is not installed: measuring wasm and cpu only.')
  }
  // Direct runs can narrow it down: node --import tsx bench/train.ts --backends wasm
  if (benchFlag('backends')) backends = backends.filter((b) => benchArg('backends')?.split(',').includes(b))
  for (const backend of backends) {
    await initTrainingBackend(backend)
    const slow = backend === 'cpu'
    for (const preset of ['dense', 'cnn1d', 'dscnn'] as PresetId[]) {
      rows.push(await measure(backend, preset, 'punch-flex', real.train, real.inputShape, real.classes, 16, slow ? 3 : 20))
      // The cpu backend runs Conv1D gradients in plain JavaScript: one measured epoch is enough to show it.
      for (const batchSize of preset === 'cnn1d' && !slow ? [16, 32, 64] : [16]) {
        rows.push(await measure(backend, preset, 'augmented', big.train, big.inputShape, big.classes, batchSize, slow ? 1 : 8))
      }
      // The Nano 33 BLE IMU_Capture shape: the throughput target is for this one, measured
      // `repeat` times with the batch sizes interleaved, so a busy spell of the machine hits all alike.
      if (preset === 'cnn1d' && backend === 'wasm') {
        for (let run = 1; run <= repeat; run++) {
          for (const batchSize of [16, 32, 64]) {
            const row = await measure(backend, preset, 'nano-119', nano.train, nano.inputShape, nano.classes, batchSize, 6)
            rows.push(row)
            targetRuns.push({ run, batchSize, windowsPerSecond: row.windowsPerSecond, windowsPerCpuSecond: row.windowsPerCpuSecond, loadAverage1m: Math.round(loadavg()[0] * 100) / 100 })
          }
        }
      }
      const last = rows.slice(-1)[0]
      console.log(`${backend.padEnd(10)} ${preset.padEnd(6)} ${String(last.windowsPerSecond).padStart(7)} windows/s, ${String(last.windowsPerCpuSecond).padStart(7)} per CPU-second (augmented, batch ${last.batchSize}), tensors ${tf.memory().numTensors}`)
    }
  }
  const report = {
    benchmark: 'train',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, tfjs: tf.version.tfjs, loadAverage: loadavg().map((x) => Math.round(x * 100) / 100) },
    note: 'windowsPerSecond: training windows per wall-clock second over whole epochs (median of the epochs after the first). windowsPerCpuSecond: the same per second of process CPU time, which holds when other programs load the machine. wasm runs single-threaded in Node (tfjs disables wasm threads there).',
    target: <Target>{
      preset: 'cnn1d',
      backend: 'wasm',
      dataset: 'nano-119',
      windowsPerSecond: 5000,
      defaultBatchSize,
      // Per batch size, the median over the runs of each run's median epoch; the default batch is the one the target is for.
      medians: [16, 32, 64].map((batchSize) => {
        const runs = targetRuns.filter((r) => r.batchSize === batchSize)
        return { batchSize, isDefault: batchSize === defaultBatchSize, runs: runs.length, windowsPerSecond: median(runs.map((r) => r.windowsPerSecond)), windowsPerCpuSecond: median(runs.map((r) => r.windowsPerCpuSecond)) }
      }),
      runs: targetRuns
    },
    rows: [...previousRows(backends), ...rows]
  }
  if (!targetRuns.length) report.target = previousTarget() ?? report.target
  writeFileSync(join(import.meta.dirname, 'results', 'train.json'), JSON.stringify(report, null, 2) + '\n')
  console.log(`\n1D CNN on 119 x 6 windows (wasm), default batch ${defaultBatchSize}, ${repeat} runs (median; each run the median of 6 epochs):`)
  for (const m of report.target.medians) console.log(`  batch ${String(m.batchSize).padStart(2)}${m.isDefault ? ' (default)' : '          '}  ${String(m.windowsPerSecond).padStart(6)} windows/s wall, ${String(m.windowsPerCpuSecond).padStart(6)} per CPU-second`)
  console.log(`\nload average ${report.machine.loadAverage.join(' ')} on ${report.machine.cpus} cores`)
  console.log('backend    preset  dataset       windows  batch   ms/epoch  windows/s  best w/s  cpu ms/epoch  windows/cpu-s')
  for (const r of rows) {
    console.log(
      `${r.backend.padEnd(10)} ${r.preset.padEnd(7)} ${r.dataset.padEnd(12)} ${String(r.windows).padStart(8)} ${String(r.batchSize).padStart(6)} ${r.msPerEpoch.toFixed(1).padStart(10)} ${String(r.windowsPerSecond).padStart(10)} ${String(r.bestWindowsPerSecond).padStart(9)} ${r.cpuMsPerEpoch.toFixed(1).padStart(13)} ${String(r.windowsPerCpuSecond).padStart(14)}`
    )
  }
}

await main()
