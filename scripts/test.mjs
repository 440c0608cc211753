// `npm test`: build, then type checks, lint and every vitest project except the TFLM oracle.
// On two cores the end-to-end tests are the longest chain: one shared server and browser, so their
// files run one after another, mostly waiting on real time (a virtual board recording at its sample
// rate, a browser). So right after the build (which they need) everything starts at once:
//  - at normal priority, the e2e files and the integration files whose assertions depend on real
//    time (rates, budgets, deadlines; vitest.config.ts), each one file at a time;
//  - at a lower priority (nice 10), the other unit and integration files (two at a time) and the
//    type checks and lint, which only need the processor: they fill it while the others wait, and
//    do not slow them down when they need it.
// The first command that fails stops the others, and npm test names it.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { root } from './build-if-needed.mjs'

const bin = (name) => join(root, 'node_modules', '.bin', name)

/** Children running now. Each leads its own process group, so stopping one also stops what it started (vitest's workers, the e2e server and Chromium). */
const running = new Set()
let stopping = false

function stopAll(signal) {
  stopping = true
  for (const c of running) {
    try {
      process.kill(-c.pid, signal)
    } catch {
      // already gone
    }
  }
}

/** Runs the commands one after another; lines are prefixed with the stream's name. Resolves to the first non-zero exit code, or 0. */
function stream(name, commands, { background = false } = {}) {
  return (async () => {
    for (const [cmd, ...args] of commands) {
      if (stopping) return { name, code: 0, stopped: true }
      const code = await new Promise((resolve) => {
        const [file, argv] = background && process.platform !== 'win32' ? ['nice', ['-n', '10', cmd, ...args]] : [cmd, args]
        const child = spawn(file, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
        running.add(child)
        for (const out of [child.stdout, child.stderr]) {
          let rest = ''
          out.on('data', (d) => {
            const lines = (rest + d.toString()).split('\n')
            rest = lines.pop()
            for (const l of lines) process.stdout.write(`[${name}] ${l}\n`)
          })
          out.on('end', () => rest && process.stdout.write(`[${name}] ${rest}\n`))
        }
        child.on('error', (err) => {
          process.stdout.write(`[${name}] could not start ${cmd}: ${err.message}\n`)
          resolve(1)
        })
        child.on('close', (c, signal) => {
          running.delete(child)
          resolve(c ?? (signal ? 1 : 0))
        })
      })
      if (stopping && code !== 0) return { name, code: 0, stopped: true }
      if (code !== 0) return { name, code, failed: [cmd, ...args].join(' ') }
    }
    return { name, code: 0 }
  })()
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopAll(sig)
    process.exit(1)
  })
}

/** Runs streams side by side; the first that fails stops the others. Exits 1 naming the command that failed. */
async function stage(streams) {
  const failed = []
  await Promise.all(
    streams.map(async (s) => {
      const r = await s
      if (r.code === 0) return
      failed.push(r)
      stopAll('SIGTERM')
    })
  )
  for (const f of failed) console.error(`npm test: ${f.failed} failed (exit ${f.code}).`)
  if (failed.length) process.exit(1)
}

const started = Date.now()
await stage([stream('build', [[bin('electron-vite'), 'build']])])
await stage([
  stream('e2e', [[bin('vitest'), 'run', '--project', 'e2e']]),
  stream('timed', [[bin('vitest'), 'run', '--project', 'integration-timed']]),
  stream('unit+integration', [[bin('vitest'), 'run', '--project', 'unit', '--project', 'unit-isolated', '--project', 'integration', '--maxWorkers', '2']], { background: true }),
  stream('checks', [
    [bin('tsc'), '--noEmit', '-p', 'tsconfig.node.json'],
    [bin('tsc'), '--noEmit', '-p', 'tsconfig.e2e.json'],
    [bin('vue-tsc'), '--noEmit', '-p', 'tsconfig.web.json'],
    [bin('eslint'), '--max-warnings', '0', '.']
  ], { background: true })
])
console.log(`npm test: all passed in ${Math.round((Date.now() - started) / 1000)} s.`)
