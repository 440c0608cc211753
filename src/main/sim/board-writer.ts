import { openSync } from 'node:fs'
import { constants } from 'node:fs'
import tty from 'node:tty'

/**
 * Writes a virtual board's lines into the board end of a pty pair at a steady rate. Like a native
 * USB board with no host listening, it drops output rather than queueing it without bound.
 */
export interface BoardWriter {
  /** Lines accepted so far. */
  written: number
  /** Lines dropped because nobody was reading. */
  dropped: number
  stop(): void
  /** Resolves when the pty goes away (socat ended). */
  closed: Promise<void>
}

export interface PacedSource {
  /** Lines for one sample period. */
  next(): string[]
}

const MAX_QUEUED_BYTES = 64 * 1024

/**
 * Opens the board end of a pty pair for writing. Node makes tty streams blocking; a writer in the
 * same process as the reader (the app's own virtual board, the tests) would then freeze its event
 * loop as soon as the pty buffer fills, so the stream is switched back to libuv's non-blocking
 * writes, which queue (writableLength) instead.
 */
export function openBoardEnd(path: string): tty.WriteStream {
  const fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY)
  const stream = new tty.WriteStream(fd)
  ;(stream as unknown as { _handle?: { setBlocking?: (b: boolean) => number } })._handle?.setBlocking?.(false)
  return stream
}

/** Resolves once everything written so far has reached the pty (or the stream failed). */
export function drained(stream: tty.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve()
  // Writes complete in order: the callback of an empty write runs after all earlier ones.
  return new Promise((res) => stream.write('', () => res()))
}

/** Calls source.next() rateHz times a second (catching up in bursts when timers are late) and writes the lines. */
export function paceInto(stream: tty.WriteStream, source: PacedSource, rateHz: number, tickMs = 5): BoardWriter {
  const started = performance.now()
  let ticks = 0
  let stopped = false
  const w: BoardWriter = {
    written: 0,
    dropped: 0,
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
    closed: new Promise<void>((res) => {
      stream.once('close', () => res())
      stream.once('error', () => res())
    })
  }
  const timer = setInterval(() => {
    if (stopped) return
    const due = Math.floor(((performance.now() - started) * rateHz) / 1000)
    let chunk = ''
    let lines = 0
    while (ticks < due) {
      ticks++
      for (const l of source.next()) {
        chunk += l + '\n'
        lines++
      }
    }
    if (lines === 0) return
    if (stream.writableLength > MAX_QUEUED_BYTES) {
      w.dropped += lines
      return
    }
    stream.write(chunk)
    w.written += lines
  }, tickMs)
  void w.closed.then(() => w.stop())
  return w
}
