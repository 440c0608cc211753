/**
 * The float32 latency model against committed measurements (test/fixtures/latency/m4-float-ops.json,
 * made by `npm run bench -- m4` in QEMU): TFLM's float32 kernels (reference, and the CMSIS-NN
 * library, which runs the same reference kernels for float32) on the Cortex-M4F. The cost models
 * are fitted to the float32 sweep models only, and must predict the held-out bench models (every
 * preset as float32 and structured-pruned, and the trained gesture model) within +-20%.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { fitFloat, type MeasuredModel } from '../../../../bench/m4/fit'
import { FLOAT_KINDS, predictInstructions } from '../../../../src/main/core/cost/cost-fit'
import { deployLatency, estimateLatency, estimateM4FloatInstructions, TARGETS } from '../../../../src/main/core/cost/latency'
import { M4_FLOAT_COST_MODELS } from '../../../../src/main/core/cost/m4-float-cost-model'
import { opFactsFromIr } from '../../../../src/main/core/cost/op-facts'
import { FLOAT_LATENCY_RUNTIMES } from '../../../../src/shared/optimize'
import { presetIr, prunedPresetIr } from '../../../integration/helpers/preset-models'

const fixture = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'latency', 'm4-float-ops.json'), 'utf8')) as { models: MeasuredModel[] }
const sweep = fixture.models.filter((m) => m.set === 'sweep')
const heldOut = fixture.models.filter((m) => m.set === 'bench')

describe('float32 latency from measured Cortex-M4 instruction counts', () => {
  it('the committed float cost models are the fit to the float32 sweep models alone (none of the held-out models)', () => {
    expect(sweep.length).toBeGreaterThanOrEqual(8)
    const refit = fitFloat(sweep)
    for (const rt of FLOAT_LATENCY_RUNTIMES) {
      for (const [kind, coef] of Object.entries(refit[rt])) {
        coef.forEach((v, j) => expect(M4_FLOAT_COST_MODELS[rt][kind as keyof (typeof refit)[typeof rt]][j], `${rt} ${kind}[${j}]`).toBeCloseTo(v, 6))
      }
    }
    const names = new Set(sweep.map((m) => m.model))
    for (const m of heldOut) expect(names.has(m.model), m.model).toBe(false)
  })

  for (const rt of FLOAT_LATENCY_RUNTIMES) {
    it(`predicts every held-out float32 model within +-20% on ${rt}`, () => {
      expect(heldOut.length).toBeGreaterThanOrEqual(7)
      for (const m of heldOut) {
        const error = predictInstructions(M4_FLOAT_COST_MODELS[rt], m.ops, FLOAT_KINDS) / m.totals[rt] - 1
        expect(Math.abs(error), `${m.model}: ${(100 * error).toFixed(1)}%`).toBeLessThanOrEqual(0.2)
      }
    })
  }

  it('Optimize on a Cortex-M4F board: a float32 variant\'s estimate is the fitted TFLM + CMSIS-NN figure, within 20% of the held-out count, not a projection', () => {
    const cases: Array<[string, ReturnType<typeof presetIr>]> = [
      ['1D CNN float32', presetIr('cnn1d', 119, 6, 2, 3)],
      ['DS-CNN structured-pruned float32', prunedPresetIr('dscnn', 119, 6, 2, 3)],
      ['dense float32', presetIr('dense', 119, 6, 2, 3)]
    ]
    for (const [name, ir] of cases) {
      const measured = heldOut.find((m) => m.model === name)!
      const est = estimateLatency(ir, 'float32', { stm32f4: 1.5 })
      for (const id of ['nano33ble', 'stm32f4'] as const) {
        const l = est.find((x) => x.target === id)!
        const t = TARGETS.find((x) => x.id === id)!
        expect(l.projection, `${name} ${id}`).toBe(false)
        expect(l.runtime).toBe('tflm-cmsis-nn')
        expect(l.byRuntime!.map((r) => r.runtime)).toEqual(['tflm-cmsis-nn', 'tflm-reference'])
        expect(l.basis).toMatch(/fitted to .*float32 models, instructions counted in QEMU/)
        expect(l.cycles).toBe(estimateM4FloatInstructions(opFactsFromIr(ir), 'tflm-cmsis-nn'))
        expect(Math.abs(l.cycles / measured.totals['tflm-cmsis-nn'] - 1), `${name} ${id}`).toBeLessThanOrEqual(0.2)
        expect(l.rawMs).toBeCloseTo(l.cycles / (t.clockMHz * 1000), 9)
        expect(l.ms).toBeCloseTo(l.rawMs * (id === 'stm32f4' ? 1.5 : 1), 9)
      }
    }
  })

  it('ESP32 and RP2040 stay labelled projections, derived from the Cortex-M4F measurement times their stated factor, and keep the board-measured correction', () => {
    const cases: Array<[string, ReturnType<typeof presetIr>]> = [
      ['1D CNN float32', presetIr('cnn1d', 119, 6, 2, 3)],
      ['DS-CNN float32', presetIr('dscnn', 119, 6, 2, 3)],
      ['dense float32', presetIr('dense', 119, 6, 2, 3)]
    ]
    for (const [name, ir] of cases) {
      const measured = heldOut.find((m) => m.model === name)!
      const macs = measured.ops.reduce((n, o) => n + o.macs, 0)
      const est = estimateLatency(ir, 'float32')
      for (const id of ['esp32', 'pico'] as const) {
        const l = est.find((x) => x.target === id)!
        const t = TARGETS.find((x) => x.id === id)!
        const p = t.floatProjection!
        expect(l.projection).toBe(true)
        expect(l.basis).toMatch(/^Projection, not a measurement: .*measured on the Cortex-M4F/)
        expect(l.basis).toContain(`x ${p.factor} for the ${t.core}`)
        expect(t.notes).toContain(`times ${p.factor}`)
        // The relationship, on models the float cost models were not fitted to: the projection is the
        // QEMU-measured TFLM reference count times the core's factor (plus software float per MAC), within
        // the fit's held-out error; never the far lower cycles per MAC of an assumed table.
        const fromMeasurement = measured.totals['tflm-reference'] * p.factor + macs * p.softFloatCyclesPerMac
        expect(l.cycles / fromMeasurement, `${name} ${id}`).toBeGreaterThanOrEqual(0.8)
        expect(l.cycles / fromMeasurement, `${name} ${id}`).toBeLessThanOrEqual(1.2)
        expect(l.rawMs).toBeCloseTo(l.cycles / (t.clockMHz * 1000), 9)
        expect(estimateLatency(ir, 'float32', { [id]: 2 }).find((x) => x.target === id)!.ms).toBeCloseTo(l.rawMs * 2, 9)
      }
    }
    // The ESP32 has an FPU and runs the M4F's instructions at about its rate; the RP2040 does float in software.
    const esp = TARGETS.find((t) => t.id === 'esp32')!.floatProjection!
    const pico = TARGETS.find((t) => t.id === 'pico')!.floatProjection!
    expect(esp.factor).toBeGreaterThanOrEqual(1)
    expect(esp.softFloatCyclesPerMac).toBe(0)
    expect(pico.factor).toBeGreaterThan(esp.factor)
    expect(pico.softFloatCyclesPerMac).toBeGreaterThan(0)
    expect(TARGETS.filter((t) => t.floatProjection === null).map((t) => t.id)).toEqual(['nano33ble', 'stm32f4'])
  })

  it('Deploy: float32 builds TFLM only (CMSIS-NN on Cortex-M4), from the fitted model, with the correction; projection on ESP32', () => {
    const ops = heldOut.find((m) => m.model === '1D CNN float32')!.ops
    expect(deployLatency(ops, 'nano33ble', 'c', 1, 'float32')).toBeNull()
    const tflm = deployLatency(ops, 'nano33ble', 'tflm', 1, 'float32')!
    expect(tflm.runtime).toBe('tflm-cmsis-nn')
    expect(tflm.ms).toBeCloseTo(estimateM4FloatInstructions(ops, 'tflm-cmsis-nn') / 64_000, 9)
    expect(tflm.basis).toMatch(/fitted to/)
    expect(deployLatency(ops, 'nano33ble', 'tflm', 2, 'float32')!.ms).toBeCloseTo(2 * tflm.ms, 9)
    const esp = deployLatency(ops, 'esp32', 'tflm', 1, 'float32')!
    expect(esp.runtime).toBe('tflm-reference')
    expect(esp.basis).toMatch(/^Projection/)
  })
})
