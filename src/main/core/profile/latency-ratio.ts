/**
 * Measured against estimated latency. The Optimize step estimates inference time from MACs and a
 * per-target speed; what the board measures is the truth, and their ratio corrects that target's
 * later estimates.
 */

/** Measured median / estimated, or null when either is missing or not positive. */
export function measuredOverEstimated(measuredUs: number | null | undefined, estimatedUs: number | null | undefined): number | null {
  if (measuredUs === null || measuredUs === undefined || estimatedUs === null || estimatedUs === undefined) return null
  if (!(measuredUs > 0) || !(estimatedUs > 0) || !Number.isFinite(measuredUs) || !Number.isFinite(estimatedUs)) return null
  return Math.round((measuredUs / estimatedUs) * 10_000) / 10_000
}

/**
 * One correction factor from several sessions' ratios on the same target: the geometric mean,
 * because ratios multiply (a session 2× too slow and one 2× too fast should cancel to 1×, which
 * the arithmetic mean would call 1.25×). Null when there is no usable ratio.
 */
export function correctionFactor(ratios: readonly number[]): number | null {
  const ok = ratios.filter((r) => Number.isFinite(r) && r > 0)
  if (ok.length === 0) return null
  const logMean = ok.reduce((a, r) => a + Math.log(r), 0) / ok.length
  return Math.round(Math.exp(logMean) * 10_000) / 10_000
}
