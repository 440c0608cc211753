import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { MicroforgeError, type ErrorData } from '../../shared/errors'

export type WorkerName = 'train-worker' | 'optimize-worker'

/**
 * Starts a worker from TypeScript source (tests, CLI, web mode under tsx) or from the electron-vite
 * build, where <name>.js sits next to the main bundle (an extra input in electron.vite.config.ts).
 * From source the worker first registers tsx's loader and then imports the .ts entry: Node 20
 * ignores `--import tsx` in a worker's execArgv ("Unknown file extension .ts").
 */
export function createWorker(name: WorkerName, options: { workerData?: unknown; transferList?: ArrayBuffer[] }, base: string = import.meta.url): Worker {
  if (!base.endsWith('.ts')) {
    // This code may sit in the main bundle or in one of its chunks/ (rollup decides).
    const beside = new URL(`./${name}.js`, base)
    return new Worker(existsSync(beside) ? beside : new URL(`../${name}.js`, base), options)
  }
  const entry = new URL(`../workers/${name}.ts`, base).href
  const tsxApi = pathToFileURL(join(dirname(createRequire(base).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href
  const boot = `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { ...options, eval: true })
}

export interface WorkerJobOptions<M> {
  signal?: AbortSignal
  /** Messages other than the final result or error. */
  onMessage?: (msg: M) => void
  transfer?: ArrayBuffer[]
  /** Called on abort before the grace period (e.g. to set a shared cancel flag). */
  onCancel?: (worker: Worker) => void
  /** How long a cancelled worker may take to stop by itself before it is terminated. */
  cancelGraceMs?: number
}

type Final<R> = { type: 'result'; result: R } | { type: 'error'; error: ErrorData }

/**
 * Runs one request in a fresh worker thread and resolves with its 'result' message. Cancel: the
 * worker is asked by message (and onCancel), then terminated if it has not stopped in time; the
 * promise rejects with CANCELLED unless the worker answers with a result first (a search returns
 * its best model so far). A worker that dies without a result is an error.
 */
export function runWorker<R, M extends { type: string } = { type: string }>(name: WorkerName, data: unknown, opts: WorkerJobOptions<M> = {}): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const worker = createWorker(name, { workerData: data, transferList: opts.transfer })
    let settled = false
    let killTimer: NodeJS.Timeout | undefined
    const finish = (fn: () => void): void => {
      if (settled) return
      settled = true
      clearTimeout(killTimer)
      opts.signal?.removeEventListener('abort', onAbort)
      fn()
      void worker.terminate()
    }
    const onAbort = (): void => {
      opts.onCancel?.(worker)
      worker.postMessage({ type: 'cancel' })
      killTimer = setTimeout(() => finish(() => reject(new MicroforgeError('CANCELLED', 'Cancelled.'))), opts.cancelGraceMs ?? 10_000)
    }
    if (opts.signal?.aborted) onAbort()
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (msg: Final<R> | M) => {
      if (msg.type === 'result') finish(() => resolve((msg as Final<R> & { type: 'result' }).result))
      else if (msg.type === 'error') finish(() => reject(MicroforgeError.fromData((msg as Final<R> & { type: 'error' }).error)))
      else opts.onMessage?.(msg as M)
    })
    worker.on('error', (err) => finish(() => reject(new MicroforgeError('INTERNAL', `The ${name} stopped with an error: ${err.message}`, 'Try again; if it repeats, report it with the log.'))))
    worker.on('exit', (code) =>
      finish(() =>
        opts.signal?.aborted
          ? reject(new MicroforgeError('CANCELLED', 'Cancelled.'))
          : reject(new MicroforgeError('INTERNAL', `The ${name} exited (code ${code}) without a result.`, 'Try again; if it repeats, report it with the log.'))
      )
    )
  })
}
