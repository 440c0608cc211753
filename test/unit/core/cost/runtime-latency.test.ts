/**
 * The int8 latency model against committed measurements (test/fixtures/latency/m4-ops.json, made by
 * `npm run bench -- m4` in QEMU): the cost models are fitted to the sweep models only, and must
 * predict the held-out bench models (every preset PTQ and structured-pruned, hello_world,
 * micro_speech) within +-20% per inference for the C runtime and TFLM + CMSIS-NN.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { FITTED_RUNTIMES, samples, type MeasuredModel } from '../../../../bench/m4/fit'
import { fitCostModel, predictInstructions } from '../../../../src/main/core/cost/cost-fit'
import { deployLatency, estimateLatency, estimateM4Instructions, TARGETS } from '../../../../src/main/core/cost/latency'
import { M4_COST_MODELS } from '../../../../src/main/core/cost/m4-cost-model'
import { opFactsFromIr } from '../../../../src/main/core/cost/op-facts'
import { presetIr, prunedPresetIr } from '../../../integration/helpers/preset-models'

const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'latency', 'm4-ops.json'), 'utf8')) as { models: MeasuredModel[] }
const sweep = fixture.models.filter((m) => m.set === 'sweep')
const heldOut = fixture.models.filter((m) => m.set === 'bench')

describe('int8 latency from measured Cortex-M4 instruction counts', () => {
  it('the committed cost models are the fit to the sweep models alone (none of the held-out models)', () => {
    expect(sweep.length).toBeGreaterThanOrEqual(8)
    for (const rt of FITTED_RUNTIMES) {
      const refit = fitCostModel(samples(sweep, rt), rt)
      for (const [kind, coef] of Object.entries(refit)) {
        coef.forEach((v, j) => expect(M4_COST_MODELS[rt][kind as keyof typeof refit][j], `${rt} ${kind}[${j}]`).toBeCloseTo(v, 6))
      }
    }
  })

  for (const rt of ['c', 'tflm-cmsis-nn', 'tflm-reference'] as const) {
    it(`predicts every held-out model within +-20% on ${rt}`, () => {
      expect(heldOut.length).toBeGreaterThanOrEqual(8)
      const errors = heldOut.map((m) => ({ model: m.model, error: predictInstructions(M4_COST_MODELS[rt], m.ops, rt) / m.totals[rt] - 1 }))
      for (const e of errors) expect(Math.abs(e.error), `${e.model}: ${(100 * e.error).toFixed(1)}%`).toBeLessThanOrEqual(0.2)
    })
  }

  it('the operators Optimize derives from a ModelIR are the ones the exported graph runs (same MACs and elements)', () => {
    const irs: Array<[string, ReturnType<typeof presetIr>]> = [
      ['1D CNN PTQ', presetIr('cnn1d', 119, 6, 2, 3)],
      ['DS-CNN structured-pruned', prunedPresetIr('dscnn', 119, 6, 2, 3)],
      ['dense PTQ', presetIr('dense', 119, 6, 2, 3)]
    ]
    for (const [name, ir] of irs) {
      const measured = heldOut.find((m) => m.model === name)!
      const strip = (o: { op: string; macs: number; inputElements: number; outputElements: number }): string => `${o.op}:${o.macs}:${o.inputElements}:${o.outputElements}`
      expect(opFactsFromIr(ir).map(strip), name).toEqual(measured.ops.map(strip))
    }
  })

  it('reports every runtime per board, the C runtime first, with its basis; non-emulated cores say projection', () => {
    const ir = presetIr('cnn1d', 119, 6, 2, 3)
    const est = estimateLatency(ir, 'int8', { nano33ble: 1.25 })
    const nano = est.find((l) => l.target === 'nano33ble')!
    expect(nano.runtime).toBe('c')
    expect(nano.byRuntime!.map((r) => r.runtime)).toEqual(['c', 'tflm-cmsis-nn', 'tflm-reference'])
    expect(nano.cycles).toBe(estimateM4Instructions(ir, 'c'))
    expect(nano.rawMs).toBeCloseTo(nano.cycles / 64_000, 9)
    expect(nano.ms).toBeCloseTo(nano.rawMs * 1.25, 9)
    expect(nano.basis).toMatch(/fitted to/)
    expect(nano.projection).toBe(false)
    for (const id of ['esp32', 'pico']) {
      const l = est.find((x) => x.target === id)!
      expect(l.basis).toMatch(/^Projection/)
      expect(l.projection).toBe(true)
      // The board-measured correction still applies to a projection.
      expect(estimateLatency(ir, 'int8', { [id]: 1.5 }).find((x) => x.target === id)!.ms).toBeCloseTo(l.ms * 1.5, 9)
    }
    expect(TARGETS.filter((t) => t.int8Projection === null).map((t) => t.core)).toEqual(['Cortex-M4F', 'Cortex-M4F'])
  })

  it('Deploy: the runtime it builds (TFLM on a Cortex-M4 board means CMSIS-NN), the board\'s correction, projection elsewhere', () => {
    const ops = heldOut.find((m) => m.model === '1D CNN PTQ')!.ops
    const c = deployLatency(ops, 'nano33ble', 'c')!
    const tflm = deployLatency(ops, 'nano33ble', 'tflm')!
    expect([c.runtime, tflm.runtime]).toEqual(['c', 'tflm-cmsis-nn'])
    expect(c.ms).toBeCloseTo(predictInstructions(M4_COST_MODELS.c, ops, 'c') / 64_000, 9)
    expect(deployLatency(ops, 'nano33ble', 'c', 2)!.ms).toBeCloseTo(2 * c.ms, 9)
    const esp = deployLatency(ops, 'esp32', 'tflm')!
    expect(esp.runtime).toBe('tflm-reference')
    expect(esp.basis).toMatch(/^Projection/)
  })
})
