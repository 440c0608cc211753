/**
 * The dataset file the host board reads: the project's windows as raw sensor samples, the test
 * split first.
 */
import { promises as fs } from 'node:fs'
import { dirname, join } from 'node:path'
import type { SampleFile } from '../../../shared/dataset'
import { axisSourcesIn, type RecordedSignal } from '../../core/codegen/sensor-axes'

export interface DatasetWindows {
  file: string
  /** Sample ids in the order the virtual board reads them; `window:N` in its output is ids[N]. */
  ids: string[]
}

/**
 * Writes the project's windows as the host HAL reads them: one sample per line, the six sensor
 * channels aX aY aZ gX gY gZ in g and deg/s (missing ones 0; the firmware converts them back to the
 * recorded units and scale), a blank line between windows. The test split comes
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
  const signal = await recordedSignal(projectDir)
  windows.sort((a, b) => (a.split === b.split ? a.id.localeCompare(b.id) : a.split === 'test' ? -1 : 1))
  const chosen = windows.slice(0, limit)
  const lines: string[] = []
  for (const w of chosen) {
    const sources = readableAxes(w.axes, signal)
    for (const row of w.values) {
      const six = [0, 0, 0, 0, 0, 0]
      // The board's sensor reads g and deg/s; the firmware converts back to the recorded units.
      sources.forEach((src, i) => {
        if (src && Number.isFinite(row[i])) six[src.channel] = row[i] / src.gain
      })
      lines.push(six.join(' '))
    }
    lines.push('')
  }
  await fs.mkdir(dirname(outFile), { recursive: true })
  await fs.writeFile(outFile, lines.join('\n') + '\n')
  return { file: outFile, ids: chosen.map((w) => w.id) }
}

/** The signal spec's axes, units and scale from project.json, when it has them. */
async function recordedSignal(projectDir: string): Promise<RecordedSignal | undefined> {
  try {
    const sig = (JSON.parse(await fs.readFile(join(projectDir, 'project.json'), 'utf8')) as { signal?: Partial<RecordedSignal> }).signal
    if (sig && Array.isArray(sig.axes) && Array.isArray(sig.units) && Array.isArray(sig.scale)) return { axes: sig.axes, units: sig.units, scale: sig.scale }
  } catch {
    // Without a readable spec the windows are taken as g and deg/s.
  }
  return undefined
}

/** Each axis's sensor channel and gain, or null for an axis the board's sensor does not have. */
function readableAxes(axes: string[], signal: RecordedSignal | undefined): Array<{ channel: number; gain: number } | null> {
  return axes.map((a) => {
    try {
      return axisSourcesIn([a], signal)[0]
    } catch {
      return null
    }
  })
}
