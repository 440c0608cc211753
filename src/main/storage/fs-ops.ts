/**
 * The file-system steps that change a project, counted, so a test can stop the process at any
 * one of them (issue #17: "kill at every file-system step"). After the injected fault every
 * later step fails too, as if the process were gone: no cleanup handler can tidy up, so what is
 * left on disk is what a kill -9 at that instant would leave.
 */
import { promises as fs, renameSync, writeFileSync } from 'node:fs'

export class InjectedKill extends Error {
  constructor(step: number) {
    super(`injected kill at file-system step ${step}`)
  }
}

let steps = 0
let killAt = Number.POSITIVE_INFINITY
let killed = false

/** Test hook: the step (1-based) to die at, or null for none; resets the counter. */
export function injectKillAt(step: number | null): void {
  steps = 0
  killAt = step ?? Number.POSITIVE_INFINITY
  killed = false
}

/** Steps taken since the last injectKillAt. */
export function fsStepsTaken(): number {
  return steps
}

async function step<T>(fn: () => Promise<T>): Promise<T> {
  if (killed) throw new InjectedKill(steps)
  steps++
  if (steps >= killAt) {
    killed = true
    throw new InjectedKill(steps)
  }
  return fn()
}

/** Writes and fsyncs a whole file (one step: a kill inside leaves a torn temporary file). */
export function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  return step(async () => {
    const h = await fs.open(path, 'w', 0o644)
    try {
      await h.writeFile(data)
      await h.sync()
    } finally {
      await h.close()
    }
  })
}

/** One step: a folder's files made durable together (see batch-write.ts). */
export function syncStep(fn: () => Promise<void>): Promise<void> {
  return step(fn)
}

export const fsOps = {
  rename: (from: string, to: string): Promise<void> => step(() => fs.rename(from, to)),
  rm: (path: string, opts: { recursive?: boolean; force?: boolean } = {}): Promise<void> => step(() => fs.rm(path, opts)),
  mkdir: (path: string): Promise<string | undefined> => step(() => fs.mkdir(path, { recursive: true })),
  writeFile: (path: string, data: string | Uint8Array): Promise<void> => step(() => fs.writeFile(path, data)),
  /**
   * The same, done synchronously inside the step: for batches of many small files, where a trip
   * through the thread pool per file costs more than the write (callers yield every few hundred).
   */
  writeFileNow: (path: string, data: string | Uint8Array): Promise<void> => step(async () => writeFileSync(path, data)),
  renameNow: (from: string, to: string): Promise<void> => step(async () => renameSync(from, to))
}
