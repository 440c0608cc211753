/**
 * Issue #12.4: Profile's runtime comparison puts the newest session of each runtime for the same
 * model and kind of timing side by side, stage by stage, with each runtime over the C runtime.
 */
import { describe, expect, it } from 'vitest'
import type { ProfileSessionSummary } from '../../../../../src/shared/contract/profile'
import { runtimeGroups, runtimeRows } from '../../../../../src/renderer/src/views/profile/runtime-compare'

let n = 0
function session(p: Partial<ProfileSessionSummary> & Pick<ProfileSessionSummary, 'medians'>): ProfileSessionSummary {
  n++
  return { id: `s${n}`, name: `s${n}`, createdAt: `2026-12-04T10:00:${String(n).padStart(2, '0')}Z`, durationMs: 1, origin: 'emulator', source: { kind: 'virtual' }, inferences: 10, totalMedian: null, memory: {}, ...p }
}

describe('runtime comparison', () => {
  it('pairs the newest session of each runtime per variant and timing, C runtime first; ratios over C', () => {
    const oldC = session({ variant: 'ptq', runtime: 'c', medians: { inference: 9999 } })
    const ref = session({ variant: 'ptq', runtime: 'tflm-reference', medians: { sensor: 28, inference: 24567, output: 1 }, totalMedian: 24700 })
    const c = session({ variant: 'ptq', runtime: 'c', medians: { sensor: 28, inference: 1395, output: 1 }, totalMedian: 1500 })
    const cmsis = session({ variant: 'ptq', runtime: 'tflm-cmsis-nn', medians: { sensor: 28, inference: 2549, output: 1, custom: 5 }, totalMedian: 2650 })
    const hostOnlyC = session({ variant: 'ptq', origin: 'host', runtime: 'c', medians: { inference: 15 } })
    const staleRef = session({ variant: 'qat', runtime: 'tflm-reference', stale: true, medians: { inference: 1 } })
    const qatC = session({ variant: 'qat', runtime: 'c', medians: { inference: 2 } })
    const board = session({ variant: 'ptq', origin: 'board', medians: { inference: 3000 } })
    const groups = runtimeGroups([oldC, ref, c, cmsis, hostOnlyC, staleRef, qatC, board])
    expect(groups).toHaveLength(1)
    expect(groups[0]).toMatchObject({ variant: 'ptq', origin: 'emulator' })
    expect(groups[0].sessions.map((s) => s.id)).toEqual([c.id, ref.id, cmsis.id])
    const rows = runtimeRows(groups[0])
    expect(rows.map((r) => r.stage)).toEqual(['sensor', 'inference', 'output', 'custom', 'total'])
    const inference = rows.find((r) => r.stage === 'inference')!
    expect(inference.medians).toEqual([1395, 24567, 2549])
    expect(inference.overC[0]).toBe(1)
    expect(inference.overC[1]).toBeCloseTo(24567 / 1395, 10)
    expect(inference.overC[2]).toBeCloseTo(2549 / 1395, 10)
    expect(rows.find((r) => r.stage === 'custom')!.medians).toEqual([null, null, 5])
    expect(rows.find((r) => r.stage === 'custom')!.overC).toEqual([null, null, null])
    expect(rows.at(-1)!.medians).toEqual([1500, 24700, 2650])
  })

  it('without a C-runtime session there are no ratios, and a single runtime is no comparison', () => {
    const ref = session({ variant: 'v', runtime: 'tflm-reference', medians: { inference: 20 } })
    const cmsis = session({ variant: 'v', runtime: 'tflm-cmsis-nn', medians: { inference: 10 } })
    const [g] = runtimeGroups([ref, cmsis])
    expect(runtimeRows(g).find((r) => r.stage === 'inference')!.overC).toEqual([null, null])
    expect(runtimeGroups([session({ variant: 'w', runtime: 'c', medians: { inference: 1 } })])).toEqual([])
  })
})
