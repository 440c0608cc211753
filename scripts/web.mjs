// `npm run web`: build the renderer if needed, then serve the app on 127.0.0.1 (see src/main/web.ts).
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { buildIfNeeded, root } from './build-if-needed.mjs'

buildIfNeeded()
const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main', 'web.ts')], { cwd: root, stdio: 'inherit' })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
