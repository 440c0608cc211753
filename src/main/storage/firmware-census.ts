import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { unzipSync } from 'fflate'

/** What the project's firmware folder holds: every firmware project, and those that run a model. */
export interface FirmwareCensus {
  total: number
  /** Classify or profile firmware. Capture firmware (no model) does not make Deploy done or Profile ready. */
  withModel: number
}

const CONFIG = 'mf_config.h'
// Where mf_config.h sits: Arduino sketch root, PlatformIO src/ or include/, ESP-IDF main/.
const CONFIG_DIRS = ['', 'src', 'include', 'main']

/** Capture mode as mf_config.h declares it; null when the text is not Microforge's config. */
export function isCaptureConfig(text: string): boolean | null {
  const m = /#define MF_MODE_CAPTURE (\d)/.exec(text)
  return m ? m[1] === '1' : null
}

async function folderIsCapture(dir: string): Promise<boolean> {
  for (const sub of CONFIG_DIRS) {
    const text = await fs.readFile(join(dir, sub, CONFIG), 'utf8').catch(() => null)
    if (text !== null) return isCaptureConfig(text) === true
  }
  return false
}

async function zipIsCapture(path: string): Promise<boolean> {
  try {
    const files = unzipSync(new Uint8Array(await fs.readFile(path)), { filter: (f) => f.name.endsWith(`/${CONFIG}`) || f.name === CONFIG })
    const first = Object.values(files)[0]
    return first ? isCaptureConfig(new TextDecoder().decode(first)) === true : false
  } catch {
    return false
  }
}

/** Folders and zips in `firmwareDir`; one without Microforge's config counts as a model firmware (the user's own). */
export async function firmwareCensus(firmwareDir: string): Promise<FirmwareCensus> {
  let entries
  try {
    entries = await fs.readdir(firmwareDir, { withFileTypes: true })
  } catch {
    return { total: 0, withModel: 0 }
  }
  let total = 0
  let withModel = 0
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const path = join(firmwareDir, e.name)
    let capture: boolean
    if (e.isDirectory()) capture = await folderIsCapture(path)
    else if (e.isFile() && e.name.endsWith('.zip')) capture = await zipIsCapture(path)
    else continue
    total++
    if (!capture) withModel++
  }
  return { total, withModel }
}
