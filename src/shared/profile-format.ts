/**
 * How profiling numbers are shown to people, shared by the Profile view, the CLI and the Markdown
 * comparison so a number reads the same everywhere. Every number carries its unit.
 */

/** Microseconds as µs below 1 ms, ms below 1 s, s above. */
export function formatMicros(us: number | null | undefined): string {
  if (us === null || us === undefined || !Number.isFinite(us)) return '–'
  const a = Math.abs(us)
  if (a < 10) return `${trim(us.toFixed(2))} µs`
  if (a < 1000) return `${trim(us.toFixed(a < 100 ? 1 : 0))} µs`
  if (a < 1_000_000) return `${(us / 1000).toFixed(2)} ms`
  return `${(us / 1_000_000).toFixed(2)} s`
}

/** Bytes as B below 1 KB, KB (1024 bytes) below 1 MB, MB above. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–'
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} B`
  if (Math.abs(bytes) < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`
}

export function formatRatio(r: number | null | undefined): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '–'
  return `${r.toFixed(2)}×`
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–'
  return `${(fraction * 100).toFixed(1)} %`
}

function trim(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/** How each origin of timings is named in tables and lists. */
export const ORIGIN_LABELS: Record<'board' | 'host' | 'emulator', string> = {
  board: 'board',
  host: 'host (this computer)',
  emulator: 'emulated Cortex-M4 (instruction counts)'
}
