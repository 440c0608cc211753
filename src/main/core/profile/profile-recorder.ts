import type { ProfileClassification, ProfileLineCounts, ProfileMemory, ProfileSample } from '../../../shared/contract/profile'
import { parseProfileLine, type MemoryValues } from './profile-line'

/** Lines kept for the user to read (banners, errors the firmware prints). */
const RECENT_TEXT = 8

export function emptyCounts(): ProfileLineCounts {
  return { lines: 0, timing: 0, memory: 0, classification: 0, text: 0, blank: 0, garbage: 0 }
}

/**
 * Collects a session from lines as they arrive: inferences, memory, classifications and counts of
 * every kind of line. Pure: the caller supplies the arrival time, so tests are deterministic.
 */
export class ProfileRecorder {
  readonly samples: ProfileSample[] = []
  readonly classifications: ProfileClassification[] = []
  readonly counts: ProfileLineCounts = emptyCounts()
  readonly memory: ProfileMemory = {}
  readonly recentText: string[] = []
  /** Index of the first sample not yet handed out by takeNew(). */
  private delivered = 0

  /** Feeds one line; t is ms since the session started. */
  push(line: string, t: number): void {
    this.counts.lines++
    const p = parseProfileLine(line)
    switch (p.kind) {
      case 'blank':
        this.counts.blank++
        return
      case 'garbage':
        this.counts.garbage++
        return
      case 'text':
        this.counts.text++
        this.recentText.push(p.text)
        if (this.recentText.length > RECENT_TEXT) this.recentText.shift()
        return
      case 'memory':
        this.counts.memory++
        this.mergeMemory(p.memory)
        return
      case 'classification':
        this.counts.classification++
        this.classifications.push({
          t,
          label: p.label,
          ...(p.index === undefined ? {} : { index: p.index }),
          ...(p.window === undefined ? {} : { window: p.window }),
          ...(p.scores === undefined ? {} : { scores: p.scores }),
          raw: line.trim()
        })
        return
      case 'timing':
        this.counts.timing++
        this.mergeMemory(p.memory)
        this.samples.push({ t: Math.round(t * 10) / 10, stages: p.stages })
        return
    }
  }

  /** The inferences that arrived since the previous call (for batched live events). */
  takeNew(): ProfileSample[] {
    const out = this.samples.slice(this.delivered)
    this.delivered = this.samples.length
    return out
  }

  get lastClassification(): ProfileClassification | undefined {
    return this.classifications[this.classifications.length - 1]
  }

  private mergeMemory(m: MemoryValues): void {
    if (m.arenaUsed !== undefined) this.memory.arenaUsed = m.arenaUsed
    if (m.arenaSize !== undefined) this.memory.arenaSize = m.arenaSize
    if (m.freeHeap !== undefined) this.memory.freeHeap = m.freeHeap
    if (m.other) this.memory.other = { ...this.memory.other, ...m.other }
  }
}
