/**
 * `npm run bench -- export`: every export variant of the three presets trained on the real
 * punch/flex windows: file size, export time, and test accuracy in our interpreter and in the real
 * TFLite runtime (LiteRT.js), next to the float model. Writes bench/results/export.json.
 */
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { compareVariants, evaluateFloat, type LabelledWindows } from '../src/main/core/export/evaluate'
import { selectRepresentativeWindows } from '../src/main/core/export/representative'
import { argmax } from '../src/main/core/model/float-forward'
import { quantizeArray } from '../src/main/core/quant/quantize'
import { initTrainingBackend } from '../src/main/core/train/backend'
import { layersModelToIR } from '../src/main/core/train/model-ir-convert'
import { prepareData } from '../src/main/core/train/prepare'
import { findPreset } from '../src/main/core/train/presets'
import { trainLoop, type WindowSet } from '../src/main/core/train/train-loop'
import type { SampleWindow } from '../src/shared/dataset'
import type { PresetId } from '../src/shared/training'
import { createLiteRtRunner } from '../test/helpers/litert'
import { loadPunchFlex } from '../test/helpers/train-fixture'

interface Row {
  preset: PresetId
  variant: string
  sizeBytes: number
  exportMs: number
  accuracyOurs: number | null
  accuracyLiteRt: number
  note?: string
}

function windowsOf(set: WindowSet, size: number): LabelledWindows {
  return { windows: set.y.map((_, i) => set.x.subarray(i * size, (i + 1) * size)), labels: set.y }
}

async function liteRtAccuracy(bytes: Uint8Array, input: { type: string; scale?: number; zeroPoint?: number }, test: LabelledWindows): Promise<number> {
  const runner = await createLiteRtRunner(bytes)
  try {
    let correct = 0
    for (let i = 0; i < test.windows.length; i++) {
      const w = Float32Array.from(test.windows[i])
      const x = input.type === 'int8' ? quantizeArray(w, { scale: input.scale!, zeroPoint: input.zeroPoint! }) : w
      const [out] = await runner.run([x])
      if (argmax(out) === test.labels[i]) correct++
    }
    return correct / test.windows.length
  } finally {
    runner.delete()
  }
}

async function main(): Promise<void> {
  const raw = loadPunchFlex()
  const samples: SampleWindow[] = raw.map((w, i) => ({ id: `w${i}`, label: w.label, split: 'train', axes: w.axes, rateHz: null, values: w.values, source: w.source, createdAt: '' }))
  const data = prepareData(samples, ['punch', 'flex'], {}, 30, 0, 1)
  const size = data.inputShape[0] * data.inputShape[1]
  const train = windowsOf(data.train, size)
  const test = windowsOf(data.test, size)
  const representative = selectRepresentativeWindows(train.windows, train.labels)
  await initTrainingBackend('wasm')

  const rows: Row[] = []
  const floatRows: { preset: PresetId; accuracy: number }[] = []
  for (const preset of ['dense', 'cnn1d', 'dscnn'] as PresetId[]) {
    const p = findPreset(preset)
    const result = await trainLoop(
      { spec: p.spec, inputShape: data.inputShape, classes: data.classes, epochs: p.recommended.epochs, batchSize: 16, learningRate: p.recommended.learningRate, optimizer: 'adam', earlyStoppingPatience: 0, seed: 1 },
      data.train,
      null,
      { cancelled: () => false, onEpoch: () => {} }
    )
    const ir = layersModelToIR(result.model, data.classes, preset)
    result.model.dispose()
    floatRows.push({ preset, accuracy: evaluateFloat(ir, test).accuracy })
    const t0 = performance.now()
    const variants = compareVariants(ir, representative, test)
    const exportMs = (performance.now() - t0) / variants.length
    for (const v of variants) {
      rows.push({
        preset,
        variant: v.variant,
        sizeBytes: v.sizeBytes,
        exportMs: Math.round(exportMs),
        accuracyOurs: v.accuracy,
        accuracyLiteRt: await liteRtAccuracy(v.bytes, v.report.input, test),
        ...(v.note ? { note: v.note } : {})
      })
    }
  }

  const report = {
    benchmark: 'export',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    data: { dataset: 'mpu6050-punch-flex', trainWindows: train.windows.length, testWindows: test.windows.length, representativeWindows: representative.windows.length },
    note: 'exportMs is the mean time of export + evaluation per variant (includes int8 calibration). accuracyOurs is null where our interpreter has no hybrid kernel.',
    float: floatRows,
    rows
  }
  writeFileSync(join(import.meta.dirname, 'results', 'export.json'), JSON.stringify(report, null, 2) + '\n')
  const pct = (a: number | null): string => (a === null ? '   n/a' : `${(a * 100).toFixed(1)} %`.padStart(7))
  console.log(`test windows: ${test.windows.length}, representative windows: ${representative.windows.length}`)
  for (const f of floatRows) console.log(`${f.preset.padEnd(6)} float model (our forward pass) ${pct(f.accuracy)}`)
  console.log('\npreset  variant            size      ours    LiteRT')
  for (const r of rows) {
    console.log(`${r.preset.padEnd(7)} ${r.variant.padEnd(16)} ${`${(r.sizeBytes / 1024).toFixed(1)} KB`.padStart(9)} ${pct(r.accuracyOurs)} ${pct(r.accuracyLiteRt)}`)
  }
}

await main()
