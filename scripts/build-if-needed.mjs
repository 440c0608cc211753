// Builds with electron-vite when out/ is missing or older than any source file, so `npm start`
// and `npm run web` work on a fresh clone and stay quick afterwards.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function newest(dir) {
  let t = 0
  if (!existsSync(dir)) return t
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

export function buildIfNeeded() {
  const marker = join(root, 'out', 'renderer', 'index.html')
  const built = existsSync(marker) && existsSync(join(root, 'out', 'main', 'index.js')) ? statSync(marker).mtimeMs : 0
  const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'electron.vite.config.ts')).mtimeMs)
  if (built >= sources) return
  console.log('Building Microforge…')
  const bin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const r = spawnSync(process.execPath, [bin, 'build'], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) {
    console.error('The build failed; see the messages above.')
    process.exit(r.status ?? 1)
  }
}
