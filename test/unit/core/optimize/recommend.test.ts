import { describe, expect, it } from 'vitest'
import { checkFit, recommend } from '../../../../src/main/core/optimize/recommend'
import type { Budget, TargetLatency, VariantKind, VariantRecord } from '../../../../src/shared/optimize'

type V = Pick<VariantRecord, 'name' | 'kind' | 'format' | 'accuracy' | 'tfliteBytes' | 'gzipBytes' | 'arenaBytes' | 'latency' | 'tflmSupported' | 'tflmProblem'>

const lat = (ms: number): TargetLatency[] => [{ target: 'nano33ble', ms, rawMs: ms, cycles: ms * 64000, correction: 1 }]
const v = (kind: VariantKind, accuracy: number, kb: number, extra: Partial<V> = {}): V => ({
  name: kind,
  kind,
  format: kind === 'float32' ? 'float32' : 'int8',
  accuracy,
  tfliteBytes: kb * 1024,
  gzipBytes: kb * 800,
  arenaBytes: 4 * 1024,
  latency: lat(2),
  ...extra
})
const budget: Budget = { flashKB: 64, ramKB: 16, latencyMs: 10, minAccuracy: 0.9, target: 'nano33ble' }

describe('checkFit', () => {
  it('names every limit a variant breaks, with units', () => {
    const f = checkFit(v('ptq', 0.85, 80, { arenaBytes: 20 * 1024, latency: lat(12) }), budget)
    expect(f.fits).toBe(false)
    expect(f.failures).toEqual(['model 80.0 KB > flash 64 KB', 'arena 20.0 KB > RAM 16 KB', '12.00 ms > 10 ms on nano33ble', 'accuracy 85.0% < 90.0%'])
  })
})

describe('recommend (the decision tree of the quantization lesson)', () => {
  it('1-2: PTQ that loses 2 points or less and fits is deployed as it is', () => {
    const r = recommend([v('float32', 0.95, 120), v('ptq', 0.94, 30), v('qat', 0.95, 30)], 0.95, budget)
    expect(r).toMatchObject({ variant: 'ptq', action: 'deploy-ptq' })
    expect(r.reason).toMatch(/loses 1\.0 points/)
    expect(r.fits.find((f) => f.name === 'float32')!.fits).toBe(false)
  })

  it('3: PTQ losing more than 2 points asks for QAT, and picks QAT when it exists', () => {
    expect(recommend([v('ptq', 0.9, 30)], 0.95, budget)).toMatchObject({ variant: null, action: 'run-qat' })
    const r = recommend([v('ptq', 0.9, 30), v('qat', 0.94, 30)], 0.95, budget)
    expect(r).toMatchObject({ variant: 'qat', action: 'deploy-qat' })
    expect(r.trail.join('\n')).toMatch(/5\.0 points/)
  })

  it('numbers the advice the user reads without gaps, whichever branch the tree took', () => {
    const r = recommend([v('ptq', 0.9, 30), v('qat', 0.94, 30)], 0.95, budget)
    const numbers = r.trail.map((t) => /^(\d+)\. /.exec(t)?.[1]).filter((n): n is string => n !== undefined)
    expect(numbers).toEqual(numbers.map((_, i) => String(i + 1)))
    expect(numbers.length).toBeGreaterThanOrEqual(2)
    expect(r.trail.some((t) => t.startsWith('   QAT'))).toBe(true)
  })

  it('4: an int8 model still too big goes to a smaller architecture, or says to train one', () => {
    const big = [v('ptq', 0.95, 100), v('qat', 0.95, 100)]
    expect(recommend(big, 0.955, budget)).toMatchObject({ variant: null, action: 'train-smaller' })
    const r = recommend([...big, v('prune-structured', 0.93, 40), v('distill', 0.94, 20)], 0.955, budget)
    expect(r).toMatchObject({ variant: 'distill', action: 'smaller-architecture' })
  })

  it('5: over-the-air limits pick a pruned model whose gzip is small enough', () => {
    const variants = [v('ptq', 0.95, 30), v('prune', 0.94, 30, { gzipBytes: 9 * 1024 })]
    expect(recommend(variants, 0.955, { ...budget, otaKB: 12 })).toMatchObject({ variant: 'prune', action: 'prune-compress' })
    expect(recommend(variants, 0.955, { ...budget, otaKB: 40 })).toMatchObject({ variant: 'ptq', action: 'deploy-ptq' })
  })

  it('says what to do when nothing reaches the accuracy minimum', () => {
    const r = recommend([v('ptq', 0.7, 30), v('qat', 0.72, 30)], 0.75, budget)
    expect(r.variant).toBeNull()
    expect(r.reason).toMatch(/Record more windows/)
  })

  it('never recommends a variant TensorFlow Lite Micro cannot load, and says which those are', () => {
    // A tiny, very accurate hybrid and float16 variant would otherwise win on size.
    const hybrid = v('dynamic', 0.99, 10, { format: 'dynamic', tflmSupported: false, tflmProblem: 'hybrid layer' })
    const fp16 = v('fp16', 0.99, 12, { format: 'fp16' })
    const r = recommend([hybrid, fp16, v('ptq', 0.94, 30, { tflmSupported: true })], 0.95, budget)
    expect(r).toMatchObject({ variant: 'ptq', action: 'deploy-ptq' })
    expect(r.trail[0]).toBe('TensorFlow Lite Micro cannot load dynamic, fp16; never recommended for a board.')
    // An int8 variant inspect flagged (say a converter file with a softmax TFLM rejects) is skipped too.
    const flagged = recommend([v('ptq', 0.97, 20, { tflmSupported: false, tflmProblem: 'softmax output' }), v('qat', 0.95, 30)], 0.95, budget)
    expect(flagged.variant).not.toBe('ptq')
  })
})

describe('the default accuracy floor: within 1 point of float32', () => {
  const { minAccuracy: _m, ...relative } = budget
  it('deploys PTQ that lost nothing on a 9-window test split, where an absolute 90% floor found nothing', () => {
    const variants = [v('float32', 8 / 9, 120), v('ptq', 8 / 9, 30)]
    expect(recommend(variants, 8 / 9, relative)).toMatchObject({ variant: 'ptq', action: 'deploy-ptq' })
    expect(recommend(variants, 8 / 9, budget).variant).toBeNull()
  })

  it('fails a variant that loses more than the allowed points, and takes another allowance', () => {
    const r = recommend([v('ptq', 0.93, 30)], 0.95, relative)
    expect(r.fits[0].failures).toEqual(['accuracy 93.0% < 94.0%'])
    expect(recommend([v('ptq', 0.93, 30)], 0.95, { ...relative, maxDropPoints: 3 })).toMatchObject({ variant: 'ptq', action: 'deploy-ptq' })
  })
})
