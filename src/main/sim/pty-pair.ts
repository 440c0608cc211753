import { spawn, type ChildProcess } from 'node:child_process'
import { promises as fs } from 'node:fs'
import { MicroforgeError } from '../../shared/errors'

/**
 * A pair of connected pseudo-terminals made by socat: the app opens `link` like a real serial
 * port, the virtual board writes into `link.board`. Killing socat is the same as unplugging.
 */
export interface PtyPair {
  link: string
  boardLink: string
  process: ChildProcess
  /** Resolves when socat has exited. */
  exited: Promise<number | null>
  close(): Promise<void>
}

export async function startPtyPair(link: string, timeoutMs = 5000): Promise<PtyPair> {
  const boardLink = `${link}.board`
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${link}`, `pty,raw,echo=0,link=${boardLink}`], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString()
  })
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code) => res(code))
    child.once('error', () => res(null))
  })
  const spawnError = new Promise<Error>((res) => child.once('error', res))
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ready = (await exists(link)) && (await exists(boardLink)) && /starting data transfer loop/.test(stderr)
    if (ready) break
    const failed = await Promise.race([spawnError, exited.then((c) => new Error(`socat exited with code ${c}`)), sleep(20).then(() => null)])
    if (failed || Date.now() > deadline) {
      child.kill('SIGTERM')
      const missing = failed && /ENOENT/.test(failed.message)
      throw new MicroforgeError(
        'DEVICE_ERROR',
        missing ? 'socat is not installed; the virtual board needs it.' : `Could not create the virtual serial port ${link}: ${failed?.message ?? 'timed out'}. ${stderr.trim().split('\n').pop() ?? ''}`.trim(),
        missing ? 'Install it (sudo apt install socat, or brew install socat) and try again.' : 'Pick a path in a folder you can write to, for example /tmp/microforge-board.'
      )
    }
  }
  return {
    link,
    boardLink,
    process: child,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false
  )
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
