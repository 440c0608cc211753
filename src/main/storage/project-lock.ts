/**
 * One writer per project across processes (ARCHITECTURE.md, Storage): the desktop app, `npm run
 * web` and any number of CLI runs take `<project>/.microforge.lock` around every change. The file
 * names its holder (pid, the process's start time, host); a holder that is gone (dead pid, or a
 * live pid with another start time: the pid was reused) is stale and is broken. Waiting is
 * bounded; then the call fails with PROJECT_LOCKED and says who holds the project.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { randomBytes } from 'node:crypto'
import { readFileSync, promises as fs } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import { MicroforgeError } from '../../shared/errors'
import { symlinkLoop } from './atomic-fs'

export const LOCK_FILE = '.microforge.lock'
const DEFAULT_WAIT_MS = Number(process.env.MICROFORGE_LOCK_WAIT_MS) || 30_000
/** A `.break` file older than this was left by a process killed while breaking a stale lock. */
const BREAKER_STALE_MS = 10_000

export interface LockOwner {
  pid: number
  /** Process start time as the OS counts it (Linux: clock ticks since boot), null where unknown. */
  start: string | null
  host: string
  since: string
  nonce: string
}

/** The locks this async call chain holds, so a locked section may call another (re-entrant). */
const held = new AsyncLocalStorage<Set<string>>()
/** In-process queue per project: one file-lock attempt at a time from this process. */
const queues = new Map<string, Promise<unknown>>()

export async function withProjectLock<T>(dir: string, fn: () => Promise<T>, opts: { waitMs?: number } = {}): Promise<T> {
  const key = resolve(dir)
  const mine = held.getStore()
  if (mine?.has(key)) return fn()
  const prev = queues.get(key) ?? Promise.resolve()
  const run = prev.then(async () => {
    const release = await acquire(key, opts.waitMs ?? DEFAULT_WAIT_MS)
    try {
      return await held.run(new Set([...(mine ?? []), key]), fn)
    } finally {
      await release()
    }
  })
  const settled = run.catch(() => undefined)
  queues.set(key, settled)
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key)
  })
  return run
}

/** Who holds the project now, or null (a stale holder counts as nobody). */
export async function lockHolder(dir: string): Promise<LockOwner | null> {
  const owner = await readOwner(join(resolve(dir), LOCK_FILE))
  return owner && !isStale(owner) ? owner : null
}

async function acquire(dir: string, waitMs: number): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE)
  const me: LockOwner = { pid: process.pid, start: processStart(process.pid), host: hostname(), since: new Date().toISOString(), nonce: randomBytes(8).toString('hex') }
  const deadline = Date.now() + waitMs
  let delay = 10
  for (;;) {
    try {
      const h = await fs.open(path, 'wx', 0o644)
      try {
        await h.writeFile(JSON.stringify(me))
        await h.sync()
      } finally {
        await h.close()
      }
      return async () => {
        const now = await readOwner(path)
        if (now?.nonce === me.nonce) await fs.rm(path, { force: true })
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'EEXIST') throw lockIoError(err, dir)
    }
    const owner = await readOwner(path)
    if (owner && isStale(owner)) {
      await breakStale(path, owner)
      continue
    }
    if (Date.now() >= deadline) {
      const who = owner ? `Microforge process ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ''}, since ${owner.since}` : 'another Microforge process'
      throw new MicroforgeError(
        'PROJECT_LOCKED',
        `${dir} is being changed by ${who}; waited ${Math.round(waitMs / 1000)} s.`,
        `Wait for it to finish and try again. If no Microforge is running, delete ${path}.`
      )
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay))
    delay = Math.min(200, delay * 2)
  }
}

/**
 * Removes a stale lock without racing another breaker: only the holder of `<lock>.break` may
 * remove it, and only if the lock still names the same dead owner.
 */
async function breakStale(path: string, stale: LockOwner): Promise<void> {
  const breaker = `${path}.break`
  try {
    const h = await fs.open(breaker, 'wx')
    await h.close()
  } catch {
    const st = await fs.stat(breaker).catch(() => null)
    if (st && Date.now() - st.mtimeMs > BREAKER_STALE_MS) await fs.rm(breaker, { force: true })
    await new Promise((r) => setTimeout(r, 10))
    return
  }
  try {
    const now = await readOwner(path)
    if (now?.nonce === stale.nonce) await fs.rm(path, { force: true })
  } finally {
    await fs.rm(breaker, { force: true })
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  let text: string
  try {
    text = await fs.readFile(path, 'utf8')
  } catch {
    return null
  }
  try {
    const o = JSON.parse(text) as LockOwner
    if (Number.isInteger(o.pid) && typeof o.nonce === 'string') return o
  } catch {
    // Half-written by a process killed between open and write: judged by its age below.
  }
  const st = await fs.stat(path).catch(() => null)
  const old = !st || Date.now() - st.mtimeMs > BREAKER_STALE_MS
  return { pid: old ? 0 : process.pid, start: null, host: hostname(), since: st ? new Date(st.mtimeMs).toISOString() : '', nonce: `torn-${st?.mtimeMs ?? 0}` }
}

function isStale(o: LockOwner): boolean {
  if (o.host !== hostname()) return false
  if (o.pid <= 0) return true
  try {
    process.kill(o.pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true
  }
  // Alive, but maybe a new process that got the dead holder's pid.
  const start = processStart(o.pid)
  return o.start !== null && start !== null && start !== o.start
}

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks since boot). */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
  } catch {
    return null
  }
}

function lockIoError(err: unknown, dir: string): Error {
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOENT') return new MicroforgeError('NOT_FOUND', `${dir} does not exist.`, 'Check the path, or create the project again.')
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new MicroforgeError('IO_ERROR', `Cannot write to ${dir} (permission denied).`, 'Copy the project to a folder you can write to, or change its permissions.')
  }
  if (code === 'ENOSPC') return new MicroforgeError('DISK_FULL', 'The disk is full.', 'Free some space and try again.')
  if (code === 'ELOOP') return symlinkLoop(dir)
  return new MicroforgeError('IO_ERROR', `Cannot lock ${dir}: ${(err as Error).message}`)
}
