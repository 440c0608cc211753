import { execFile } from 'node:child_process'
import { promises as fs } from 'node:fs'
import { join } from 'node:path'
import { fsOps, syncStep } from './fs-ops'

interface BatchFile {
  name: string
  data: string | Uint8Array
}

/** Files written between yields to the event loop (a few ms of work). */
const CHUNK = 256

/**
 * Writes many new files into one folder and makes them durable together: plain writes, then one
 * syncfs(2) of the file system (`sync -f`, Linux) instead of an fsync per file, which cost about
 * 2 ms each (100,000 imported windows took 503 s). Where `sync -f` is missing, each file is fsynced,
 * many at a time. Small files are written synchronously in chunks, yielding in between: a trip
 * through the thread pool per file cost more than the write. Nothing here is visible to readers
 * until the caller commits the folder.
 */
export async function writeBatch(dir: string, files: Iterable<BatchFile> | AsyncIterable<BatchFile>): Promise<number> {
  const names: string[] = []
  for await (const { name, data } of files) {
    names.push(name)
    await fsOps.writeFileNow(join(dir, name), data)
    if (names.length % CHUNK === 0) await new Promise((r) => setImmediate(r))
  }
  await syncStep(() => syncFolder(dir, names))
  return names.length
}

async function syncFolder(dir: string, names: string[]): Promise<void> {
  if (process.platform === 'linux' && (await syncFs(dir))) return
  let i = 0
  const worker = async (): Promise<void> => {
    while (i < names.length) {
      const h = await fs.open(join(dir, names[i++]), 'r+')
      try {
        await h.sync()
      } finally {
        await h.close()
      }
    }
  }
  await Promise.all(Array.from({ length: 32 }, worker))
  const h = await fs.open(dir, 'r')
  await h.sync().finally(() => h.close())
}

/** syncfs(2) of the file system holding `dir`; false when it could not run. */
function syncFs(dir: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sync', ['-f', dir], { timeout: 600_000 }, (err) => resolve(err === null)))
}
