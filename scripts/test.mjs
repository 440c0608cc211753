// `npm test`: type checks, lint, build, then every vitest project except the TFLM oracle.
// On two cores it runs two streams at once: the type checks beside lint, then the unit and integration
// tests beside the end-to-end tests, which spend much of their time waiting on real time (a virtual
// board recording at its sample rate, a browser) while the others need the processor.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { root } from './build-if-needed.mjs'

const bin = (name) => join(root, 'node_modules', '.bin', name)

/** Runs the commands one after another; lines are prefixed with the stream's name. Resolves to the first non-zero exit code, or 0. */
function stream(name, commands) {
  return (async () => {
    for (const [cmd, ...args] of commands) {
      const code = await new Promise((resolve) => {
        const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
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
      if (code !== 0) return { name, code, failed: [cmd, ...args].join(' ') }
    }
    return { name, code: 0 }
  })()
}

const running = new Set()
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const c of running) c.kill(sig)
    process.exit(1)
  })
}

/** Runs streams side by side and stops if any failed, naming the command. */
async function stage(streams) {
  const results = await Promise.all(streams)
  const failed = results.filter((r) => r.code !== 0)
  for (const f of failed) console.error(`npm test: ${f.failed} failed (exit ${f.code}).`)
  if (failed.length) process.exit(1)
}

const started = Date.now()
await stage([
  stream('typecheck', [
    [bin('tsc'), '--noEmit', '-p', 'tsconfig.node.json'],
    [bin('tsc'), '--noEmit', '-p', 'tsconfig.e2e.json'],
    [bin('vue-tsc'), '--noEmit', '-p', 'tsconfig.web.json']
  ]),
  stream('lint', [[bin('eslint'), '--max-warnings', '0', '.']])
])
await stage([stream('build', [[bin('electron-vite'), 'build']])])
await stage([
  stream('unit+integration', [[bin('vitest'), 'run', '--project', 'unit', '--project', 'integration']]),
  stream('e2e', [[bin('vitest'), 'run', '--project', 'e2e']])
])
console.log(`npm test: all passed in ${Math.round((Date.now() - started) / 1000)} s.`)
