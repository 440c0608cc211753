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

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Runs `script --child ...args` in a fresh process and returns the JSON of its last stdout line. */
export function runChild<T>(script: string, args: string[], label: string): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.status !== 0) throw new Error(`${label} failed:\n${r.stdout}\n${r.stderr}`)
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T
}
