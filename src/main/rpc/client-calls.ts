/**
 * The calls of one connected client, run a few at a time, with backpressure on that client only.
 *
 * - Fairness: each client has at most `maxActive` calls running. A client that sends 10,000
 *   requests at once has the rest waiting in its own queue, so another client's call starts after
 *   at most a few of them instead of after all of them (a system.info flood starved others).
 * - Replies not read: while the socket holds more than `highWaterBytes` unsent, no new call of
 *   that client starts (its replies would only pile up), events to it are dropped, and its queue
 *   stops growing because reading from its socket is paused. A client that reads nothing for
 *   `stallMs` is disconnected with a close reason that says so. A client that never read grew the
 *   server from 199 to 605 MB in 10 s before.
 */
export interface ClientSocket {
  /** Bytes queued for sending and not yet handed to the OS. */
  readonly bufferedAmount: number
  pause(): void
  resume(): void
  close(code: number, reason: string): void
}

export interface ClientCallLimits {
  maxActive: number
  /** Requests waiting beyond this pause reading from the socket. */
  maxQueued: number
  highWaterBytes: number
  stallMs: number
}

export const DEFAULT_LIMITS: ClientCallLimits = { maxActive: 8, maxQueued: 256, highWaterBytes: 4 * 1024 * 1024, stallMs: 30_000 }

/** 1008: policy violation, the closest standard code for "you did not read". */
export const CLOSE_NOT_READING = 1008

export class ClientCalls {
  private readonly queue: Array<() => Promise<void>> = []
  private active = 0
  private paused = false
  private stalledSince: number | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private closed = false

  constructor(
    private readonly socket: ClientSocket,
    private readonly limits: ClientCallLimits = DEFAULT_LIMITS
  ) {}

  /** Runs `call` when this client's turn comes; its reply is sent by the call itself. */
  push(call: () => Promise<void>): void {
    if (this.closed) return
    this.queue.push(call)
    if (this.queue.length > this.limits.maxQueued) this.setPaused(true)
    this.pump()
  }

  /** Whether an event may go out now: not while the client is behind on reading. */
  acceptsEvents(): boolean {
    return !this.closed && this.socket.bufferedAmount <= this.limits.highWaterBytes
  }

  dispose(): void {
    this.closed = true
    this.queue.length = 0
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  private backedUp(): boolean {
    return this.socket.bufferedAmount > this.limits.highWaterBytes
  }

  private pump(): void {
    while (!this.closed && this.active < this.limits.maxActive && this.queue.length > 0) {
      if (this.backedUp()) {
        this.watchDrain()
        return
      }
      const call = this.queue.shift()!
      this.active++
      void call()
        .catch(() => undefined)
        .finally(() => {
          this.active--
          // Through the event loop, not the microtask queue: other sockets' messages get read in between.
          setImmediate(() => this.pump())
        })
    }
    if (this.paused && this.queue.length <= this.limits.maxQueued / 2 && !this.backedUp()) this.setPaused(false)
  }

  /** Polls until the client has read enough (the socket has no drain event of its own here). */
  private watchDrain(): void {
    this.setPaused(true)
    this.stalledSince ??= Date.now()
    if (this.timer) return
    this.timer = setInterval(() => {
      if (!this.backedUp()) {
        clearInterval(this.timer!)
        this.timer = null
        this.stalledSince = null
        this.pump()
        return
      }
      if (Date.now() - this.stalledSince! >= this.limits.stallMs) {
        const mb = (this.socket.bufferedAmount / 1024 / 1024).toFixed(1)
        this.dispose()
        // Reading resumes so the client's answer to the close can arrive and end the connection.
        this.setPaused(false)
        this.socket.close(CLOSE_NOT_READING, `Microforge closed this connection: the client did not read its replies for ${Math.round(this.limits.stallMs / 1000)} s (${mb} MB waiting).`.slice(0, 123))
      }
    }, 50)
    this.timer.unref?.()
  }

  private setPaused(paused: boolean): void {
    if (paused === this.paused) return
    this.paused = paused
    if (paused) this.socket.pause()
    else this.socket.resume()
  }
}
