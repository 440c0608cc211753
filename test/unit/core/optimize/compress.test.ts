import { describe, expect, it } from 'vitest'
import { gzipSize } from '../../../../src/main/core/optimize/compress'
import { pruneByMagnitude } from '../../../../src/main/core/optimize/pruning'
import { cnnModel } from './fixtures'

describe('gzip size', () => {
  it('shrinks sparse weights far more than dense ones', () => {
    const toBytes = (m: ReturnType<typeof cnnModel>): Uint8Array => {
      const parts: number[] = []
      for (const l of m.layers) if (l.type === 'dense' || l.type === 'conv1d') for (const w of l.kernel) parts.push(Math.round(w * 254))
      return Uint8Array.from(parts, (v) => v & 0xff)
    }
    const dense = toBytes(cnnModel())
    const sparse = toBytes(pruneByMagnitude(cnnModel(), 0.8))
    expect(gzipSize(dense)).toBeGreaterThan(dense.length * 0.8)
    expect(gzipSize(sparse)).toBeLessThan(dense.length * 0.45)
    expect(gzipSize(new Uint8Array(1000))).toBeLessThan(60)
  })
})
