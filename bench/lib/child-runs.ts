/**
 * Benches that measure one process each (peak RSS is per process): the bench re-runs its own file
 * with `--child ARGS...` in a fresh Node per run; the child prints one JSON line as its last line.
 */
import { spawnSync } from 'node:child_process'

/** CPU time (user + system) of this process so far, in ms: a busy machine does not inflate it. */
export function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** In the child: the arguments runChild passed after `--child`; null in the parent run. */
export function childArgs(): string[] | null {
  return process.argv[2] === '--child' ? process.argv.slice(3) : null
}

/** What the import benches measure of one import, each in its own child process. */
export interface ImportRun {
  importMs: number
  /** CPU time (user + system) of the process, which a machine busy with other work does not inflate. */
  importCpuMs: number
  rssGrowthMB: number
  windows: number
}

/** Wall time, CPU time and peak RSS growth of one step of this process, with the step's result. */
export async function measureStep<T>(step: () => Promise<T>): Promise<{ result: T; ms: number; cpuMs: number; rssGrowthMB: number }> {
  const rss0 = process.resourceUsage().maxRSS
  const c = cpuMs()
  const t = performance.now()
  const result = await step()
  return { result, ms: performance.now() - t, cpuMs: cpuMs() - c, rssGrowthMB: (process.resourceUsage().maxRSS - rss0) / 1024 }
}

/** Runs `script --child ...args` in a fresh process and returns the JSON of its last stdout line. */
export function runChild<T>(script: string, args: string[], label: string): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T
}
