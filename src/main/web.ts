/**
 * `npm run web`: the whole app in a browser. The same services as the desktop app, over a
 * WebSocket bound to 127.0.0.1, serving the built renderer. Prints the URL (with its token) to open.
 */
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createServices } from './services'
import { startWebServer } from './web-server'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')

async function main(): Promise<void> {
  const staticDir = process.env.MICROFORGE_RENDERER_DIR || join(repoRoot, 'out', 'renderer')
  if (!existsSync(join(staticDir, 'index.html'))) {
    console.error(`The renderer is not built (${staticDir} has no index.html). Run: npm run build`)
    process.exit(1)
  }
  const port = process.env.MICROFORGE_PORT ? Number(process.env.MICROFORGE_PORT) : 5178
  const services = createServices({ host: 'web' })
  let web
  try {
    web = await startWebServer({ services, staticDir, port, token: process.env.MICROFORGE_TOKEN || undefined })
  } catch (err) {
    if ((err as { code?: string }).code === 'EADDRINUSE') {
      console.error(`Port ${port} is in use. Start with another port: MICROFORGE_PORT=5179 npm run web`)
      process.exit(1)
    }
    throw err
  }
  console.log(`Microforge is running. Open this address in your browser:\n\n  ${web.url}\n\nPress Ctrl+C to stop.`)
  let stopping = false
  const stop = async (): Promise<void> => {
    // A second signal while stopping means "now".
    if (stopping) process.exit(1)
    stopping = true
    await web.close()
    await services.dispose().catch((err: unknown) => console.error(`Stopping the services failed: ${(err as Error).message}`))
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
}

void main()
