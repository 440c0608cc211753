import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

function readVersion(): string {
  // Source layout (src/main) and build layout (out/main) both sit two levels below package.json.
  for (const p of ['../../package.json', '../package.json']) {
    try {
      const pkg = require(p) as { name?: string; version?: string }
      if (pkg.name === 'microforge' && pkg.version) return pkg.version
    } catch {
      /* try the next layout */
    }
  }
  return '0.0.0'
}

export const APP_VERSION = readVersion()
