import type { Sample, StreamItem } from './line-parser'

/**
 * IMU_Capture-style boards wait for motion, print a fixed number of samples, then a blank line:
 * each blank-line separated block is one window. The block length comes from the board.
 */
export class WindowSplitter {
  private current: Sample[] = []
  private readonly maxSamples: number

  /** maxSamples bounds a block when a board never prints a blank line (continuous streams). */
  constructor(maxSamples = 100_000) {
    this.maxSamples = maxSamples
  }

  /** Feeds parser output; returns the blocks it completes. */
  push(items: StreamItem[]): Sample[][] {
    const out: Sample[][] = []
    for (const item of items) {
      if (item.type === 'sample') {
        this.current.push(item.sample)
        if (this.current.length >= this.maxSamples) this.flushInto(out)
      } else if (item.type === 'gap' || item.type === 'layout') {
        this.flushInto(out)
      }
    }
    return out
  }

  /** The block in progress, if the stream ends without a blank line. */
  flush(): Sample[] | null {
    const out: Sample[][] = []
    this.flushInto(out)
    return out[0] ?? null
  }

  get pendingSamples(): number {
    return this.current.length
  }

  private flushInto(out: Sample[][]): void {
    if (this.current.length > 0) out.push(this.current)
    this.current = []
  }
}

/** Splits already-parsed items into blocks in one go (for files). */
export function splitBlocks(items: StreamItem[]): Sample[][] {
  const s = new WindowSplitter(Number.MAX_SAFE_INTEGER)
  const blocks = s.push(items)
  const last = s.flush()
  if (last) blocks.push(last)
  return blocks
}
