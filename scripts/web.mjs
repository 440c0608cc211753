// `npm run web`: build the renderer if needed, then serve the app on 127.0.0.1 (see src/main/web.ts).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { setInterval } from 'node:timers'
import { buildIfNeeded, root } from './build-if-needed.mjs'

// A renderer folder given explicitly is served as it is (tests, a packaged renderer).
if (!process.env.MICROFORGE_RENDERER_DIR) buildIfNeeded()
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main', 'web.ts')], { cwd: root, stdio: 'inherit' })
const stop = (sig) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(sig)
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => stop(sig))
// `kill <npm pid>`: npm passes SIGTERM to the `sh -c` running this script, which dies without
// passing it on, and this process is left orphaned. Losing the parent counts as SIGTERM.
const parent = process.ppid
setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM')
}, 250).unref()
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
