/**
 * The dataset file the host board reads: the project's windows as raw sensor samples, the test
 * split first.
 */
import { promises as fs } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SampleFile } from '../../../shared/dataset'
import { sensorChannel } from '../../core/codegen/preprocessing-header'

export interface DatasetWindows {
  file: string
  /** Sample ids in the order the virtual board reads them; `window:N` in its output is ids[N]. */
  ids: string[]
}

/**
 * Writes the project's windows as the host HAL reads them: one sample per line, the six sensor
 * channels aX aY aZ gX gY gZ (missing ones 0), a blank line between windows. The test split comes
 * first because those are the windows the model has not seen.
 */
export async function writeDatasetWindows(projectDir: string, outFile: string, limit = 200): Promise<DatasetWindows | null> {
  const folder = join(projectDir, 'samples')
  let names: string[]
  try {
    names = (await fs.readdir(folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()
  } catch {
    return null
  }
  const windows: SampleFile[] = []
  for (const n of names) {
    try {
      const w = JSON.parse(await fs.readFile(join(folder, n), 'utf8')) as SampleFile
      if (Array.isArray(w.values) && Array.isArray(w.axes) && w.values.length) windows.push(w)
    } catch {
      // A damaged sample file is skipped here; the Capture step reports it.
    }
  }
  if (!windows.length) return null
  windows.sort((a, b) => (a.split === b.split ? a.id.localeCompare(b.id) : a.split === 'test' ? -1 : 1))
  const chosen = windows.slice(0, limit)
  const lines: string[] = []
  for (const w of chosen) {
    const channels = w.axes.map((a) => sensorChannel(a))
    for (const row of w.values) {
      const six = [0, 0, 0, 0, 0, 0]
      channels.forEach((ch, i) => {
        if (ch >= 0 && Number.isFinite(row[i])) six[ch] = row[i]
      })
      lines.push(six.join(' '))
    }
    lines.push('')
  }
  await fs.mkdir(dirname(outFile), { recursive: true })
  await fs.writeFile(outFile, lines.join('\n') + '\n')
  return { file: outFile, ids: chosen.map((w) => w.id) }
}
