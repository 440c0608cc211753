/**
 * What every benchmark reports the same way: the median of its runs, the machine's load while it
 * ran, and its result file in bench/results.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { repoRoot } from '../../test/helpers/tmp'

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Cores and the 1-minute load per core while the benchmark ran: a busy machine explains slow runs. */
export function machineLoad(): { cpus: number; loadPerCore: number } {
  return { cpus: cpus().length, loadPerCore: +(loadavg()[0] / cpus().length).toFixed(2) }
}

/** Rewrites bench/results/NAME.md from the recorded NAME.json (`--markdown-only`), without running the bench. */
export function rewriteBenchMarkdown<T>(name: string, markdown: (recorded: T) => string): void {
  const path = join(repoRoot, 'bench', 'results', name)
  writeFileSync(`${path}.md`, markdown(JSON.parse(readFileSync(`${path}.json`, 'utf8')) as T))
}

/** Writes bench/results/NAME.json. */
export function writeBenchResult(name: string, result: unknown): void {
  mkdirSync(join(repoRoot, 'bench', 'results'), { recursive: true })
  writeFileSync(join(repoRoot, 'bench', 'results', `${name}.json`), JSON.stringify(result, null, 2) + '\n')
}
