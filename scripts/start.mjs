// `npm start`: build if needed, then run the desktop app. Electron downloads its binary on first
// start; on an offline machine that fails, and we say what to do instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { buildIfNeeded, root } from './build-if-needed.mjs'

const require = createRequire(import.meta.url)

function offlineMessage(detail) {
  console.error(
    [
      '',
      'Microforge could not start the desktop window: the Electron runtime is not installed' + (detail ? ` (${detail})` : '') + '.',
      'Electron downloads it once, on the first start, and this computer could not reach the download.',
      '',
      'You can use the whole app in your browser instead:',
      '',
      '    npm run web',
      '',
      'or connect to the internet once and run `npm start` again.',
      ''
    ].join('\n')
  )
  process.exit(1)
}

function electronBinary() {
  // Loading the electron package resolves (and on first run, downloads) the binary.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 180_000 })
  if (probe.status !== 0 || !probe.stdout) {
    const text = `${probe.stderr ?? ''}`
    offlineMessage(/fetch failed|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/i.test(text) ? 'download failed, no network' : 'download failed')
  }
  return probe.stdout.trim()
}

try {
  require.resolve('electron')
} catch {
  offlineMessage('the electron package is missing; run npm ci')
}
buildIfNeeded()
const bin = electronBinary()
const child = spawn(bin, ['.'], { cwd: root, stdio: 'inherit' })
child.on('error', (err) => offlineMessage(err.message))
child.on('exit', (code) => process.exit(code ?? 0))
