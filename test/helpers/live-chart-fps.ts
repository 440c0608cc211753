import type { Page } from 'playwright-core'

export interface ChartFps {
  /** Animation frames the browser delivered per second. */
  rafFps: number
  /** Redraws of the live chart per second (its data-draws counter). */
  chartFps: number
  longestFrameMs: number
}

// A plain script, not a serialized function: tsx (the benchmark runner) adds helpers such as
// __name to compiled functions, and those do not exist in the page.
const MEASURE = `async (duration) => {
  const chart = document.querySelector('[data-testid="live-chart"]')
  const drawsBefore = Number(chart?.dataset.draws ?? 0)
  let frames = 0
  let longest = 0
  let last = performance.now()
  const start = last
  await new Promise((resolve) => {
    const tick = (now) => {
      frames++
      longest = Math.max(longest, now - last)
      last = now
      if (now - start < duration) requestAnimationFrame(tick)
      else resolve()
    }
    requestAnimationFrame(tick)
  })
  const elapsed = performance.now() - start
  // data-draws is refreshed once a second; wait for the next refresh to read it.
  await new Promise((r) => setTimeout(r, 1100))
  const drawsAfter = Number(chart?.dataset.draws ?? 0)
  return { rafFps: (frames * 1000) / elapsed, chartFps: ((drawsAfter - drawsBefore) * 1000) / (elapsed + 1100), longestFrameMs: longest }
}`

/** Counts animation frames and live-chart redraws in the page over `ms`. */
export async function measureChartFps(page: Page, ms: number): Promise<ChartFps> {
  return (await page.evaluate(`(${MEASURE})(${Number(ms)})`)) as ChartFps
}
