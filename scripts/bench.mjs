// `npm run bench -- NAME...`: runs bench/NAME.ts (all of them without a name). Each writes its
// JSON results to bench/results/NAME.json and prints a summary with medians.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './build-if-needed.mjs'

const benchDir = join(root, 'bench')
mkdirSync(join(benchDir, 'results'), { recursive: true })
const available = readdirSync(benchDir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const names = wanted.length ? wanted : available
let failed = 0
for (const name of names) {
  const file = join(benchDir, `${name}.ts`)
  if (!existsSync(file)) {
    console.error(`No benchmark "${name}". Available: ${available.join(', ') || 'none'}`)
    failed++
    continue
  }
  console.log(`\n== bench ${name}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
