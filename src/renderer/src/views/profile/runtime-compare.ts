/**
 * The runtimes side by side: for one model (variant) and one kind of timing (host, emulator), the
 * newest saved session of each runtime, stage by stage, and each runtime's time over the C
 * runtime's. Plain data in, plain data out, so it is tested without a browser.
 */
import type { ProfileRuntime, ProfileSessionSummary, TimingOrigin } from '../../../../shared/contract/profile'

export interface RuntimeGroup {
  key: string
  variant: string | null
  origin: TimingOrigin
  /** Newest session per runtime, in the order C runtime, TFLM reference, TFLM + CMSIS-NN. */
  sessions: ProfileSessionSummary[]
}

export interface RuntimeRow {
  stage: string
  /** Median µs per column (null when that session has no such stage). */
  medians: Array<number | null>
  /** Median / the C runtime's median (null without a C-runtime column or value). */
  overC: Array<number | null>
}

const ORDER: ProfileRuntime[] = ['c', 'tflm-reference', 'tflm-cmsis-nn']
const STAGES = ['sensor', 'preprocess', 'inference', 'output']

/** Groups of sessions that ran the same model with the same kind of timing on two or more runtimes. */
export function runtimeGroups(sessions: readonly ProfileSessionSummary[]): RuntimeGroup[] {
  const groups = new Map<string, RuntimeGroup>()
  const newestFirst = [...sessions].sort((a, b) => b.createdAt.localeCompare(a.createdAt))
  for (const s of newestFirst) {
    if (!s.runtime || s.stale) continue
    const key = `${s.variant ?? ''}\u0000${s.origin}`
    const g = groups.get(key) ?? { key, variant: s.variant ?? null, origin: s.origin, sessions: [] }
    if (!g.sessions.some((x) => x.runtime === s.runtime)) g.sessions.push(s)
    groups.set(key, g)
  }
  const out = [...groups.values()].filter((g) => g.sessions.length >= 2)
  for (const g of out) g.sessions.sort((a, b) => ORDER.indexOf(a.runtime!) - ORDER.indexOf(b.runtime!))
  return out
}

/** Stage rows (the usual four first, then any other the firmware printed) and the total. */
export function runtimeRows(group: RuntimeGroup): RuntimeRow[] {
  const stages = [...STAGES.filter((st) => group.sessions.some((s) => s.medians[st] !== undefined))]
  for (const s of group.sessions) for (const st of Object.keys(s.medians)) if (!stages.includes(st)) stages.push(st)
  const c = group.sessions.find((s) => s.runtime === 'c')
  const row = (stage: string, value: (s: ProfileSessionSummary) => number | null): RuntimeRow => {
    const base = c ? value(c) : null
    const medians = group.sessions.map(value)
    return { stage, medians, overC: medians.map((m) => (m !== null && base !== null && base > 0 ? m / base : null)) }
  }
  return [...stages.map((st) => row(st, (s) => s.medians[st] ?? null)), row('total', (s) => s.totalMedian)]
}
