/**
 * Cuts a serial byte stream into text lines. Boards end lines with \n, \r\n or a lone \r. A line
 * longer than the limit (noise at a wrong baud rate, a binary dump) is dropped up to its end and
 * counted, so one bad burst cannot grow memory without bound.
 */
export const MAX_LINE_BYTES = 4096

export interface FramerStats {
  bytes: number
  lines: number
  /** Lines dropped because they ran past the limit. */
  overlong: number
}

export class LineFramer {
  readonly stats: FramerStats = { bytes: 0, lines: 0, overlong: 0 }
  private readonly limit: number
  private readonly decoder = new TextDecoder('utf-8')
  private buf: Uint8Array
  private len = 0
  /** Inside an over-long line: skip bytes until the next line end. */
  private discarding = false
  /** The previous chunk ended with \r; a leading \n belongs to it. */
  private afterCr = false

  constructor(limit: number = MAX_LINE_BYTES) {
    this.limit = limit
    this.buf = new Uint8Array(limit)
  }

  /** Feeds bytes; returns the complete lines they finish, without their line ends. */
  push(chunk: Uint8Array): string[] {
    this.stats.bytes += chunk.length
    const out: string[] = []
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (b === 0x0a || b === 0x0d) {
        if (b === 0x0a && this.afterCr) {
          this.afterCr = false
          continue
        }
        this.afterCr = b === 0x0d
        this.endLine(out)
        continue
      }
      this.afterCr = false
      if (this.discarding) continue
      if (this.len >= this.limit) {
        this.discarding = true
        this.len = 0
        this.stats.overlong++
        continue
      }
      this.buf[this.len++] = b
    }
    return out
  }

  /** Bytes waiting for their line end. */
  get pending(): number {
    return this.len
  }

  /** Forgets a partial line (after a reconnect the rest of it will never come). */
  reset(): void {
    this.len = 0
    this.discarding = false
    this.afterCr = false
  }

  private endLine(out: string[]): void {
    if (this.discarding) {
      this.discarding = false
      return
    }
    out.push(this.decoder.decode(this.buf.subarray(0, this.len)))
    this.len = 0
    this.stats.lines++
  }
}
