/**
 * `npm run bench -- live-chart`: the Connect step's live chart in Chromium while the virtual board
 * streams 1,000 samples/s x 6 axes. Target: at least 30 redraws per second. Five 4-second
 * measurements; the median is the result. Writes bench/results/live-chart.json.
 */
import { measureChartFps } from '../test/helpers/live-chart-fps'
import { machineLoad, median, writeBenchResult } from './lib/results'
import { openBenchProject, startBenchApp } from './lib/web-bench'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)

const app = await startBenchApp('live-chart')
try {
  const { page } = app
  await openBenchProject(app)
  await page.getByTestId('sim-rate').selectOption('1000')
  await page.getByTestId('virtual-board').click()
  const deadline = Date.now() + 20_000
  while ((await page.getByTestId('device-state').textContent()) !== 'Receiving data') {
    if (Date.now() > deadline) throw new Error('The virtual board sent no data within 20 s.')
    await page.waitForTimeout(200)
  }
  // Let the 10 s window fill and the y scales settle.
  await page.waitForTimeout(4000)
  const runs = []
  for (let i = 0; i < RUNS; i++) {
    const fps = await measureChartFps(page, 4000)
    const drawMs = Number(await page.getByTestId('live-chart').getAttribute('data-draw-ms'))
    runs.push({ ...fps, drawMs })
  }
  const rate = parseFloat((await page.getByTestId('rate').textContent()) ?? '')
  const result = {
    benchmark: 'live-chart',
    date: new Date().toISOString(),
    stream: { samplesPerSecond: 1000, axes: 6, measuredRateHz: rate },
    machine: machineLoad(),
    target: { chartFps: 30 },
    median: {
      chartFps: +median(runs.map((r) => r.chartFps)).toFixed(1),
      rafFps: +median(runs.map((r) => r.rafFps)).toFixed(1),
      drawMs: +median(runs.map((r) => r.drawMs)).toFixed(2),
      longestFrameMs: +median(runs.map((r) => r.longestFrameMs)).toFixed(1)
    },
    runs
  }
  writeBenchResult('live-chart', result)
  console.log(
    `live chart, 1,000 samples/s x 6 axes: median ${result.median.chartFps} redraws/s (target 30), ${result.median.rafFps} browser frames/s, ` +
      `${result.median.drawMs} ms per redraw, longest frame ${result.median.longestFrameMs} ms (load ${result.machine.loadPerCore}/core)`
  )
} finally {
  await app.stop()
}
