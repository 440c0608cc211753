/**
 * `npm run bench -- import-large-csv`: labelled CSVs of about 50 and 200 MB (BENCH_CSV_MB, a comma
 * list; label,aX,aY,aZ, runs of 500 samples in 4 classes, written in pieces) each imported through
 * the real DatasetService into a fresh project, in a fresh child process per run so the peak RSS is
 * that run's. Records peak RSS growth (process.resourceUsage().maxRSS before and after), wall and CPU
 * time. BENCH_RUNS runs per size (default 3); medians are quoted. Memory is bounded when the growth
 * is about the same at both sizes. Issue #17 measured a 207 MB CSV peaking at 2.45 GB when the
 * file was read whole, split into lines and cells.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import path from 'node:path'
import { childArgs, measureStep, runChild, type ImportRun } from './lib/child-runs'
import { median } from './lib/results'

const SIZES_MB = (process.env.BENCH_CSV_MB ?? '50,200').split(',').map(Number).filter((n) => n > 0)
const RUNS = Number(process.env.BENCH_RUNS) || 3
const WINDOW = 500
const CLASSES = ['idle', 'wave', 'punch', 'flex']

type Run = ImportRun

const child = childArgs()
if (child) {
  const [project, csv] = child
  const { DatasetService } = await import('../src/main/services/dataset-service')
  const { EventBus } = await import('../src/main/services/event-bus')
  const { ProjectService } = await import('../src/main/services/project-service')
  const projects = new ProjectService(path.join(path.dirname(project), 'config'))
  await projects.create(project, 'Bench')
  const dataset = new DatasetService(projects, new EventBus())
  const m = await measureStep(() => dataset.import(project, [csv], { windowLength: WINDOW, rateHz: 100 }))
  const run: Run = { importMs: m.ms, importCpuMs: m.cpuMs, rssGrowthMB: m.rssGrowthMB, windows: m.result.ids.length }
  process.stdout.write(JSON.stringify(run) + '\n')
  process.exit(0)
}

/** A CSV of about `mb` MB, written a window at a time; returns its size and window count. */
function writeCsv(csv: string, mb: number): { fileMB: number; windows: number } {
  const fd = openSync(csv, 'w')
  let bytes = writeSync(fd, 'label,aX,aY,aZ\n')
  let windows = 0
  while (bytes < mb * 2 ** 20) {
    let chunk = ''
    for (let i = 0; i < WINDOW; i++) chunk += `${CLASSES[windows % 4]},${Math.sin(windows + i / 7).toFixed(5)},${Math.cos(i / 11).toFixed(5)},${(9.81 - (windows % 13) / 100 + i / 1e4).toFixed(5)}\n`
    bytes += writeSync(fd, chunk)
    windows++
  }
  closeSync(fd)
  return { fileMB: statSync(csv).size / 2 ** 20, windows }
}

const work = mkdtempSync(path.join(tmpdir(), 'mf-bench-large-csv-'))
try {
  const sizes = []
  for (const mb of SIZES_MB) {
    const csv = path.join(work, `large-${mb}.csv`)
    const { fileMB, windows } = writeCsv(csv, mb)
    const runs: Run[] = []
    for (let k = 0; k < RUNS; k++) {
      const project = path.join(work, `p${mb}-${k}`)
      const run = runChild<Run>(import.meta.filename, [project, csv], `run ${k}`)
      if (run.windows !== windows) throw new Error(`expected ${windows} windows, got ${run.windows}`)
      runs.push(run)
      console.log(`run ${k + 1}/${RUNS}: ${fileMB.toFixed(0)} MB CSV imported in ${(run.importMs / 1000).toFixed(1)} s (CPU ${(run.importCpuMs / 1000).toFixed(1)} s), peak RSS +${run.rssGrowthMB.toFixed(0)} MB`)
      rmSync(project, { recursive: true, force: true })
    }
    rmSync(csv, { force: true })
    const size = {
      fileMB,
      rows: windows * WINDOW,
      windows,
      runs,
      medianImportS: median(runs.map((r) => r.importMs)) / 1000,
      medianImportCpuS: median(runs.map((r) => r.importCpuMs)) / 1000,
      medianRssGrowthMB: median(runs.map((r) => r.rssGrowthMB))
    }
    sizes.push(size)
    console.log(`median: ${size.medianImportS.toFixed(1)} s (CPU ${size.medianImportCpuS.toFixed(1)} s), peak RSS +${size.medianRssGrowthMB.toFixed(0)} MB for ${fileMB.toFixed(0)} MB`)
  }
  const result = {
    bench: 'import-large-csv',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavg: loadavg() },
    axes: 3,
    recordingSamples: WINDOW,
    sizes,
    before: [
      { fileMB: 207, peakRssMB: 2450, source: 'issue #17 probe (file read whole three times, then split into lines and cells)' },
      { fileMB: 200, rssGrowthMB: 2675, importS: 64.2, importCpuS: 41.5, source: 'this bench on the code before 24b5a14 (1 run, 2026-12-04, load ~7)' },
      { fileMB: 200, rssGrowthMB: 1013, importS: 32.5, importCpuS: 31.1, source: 'this bench on the one-pass streaming import before c5a1c73 (every recording held until the commit; median of 3, load ~7)' }
    ]
  }
  writeFileSync(path.join(import.meta.dirname, 'results', 'import-large-csv.json'), JSON.stringify(result, null, 2) + '\n')
} finally {
  rmSync(work, { recursive: true, force: true })
}
