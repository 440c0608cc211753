import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { SAMPLE_FORMAT_VERSION, type SampleFile, type SampleWindow } from '../../shared/dataset'
import { wrapFsError } from './atomic-fs'
import { writeBatch } from './batch-write'
import { fsOps, InjectedKill } from './fs-ops'

/** A window file: the head fields first (readWindowHeads reads only those), one line per sample (small and diffable). */
export function sampleText(w: SampleWindow): string {
  const file: SampleFile = { format: 'microforge-sample', version: SAMPLE_FORMAT_VERSION, ...w }
  const { values, ...head } = file
  return JSON.stringify(head, null, 2).replace(/\n}$/, `,\n  "values": [\n${values.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]\n}\n`)
}

const STAGING = /^\.import-(\d+)-[0-9a-f]+$/

/**
 * Writes an import's windows (a list, or generated as they are read) to samples/.import-<pid>-<hex>/ (hidden: nothing lists it) and returns
 * that folder's name. Staging folders of processes that are gone (killed mid-import) are removed.
 */
export async function stageWindows(project: string, windows: Iterable<SampleWindow> | AsyncIterable<SampleWindow>): Promise<string> {
  const samples = join(project, 'samples')
  for (const name of await fs.readdir(samples).catch(() => [] as string[])) {
    const m = STAGING.exec(name)
    if (m && !processAlive(Number(m[1]))) await fs.rm(join(samples, name), { recursive: true, force: true }).catch(() => undefined)
  }
  const name = `.import-${process.pid}-${randomBytes(4).toString('hex')}`
  const dir = join(samples, name)
  try {
    await fsOps.mkdir(dir)
    // Generated lazily: 100,000 windows' text never sits in memory at once, nor (when `windows`
    // is itself generated as files are read) their samples.
    await writeBatch(
      dir,
      (async function* () {
        for await (const w of windows) yield { name: `${w.id}.json`, data: sampleText(w) }
      })()
    )
  } catch (err) {
    if (err instanceof InjectedKill) throw err
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined)
    throw wrapFsError(err, join(samples, 'the imported windows'), 'write')
  }
  return name
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}


