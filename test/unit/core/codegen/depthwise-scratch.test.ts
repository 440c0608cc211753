/**
 * The arena scratch the C runtime reserves for a depthwise op: the kernel reads the input in place
 * for any depth multiplier, so an op whose windows all lie inside the input (VALID, no dilation
 * across a row) needs none, and a padded op needs one gathered patch of the *input*
 * (f_h x f_w x in_c bytes, whatever the multiplier) plus the few bytes its last lanes load past the
 * last channel, never f_h x f_w x out_c. Bit-exactness of these shapes with each scratch is checked
 * by test/integration/c-runtime-paths.test.ts (host, QEMU Cortex-M4 and M3).
 */
import { describe, expect, it } from 'vitest'
import { generateCRuntimeModel } from '../../../../src/main/core/codegen/c-runtime'
import { planFastOp } from '../../../../src/main/core/codegen/c-fast-ops'
import { cgModelFromTflite } from '../../../../src/main/core/codegen/graph'
import { depthwiseShaped, type DepthwiseShape } from '../../../integration/helpers/shaped-models'

const ACT = { min: -128, max: 127 }

function depthwisePlan(shape: DepthwiseShape): { scratch: number; source: string } {
  const g = cgModelFromTflite(depthwiseShaped(7, shape))
  const op = g.operators.find((o) => o.op === 'DEPTHWISE_CONV_2D')!
  const plan = planFastOp(op, g, ACT)!
  expect(plan.kernel).toBe('depthwise')
  const source = generateCRuntimeModel(g, { kernels: 'fast' }).files.map((f) => f.contents).join('\n')
  return { scratch: plan.scratchBytes, source }
}

const base = { h: 6, w: 9, stride: 1, dilation: 1, activation: 'relu' } as const

describe('depthwise scratch in the C runtime arena', () => {
  for (const mult of [1, 2, 3, 4, 6]) {
    it(`multiplier ${mult}, VALID: read in place, no scratch buffer`, () => {
      const { scratch, source } = depthwisePlan({ ...base, inC: 5, mult, fh: 2, fw: 3, padding: 'valid' })
      expect(scratch).toBe(0)
      expect(source).toMatch(/_run\([^;]*, 0\);/)
    })
    it(`multiplier ${mult}, SAME: one gathered input patch (taps x in_c), not taps x out_c`, () => {
      const inC = 5
      const taps = 3 * 2
      const { scratch } = depthwisePlan({ ...base, inC, mult, fh: 3, fw: 2, padding: 'same' })
      expect(scratch).toBeGreaterThanOrEqual(taps * inC)
      expect(scratch).toBeLessThanOrEqual(taps * inC + 3)
    })
  }
})
