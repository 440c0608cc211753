/**
 * `npm run bench -- ui-frames`: how smooth the renderer stays while a model trains in a worker and
 * the user moves between steps. The real punch/flex dataset is imported, a dense net trains with no
 * early stopping, and for each of five runs the page switches Capture -> Connect -> Train while
 * requestAnimationFrame records the longest frame. Budget: 50 ms (ARCHITECTURE.md: never block the
 * UI more than 50 ms). The median is the result; writes bench/results/ui-frames.json.
 */
import { PUNCH_FLEX_DIR } from '../test/helpers/fixtures'
import { machineLoad, median, writeBenchResult } from './lib/results'
import { openBenchProject, startBenchApp } from './lib/web-bench'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
const BUDGET_MS = 50

// A plain script, not a serialized function (tsx adds helpers a page does not have).
const LONGEST_FRAME = `async (ms) => {
  let last = performance.now()
  let longest = 0
  const end = last + ms
  await new Promise((resolve) => {
    const tick = (now) => {
      longest = Math.max(longest, now - last)
      last = now
      if (now < end) requestAnimationFrame(tick)
      else resolve()
    }
    requestAnimationFrame(tick)
  })
  return longest
}`

const app = await startBenchApp('ui-frames')
try {
  const { page } = app
  await openBenchProject(app)
  await page.getByTestId('nav-capture').click()
  await page.getByTestId('import-paths').fill(PUNCH_FLEX_DIR)
  await page.getByTestId('import-button').click()
  await page.getByTestId('import-rate-ask').waitFor()
  await page.getByTestId('import-rate').fill('50')
  await page.getByTestId('import-confirm').click()
  await page.getByTestId('class-count-flex').filter({ hasText: '43' }).waitFor({ timeout: 30_000 })
  await page.getByTestId('nav-train').click()
  await page.getByTestId('preset-dense').click()
  await page.getByTestId('epochs').fill('10000')
  await page.getByTestId('early-stopping').uncheck()
  await page.getByTestId('start-training').click()
  await page.getByTestId('curves').waitFor({ timeout: 60_000 })

  const runs: Array<{ longestFrameMs: number; navigationMs: number }> = []
  for (let i = 0; i < RUNS; i++) {
    const frames = page.evaluate(`(${LONGEST_FRAME})(1500)`) as Promise<number>
    const started = Date.now()
    await page.getByTestId('nav-capture').click()
    await page.getByTestId('step-capture').waitFor()
    await page.getByTestId('nav-connect').click()
    await page.getByTestId('step-connect').waitFor()
    await page.getByTestId('nav-train').click()
    await page.getByTestId('step-train').waitFor()
    const navigationMs = Date.now() - started
    runs.push({ longestFrameMs: +(await frames).toFixed(1), navigationMs })
  }
  // The live curves keep the layout moving, so the button is never "stable" for a normal click.
  await page.getByTestId('cancel-training').evaluate((el) => (el as unknown as { click(): void }).click())
  const result = {
    benchmark: 'ui-frames',
    date: new Date().toISOString(),
    machine: machineLoad(),
    target: { longestFrameMs: BUDGET_MS },
    median: {
      longestFrameMs: median(runs.map((r) => r.longestFrameMs)),
      navigationMs: median(runs.map((r) => r.navigationMs))
    },
    runs
  }
  writeBenchResult('ui-frames', result)
  console.log(
    `while training: longest frame median ${result.median.longestFrameMs} ms (budget ${BUDGET_MS} ms), three step changes ${result.median.navigationMs} ms (load ${result.machine.loadPerCore}/core)`
  )
} finally {
  await app.stop()
}
