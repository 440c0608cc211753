import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** A saved profiling session as Profile writes it (C runtime, host timings), with no samples, in projectDir/profiles. */
export function writeSavedSession(projectDir: string, id: string, name: string): void {
  mkdirSync(join(projectDir, 'profiles'), { recursive: true })
  const medians = { sensor: 30, preprocess: 99, inference: 1200, output: 1 }
  const session = {
    format: 'microforge-profile', version: 1, id, name, createdAt: '2026-12-04T10:00:00.000Z', durationMs: 1000, origin: 'host', source: { kind: 'virtual', engine: 'host' },
    variant: 'ptq', runtime: 'c', inferences: 10, medians, totalMedian: 1330, memory: { arenaUsed: 724 }, samples: [], classifications: [],
    counts: { lines: 10, timing: 10, memory: 1, classification: 0, text: 0, blank: 0, garbage: 0 }, stats: { stages: [], total: null }
  }
  writeFileSync(join(projectDir, 'profiles', `${id}.json`), JSON.stringify(session))
}
