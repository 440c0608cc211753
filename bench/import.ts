/**
 * `npm run bench -- import`: 100,000 windows (BENCH_IMPORT_WINDOWS) of 10 samples x 3 axes in 8
 * classes, one labelled CSV, imported through the real DatasetService into a fresh project on this
 * disk, then `project info` (ProjectService.open) on the result. BENCH_RUNS runs (default 3);
 * medians are quoted. Issue #17 measured 503 s for the import (an fsync per window) and 23.5 s for
 * project info before the batched sync and head-only reads.
 *
 * Also: peak RSS growth of the import (process.resourceUsage().maxRSS before and after, in a fresh
 * child per run so the peak is this run's).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { childArgs, measureStep, runChild, type ImportRun } from './lib/child-runs'
import { median } from './lib/results'

const WINDOWS = Number(process.env.BENCH_IMPORT_WINDOWS) || 100_000
const RUNS = Number(process.env.BENCH_RUNS) || 3
const LENGTH = 10

/** The import, then `project info` on its result. */
interface Run extends ImportRun {
  infoMs: number
  infoCpuMs: number
}

const child = childArgs()
if (child) {
  const [project, csv] = child
  const { createServices } = await import('../src/main/services')
  const services = createServices({ host: 'cli', configDir: path.join(path.dirname(project), 'config') })
  await services.api.project.create(project, 'Bench')
  const imported = await measureStep(() => services.api.dataset.import(project, [csv], { windowLength: LENGTH, rateHz: 100 }))
  const opened = await measureStep(() => services.api.project.open(project))
  await services.dispose()
  const info = opened.result
  const run: Run = { importMs: imported.ms, infoMs: opened.ms, importCpuMs: imported.cpuMs, infoCpuMs: opened.cpuMs, windows: info.sampleCount, rssGrowthMB: imported.rssGrowthMB }
  if (Object.values(imported.result.classes).reduce((a, b) => a + b, 0) !== WINDOWS || info.sampleCount !== WINDOWS) throw new Error(`expected ${WINDOWS} windows, got ${info.sampleCount}`)
  process.stdout.write(JSON.stringify(run) + '\n')
  process.exit(0)
}

const work = mkdtempSync(path.join(tmpdir(), 'mf-bench-import-'))
try {
  const csv = path.join(work, 'windows.csv')
  const rows = ['label,aX,aY,aZ']
  for (let w = 0; w < WINDOWS; w++) for (let i = 0; i < LENGTH; i++) rows.push(`c${w % 8},${(w % 97) / 10 + i / 100},${i / 10},${-(w % 13) / 10}`)
  writeFileSync(csv, rows.join('\n') + '\n')
  const runs: Run[] = []
  for (let k = 0; k < RUNS; k++) {
    const project = path.join(work, `p${k}`)
    const run = runChild<Run>(import.meta.filename, [project, csv], `run ${k}`)
    runs.push(run)
    console.log(`run ${k + 1}/${RUNS}: import ${(run.importMs / 1000).toFixed(1)} s (CPU ${(run.importCpuMs / 1000).toFixed(1)} s), project info ${(run.infoMs / 1000).toFixed(2)} s (CPU ${(run.infoCpuMs / 1000).toFixed(2)} s), peak RSS +${run.rssGrowthMB.toFixed(0)} MB`)
    rmSync(project, { recursive: true, force: true })
  }
  const result = {
    bench: 'import',
    date: new Date().toISOString(),
    // Wall times on a shared machine grow with its load; CPU times do not.
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
    windows: WINDOWS,
    samplesPerWindow: LENGTH,
    axes: 3,
    runs,
    medianImportS: median(runs.map((r) => r.importMs)) / 1000,
    medianProjectInfoS: median(runs.map((r) => r.infoMs)) / 1000,
    medianImportCpuS: median(runs.map((r) => r.importCpuMs)) / 1000,
    medianProjectInfoCpuS: median(runs.map((r) => r.infoCpuMs)) / 1000,
    medianRssGrowthMB: median(runs.map((r) => r.rssGrowthMB)),
    before: { importS: 503, projectInfoS: 23.5, source: 'issue #17 probe (an fsync per window, every window file read whole)' }
  }
  writeFileSync(path.join(import.meta.dirname, 'results', 'import.json'), JSON.stringify(result, null, 2) + '\n')
  console.log(`median import ${result.medianImportS.toFixed(1)} s, project info ${result.medianProjectInfoS.toFixed(2)} s (${WINDOWS} windows)`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
