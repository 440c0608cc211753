/**
 * How numbers are shown to people, everywhere: the views, the CLI, Markdown tables and generated
 * READMEs. One formatter per quantity, so the same window reads "1 s" on every screen and a
 * latency never shows more digits than it means. Every number carries its unit; a missing value
 * is an em dash.
 */

export const MISSING = '—'

const finite = (x: number | null | undefined): x is number => x !== null && x !== undefined && Number.isFinite(x)

/** Drops trailing zeros after a decimal point: "1.50" -> "1.5", "2.00" -> "2". */
function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/** Three significant digits at most, trailing zeros dropped: 1.391 -> "1.39", 12.5 -> "12.5", 250.4 -> "250". */
function sig3(x: number): string {
  const a = Math.abs(x)
  return trim(x.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : 2))
}

/**
 * A duration given in milliseconds: µs below 1 ms, ms below 1 s, s below a minute, then
 * minutes and seconds. 1391.363 µs reads "1.39 ms"; 999.6 ms reads "1 s", as 1000 ms does.
 */
export function formatMs(ms: number | null | undefined): string {
  if (!finite(ms)) return MISSING
  const a = Math.abs(ms)
  if (a >= 60_000) {
    const total = Math.round(a / 1000)
    return `${ms < 0 ? '-' : ''}${Math.floor(total / 60)} min ${total % 60} s`
  }
  // Round first so 999.6 ms does not read "1000 ms" and 0.9996 ms does not read "1000 µs".
  if (Number(sig3(a)) >= 1000) return `${sig3(ms / 1000)} s`
  if (a >= 1) return `${sig3(ms)} ms`
  if (Number(sig3(a * 1000)) >= 1000) return `${sig3(ms)} ms`
  return `${sig3(ms * 1000)} µs`
}

/** A duration given in microseconds (profiling timings). */
export function formatMicros(us: number | null | undefined): string {
  return finite(us) ? formatMs(us / 1000) : MISSING
}

/**
 * Microseconds with enough decimals that values one `stepUs` apart read differently: histogram
 * bins of 0.5 µs around 12.17 ms read "12.1700 ms", "12.1705 ms", never "12.17 ms" twice.
 */
export function formatMicrosStep(us: number, stepUs: number): string {
  if (!Number.isFinite(us)) return MISSING
  const a = Math.abs(us)
  const [scale, unit] = a >= 1_000_000 ? [1_000_000, 's'] : a >= 1000 ? [1000, 'ms'] : [1, 'µs']
  const step = Math.abs(stepUs) / scale
  const digits = step > 0 && Number.isFinite(step) ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 2
  return `${(us / scale).toFixed(digits)} ${unit}`
}

/** Bytes as B below 1 KB, KB (1024 bytes) below 1 MB, MB above. */
export function formatBytes(bytes: number | null | undefined): string {
  if (!finite(bytes)) return MISSING
  const a = Math.abs(bytes)
  if (a < 1024) return `${Math.round(bytes)} B`
  if (a < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`
}

/** A fraction (0..1) as a percentage: 0.934 -> "93.4 %". */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (!finite(fraction)) return MISSING
  return `${(fraction * 100).toFixed(digits)} %`
}

/** A change of a fraction in percentage points, signed: -0.021 -> "−2.1 pt". */
export function formatPoints(delta: number | null | undefined): string {
  if (!finite(delta)) return MISSING
  const p = delta * 100
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(1)} pt`
}

export function formatRatio(r: number | null | undefined): string {
  if (!finite(r)) return MISSING
  return `${r.toFixed(2)}×`
}

export function formatHz(hz: number | null | undefined): string {
  if (!finite(hz)) return MISSING
  return `${hz >= 100 ? Math.round(hz) : trim(hz.toFixed(1))} Hz`
}

/** Large counts in k and M: 54210 -> "54.2 k". */
export function formatCount(n: number | null | undefined): string {
  if (!finite(n)) return MISSING
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(2)} M`
  if (Math.abs(n) >= 1e4) return `${(n / 1e3).toFixed(1)} k`
  return String(Math.round(n))
}

/** A count with its noun, singular for one: (1, 'model') -> "1 model", (3, 'model') -> "3 models". */
export function formatNoun(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/** A window's length in time, from its samples and the sample rate; blank when the rate is unknown. */
export function formatWindow(samples: number, rateHz: number | null | undefined): string {
  return finite(rateHz) && rateHz > 0 ? formatMs((samples * 1000) / rateHz) : ''
}
